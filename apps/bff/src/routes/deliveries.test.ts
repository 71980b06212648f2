import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TDeliveryDetail, TDeliveryPage, TDeliveryStats } from '@tocsin/contract/deliveries';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deps } from '../app-context';
import { insertRow, insertRows } from '../db/rows';
import { deliveries, deliveryAttempts, events, webhooks } from '../db/schema';
import { createTestApp, createUser, loginAs } from '../test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await ctx?.deps.cleanup();
  ctx = undefined;
});

const HOUR = 3_600_000;
// A fixed clock: 2026-03-10 12:30 UTC.
const NOW = Date.UTC(2026, 2, 10, 12, 30);

function insertEvent(deps: Deps, name: string, title = `${name} happened`) {
  return insertRow(deps.db, events, { name, routedAs: name, title, url: '/alerts', icon: 'bell', source: name, createdAt: NOW - 2 * HOUR });
}

type DeliveryInput = Partial<typeof deliveries.$inferInsert> & { eventId: number; channel: string };

function insertDelivery(deps: Deps, input: DeliveryInput) {
  return insertRow(deps.db, deliveries, {
    uuid: randomUUID(),
    targetKind: input.webhookId ? 'webhook' : input.userId ? 'user' : 'system',
    status: 'queued',
    createdAt: NOW - HOUR,
    updatedAt: NOW - HOUR,
    nextAttemptAt: NOW - HOUR,
    ...input,
  });
}

async function setup() {
  // The receivers listen on loopback, which the outbound policy refuses unless it is listed.
  ctx = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1' });
  ctx.deps.now = () => NOW;
  const adminUser = await createUser(ctx.deps, { username: 'admin', isSuperuser: true });
  const aliceUser = await createUser(ctx.deps, { username: 'alice' });
  const bobUser = await createUser(ctx.deps, { username: 'bob' });
  const admin = await loginAs(ctx.app, 'admin');
  const alice = await loginAs(ctx.app, 'alice');
  const bob = await loginAs(ctx.app, 'bob');
  return { ...ctx, admin, alice, bob, adminUser, aliceUser, bobUser };
}

/** Three deliveries: a system mail (sent), alice's mail (failed, 2 attempts), a webhook delivery to alice's webhook (failed). */
async function seed(deps: Deps, aliceId: number) {
  const scan = await insertEvent(deps, 'scan_added', 'Scan of ACME');
  const other = await insertEvent(deps, 'other', 'Something else');
  const hook = await insertRow(deps.db, webhooks, {
    name: 'Alice SIEM',
    url: 'http://127.0.0.1:1/hook',
    ownerId: aliceId,
    headerName: 'X-Key',
    headerValue: 'hv-secret-value',
    signingSecret: 'sig-secret-value',
  });
  const systemMail = await insertDelivery(deps, {
    eventId: scan.id,
    channel: 'mail',
    status: 'sent',
    attempts: 1,
    sentAt: NOW - 30 * 60_000,
    content: JSON.stringify({ subject: 'Scan of ACME', body: 'Hello' }),
  });
  const aliceMail = await insertDelivery(deps, {
    eventId: scan.id,
    channel: 'mail',
    userId: aliceId,
    status: 'failed',
    attempts: 2,
    lastError: 'SMTP answered 550 mailbox unavailable',
    // What the worker stores beside an error that quotes nobody: the same text, for users who are not superusers.
    lastErrorSummary: 'SMTP answered 550 mailbox unavailable',
    responseCode: 550,
    createdAt: NOW - 3 * HOUR,
    updatedAt: NOW - 2 * HOUR,
  });
  await insertRows(deps.db, deliveryAttempts, [
    {
      deliveryId: aliceMail.id,
      startedAt: NOW - 3 * HOUR,
      finishedAt: NOW - 3 * HOUR + 50,
      ok: false,
      responseCode: 451,
      error: 'try later',
      errorSummary: 'try later',
    },
    {
      deliveryId: aliceMail.id,
      startedAt: NOW - 2 * HOUR,
      finishedAt: NOW - 2 * HOUR + 50,
      ok: false,
      responseCode: 550,
      error: 'mailbox unavailable',
      errorSummary: 'mailbox unavailable',
    },
  ]);
  const webhookDelivery = await insertDelivery(deps, {
    eventId: other.id,
    channel: 'webhooks',
    webhookId: hook.id,
    status: 'failed',
    attempts: 1,
    // A receiver may echo the header it got; the log must not show it.
    lastError: 'The webhook answered HTTP 401: bad key hv-secret-value',
    content: JSON.stringify({ headers: { 'X-Key': 'hv-secret-value' }, body: { event: 'other' } }),
  });
  return { scan, other, hook, systemMail, aliceMail, webhookDelivery };
}

describe('GET /api/deliveries', () => {
  it('shows superusers every delivery and users only theirs (and their webhooks’)', async () => {
    const { admin, alice, bob, deps, aliceUser } = await setup();
    const { systemMail, aliceMail, webhookDelivery } = await seed(deps, aliceUser.id);

    const all = (await (await admin.get('/api/deliveries')).json()) as TDeliveryPage;
    expect(all.total).toBe(3);
    expect(all.items.map((d) => d.id)).toEqual([webhookDelivery.id, aliceMail.id, systemMail.id]);
    expect(all.items.find((d) => d.id === systemMail.id)).toMatchObject({
      event: 'scan_added',
      event_title: 'Scan of ACME',
      destination: 'System address (not set)',
      status: 'sent',
    });
    expect(all.items.find((d) => d.id === aliceMail.id)).toMatchObject({ destination: 'alice (alice@example.test)', response_code: 550 });
    expect(all.items.find((d) => d.id === webhookDelivery.id)).toMatchObject({ destination: 'Webhook Alice SIEM' });

    const allText = JSON.stringify(all);
    expect(allText).not.toContain('hv-secret-value');
    expect(allText).toContain('bad key [redacted]');

    const mine = (await (await alice.get('/api/deliveries')).json()) as TDeliveryPage;
    expect(mine.items.map((d) => d.id).sort()).toEqual([aliceMail.id, webhookDelivery.id].sort());
    const bobs = (await (await bob.get('/api/deliveries')).json()) as TDeliveryPage;
    expect(bobs).toMatchObject({ total: 0, items: [] });
  });

  it('filters by status, channel, event and time, and pages', async () => {
    const { admin, deps, aliceUser } = await setup();
    const { systemMail, aliceMail, webhookDelivery } = await seed(deps, aliceUser.id);
    const ids = async (query: string) =>
      ((await (await admin.get(`/api/deliveries?${query}`)).json()) as TDeliveryPage).items.map((d) => d.id);
    expect(await ids('status=failed')).toEqual([webhookDelivery.id, aliceMail.id]);
    expect(await ids('channel=webhooks')).toEqual([webhookDelivery.id]);
    expect(await ids('event=scan_added')).toEqual([aliceMail.id, systemMail.id]);
    expect(await ids('status=failed&channel=mail')).toEqual([aliceMail.id]);
    const twoHoursAgo = new Date(NOW - 2 * HOUR).toISOString();
    expect(await ids(`since=${encodeURIComponent(twoHoursAgo)}`)).toEqual([webhookDelivery.id, systemMail.id]);
    expect(await ids(`until=${encodeURIComponent(twoHoursAgo)}`)).toEqual([aliceMail.id]);
    const page2 = (await (await admin.get('/api/deliveries?page=2&page_size=2')).json()) as TDeliveryPage;
    expect(page2).toMatchObject({ total: 3, page: 2, page_size: 2 });
    expect(page2.items.map((d) => d.id)).toEqual([systemMail.id]);
  });

  it('names bad filters', async () => {
    const { admin } = await setup();
    const res = await admin.get('/api/deliveries?status=lost&since=yesterday&channel=alert');
    expect(res.status).toBe(400);
    const { message } = ((await res.json()) as { error: { message: string } }).error;
    for (const field of ['status', 'since', 'channel']) expect(message).toContain(field);
  });
});

describe('GET /api/deliveries/:id', () => {
  it('returns attempts and rendered content, with secrets scrubbed', async () => {
    const { admin, alice, bob, deps, aliceUser } = await setup();
    const { aliceMail, webhookDelivery, systemMail } = await seed(deps, aliceUser.id);

    const detail = (await (await alice.get(`/api/deliveries/${aliceMail.id}`)).json()) as TDeliveryDetail;
    expect(detail.attempt_list.map((a) => [a.response_code, a.error])).toEqual([
      [451, 'try later'],
      [550, 'mailbox unavailable'],
    ]);
    expect(detail.attempt_list[0]!.started_at).toBe(new Date(NOW - 3 * HOUR).toISOString());

    const sent = (await (await admin.get(`/api/deliveries/${systemMail.id}`)).json()) as TDeliveryDetail;
    expect(sent.content).toEqual({ subject: 'Scan of ACME', body: 'Hello' });

    const hookRes = await admin.get(`/api/deliveries/${webhookDelivery.id}`);
    const hookText = await hookRes.text();
    expect(hookText).not.toContain('hv-secret-value');
    expect((JSON.parse(hookText) as TDeliveryDetail).content).toEqual({ headers: { 'X-Key': '[redacted]' }, body: { event: 'other' } });

    expect((await bob.get(`/api/deliveries/${aliceMail.id}`)).status).toBe(404);
    expect((await alice.get(`/api/deliveries/${systemMail.id}`)).status).toBe(404);
    expect((await admin.get('/api/deliveries/99999')).status).toBe(404);
  });
});

describe('POST /api/deliveries/:id/retry', () => {
  it('sends a failed delivery again now; refuses others with 409; hides others’ with 404', async () => {
    const { admin, alice, bob, deps, aliceUser } = await setup();
    const receiver = await startReceiver();
    const { systemMail, webhookDelivery, hook } = await seed(deps, aliceUser.id);
    await deps.db.run(sql`update webhooks set url = ${receiver.url} where id = ${hook.id}`);
    await deps.db.run(sql`update system_settings set webhooks_enabled = 1 where id = 1`);

    expect((await bob.post(`/api/deliveries/${webhookDelivery.id}/retry`)).status).toBe(404);
    const sentRetry = await admin.post(`/api/deliveries/${systemMail.id}/retry`);
    expect(sentRetry.status).toBe(409);
    expect(((await sentRetry.json()) as { error: { message: string } }).error.message).toContain('Only failed deliveries can be retried');

    const res = await alice.post(`/api/deliveries/${webhookDelivery.id}/retry`);
    expect(res.status).toBe(200);
    const after = (await res.json()) as TDeliveryDetail;
    expect(after.status).not.toBe('failed');
    expect(['queued', 'sending', 'sent']).toContain(after.status);
    const row = (await deps.db.get<{ status: string; next_attempt_at: number }>(
      sql`select status, next_attempt_at from deliveries where id = ${webhookDelivery.id}`,
    ))!;
    expect(row.status).not.toBe('failed');
    expect(row.next_attempt_at).toBeLessThanOrEqual(NOW);
  });
});

describe('POST /api/deliveries/:id/retry to a deactivated webhook', () => {
  it('refuses with 409 saying the webhook must be reactivated first, and leaves the delivery failed', async () => {
    const { alice, deps, aliceUser } = await setup();
    const { webhookDelivery, hook } = await seed(deps, aliceUser.id);
    await deps.db.run(sql`update webhooks set status = 'inactive_permanent', note = 'Deactivated by admin.' where id = ${hook.id}`);
    await deps.db.run(sql`update system_settings set webhooks_enabled = 1 where id = 1`);

    const res = await alice.post(`/api/deliveries/${webhookDelivery.id}/retry`);
    expect(res.status).toBe(409);
    const { message } = ((await res.json()) as { error: { message: string } }).error;
    expect(message).toContain('webhook "Alice SIEM" is deactivated');
    expect(message).toContain('reactivate the webhook first');
    const row = await deps.db.get<{ status: string; attempts: number }>(
      sql`select status, attempts from deliveries where id = ${webhookDelivery.id}`,
    );
    expect(row).toEqual({ status: 'failed', attempts: 1 });
  });
});

describe('GET /api/deliveries/stats', () => {
  it('counts sent and failed per channel and hour over the last 24 hours', async () => {
    const { admin, alice, deps, aliceUser } = await setup();
    await seed(deps, aliceUser.id);
    // Outside the window: not counted.
    const old = await insertEvent(deps, 'other');
    await insertDelivery(deps, { eventId: old.id, channel: 'slack', status: 'sent', sentAt: NOW - 30 * HOUR, createdAt: NOW - 30 * HOUR });

    const stats = (await (await admin.get('/api/deliveries/stats')).json()) as TDeliveryStats;
    expect(stats.hours).toBe(24);
    expect(stats.since).toBe(new Date(Date.UTC(2026, 2, 9, 13)).toISOString());
    expect(stats.channels.map((c) => c.channel)).toEqual(['mail', 'slack', 'msteams', 'webhooks']);
    const mail = stats.channels.find((c) => c.channel === 'mail')!;
    expect(mail).toMatchObject({ sent: 1, failed: 1 });
    expect(mail.buckets).toHaveLength(24);
    // Sent at 12:00 (this hour, the last bucket); failed at 10:30 (the 10:00 bucket).
    expect(mail.buckets[23]).toEqual({
      start: new Date(Date.UTC(2026, 2, 10, 12)).toISOString(),
      sent: 1,
      failed: 0,
      queued: 0,
      retrying: 0,
    });
    expect(mail.buckets[21]).toEqual({
      start: new Date(Date.UTC(2026, 2, 10, 10)).toISOString(),
      sent: 0,
      failed: 1,
      queued: 0,
      retrying: 0,
    });
    expect(stats.channels.find((c) => c.channel === 'slack')).toMatchObject({ sent: 0, failed: 0 });
    expect(stats.channels.find((c) => c.channel === 'webhooks')).toMatchObject({ sent: 0, failed: 1 });

    // Alice sees only her own: her failed mail and her webhook's failure, not the system mail.
    const hers = (await (await alice.get('/api/deliveries/stats?hours=6')).json()) as TDeliveryStats;
    expect(hers.channels.find((c) => c.channel === 'mail')).toMatchObject({ sent: 0, failed: 1 });
    expect(hers.channels.find((c) => c.channel === 'mail')!.buckets).toHaveLength(6);

    expect((await admin.get('/api/deliveries/stats?hours=0')).status).toBe(400);
  });
});

/** A loopback HTTP receiver answering 200 to everything. */
async function startReceiver() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}
