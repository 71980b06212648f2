/**
 * Webhook endpoints and their deliveries as each role sees them: what a receiver answered is for superusers
 * only (the owner reads the status code and a short reason), a deactivated endpoint's pending deliveries fail at
 * the next run, an inactive personal endpoint gets no rows at all, and an endpoint handed to another owner takes
 * its history along. Retry now works on retrying deliveries too.
 */
import { CHANNEL_BITS } from '@tocsin/contract/catalogue';
import type { TDelivery, TDeliveryDetail, TDeliveryPage, TDeliveryStats } from '@tocsin/contract/deliveries';
import type { TTestResult } from '@tocsin/contract/system-settings';
import type { TWebhook, TWebhookList } from '@tocsin/contract/webhooks';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { findRows } from '../db/rows';
import { deliveries } from '../db/schema';
import { getDelivery, insertDelivery, insertEvent, insertWebhook, updateSystemSettings } from '../delivery/test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from '../delivery/test-peers/http-receiver';
import { runDueDeliveries } from '../delivery/worker';
import { dispatchEvent } from '../notifications/dispatch';
import { createTestApp, createUser, loginAs, type TTestClient } from '../test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await ctx?.deps.cleanup();
  ctx = undefined;
});

const RECEIVER_WORDS = 'stack trace: db 10.1.2.3 refused user tocsin_ro';

async function setup() {
  // The receivers listen on loopback, which the outbound policy refuses unless it is listed.
  ctx = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1', DELIVERY_MAX_ATTEMPTS: 3 });
  const adminUser = await createUser(ctx.deps, { username: 'admin', isSuperuser: true });
  const aliceUser = await createUser(ctx.deps, { username: 'alice' });
  const bobUser = await createUser(ctx.deps, { username: 'bob' });
  const admin = await loginAs(ctx.app, 'admin');
  const alice = await loginAs(ctx.app, 'alice');
  const bob = await loginAs(ctx.app, 'bob');
  await updateSystemSettings(ctx.deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
  return { deps: ctx.deps, admin, alice, bob, adminUser, aliceUser, bobUser };
}

async function receiver(respond: Parameters<THttpReceiver['respondWith']>[0] = { status: 200 }): Promise<THttpReceiver> {
  const r = await startHttpReceiver({ respond });
  closers.push(r.close);
  return r;
}

const ids = async (client: TTestClient) => ((await (await client.get('/api/deliveries')).json()) as TDeliveryPage).items.map((d) => d.id);

describe('what a receiver answered is shown to superusers only', () => {
  it('on the Test button, on a failed save, in the delivery log (list and detail) and in the webhook note', async () => {
    const { deps, admin, alice } = await setup();
    const r = await receiver({ status: 200 });
    const hook = (await (await alice.post('/api/webhooks', { name: 'Alice SIEM', url: r.url })).json()) as TWebhook;
    r.respondWith({ status: 500, body: RECEIVER_WORDS });

    const asAdmin = (await (await admin.post(`/api/webhooks/${hook.id}/test`)).json()) as TTestResult;
    const asAlice = (await (await alice.post(`/api/webhooks/${hook.id}/test`)).json()) as TTestResult;
    expect(asAdmin).toMatchObject({ ok: false, response_code: 500 });
    expect(asAdmin.message).toBe(`The webhook answered HTTP 500 Internal Server Error: ${RECEIVER_WORDS}`);
    expect(asAlice).toEqual({ ok: false, response_code: 500, message: 'The webhook answered HTTP 500 Internal Server Error.' });

    const saveAsAlice = await alice.patch(`/api/webhooks/${hook.id}`, { url: `${r.url}/v2` });
    const saveAsAdmin = await admin.patch(`/api/webhooks/${hook.id}`, { url: `${r.url}/v2` });
    expect((await saveAsAlice.json()) as unknown).toMatchObject({
      error: { code: 'ping_failed', message: 'The endpoint did not accept the ping: The webhook answered HTTP 500 Internal Server Error.' },
    });
    expect(((await saveAsAdmin.json()) as { error: { message: string } }).error.message).toContain(RECEIVER_WORDS);

    // A delivery that fails for good: 410 is permanent.
    r.respondWith({ status: 410, body: RECEIVER_WORDS });
    const event = await insertEvent(deps, { title: 'Scan added' });
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'failed', responseCode: 410 });

    const seen = async (client: TTestClient) => {
      const item = ((await (await client.get('/api/deliveries')).json()) as TDeliveryPage).items.find((x) => x.id === d.id)!;
      const detail = (await (await client.get(`/api/deliveries/${d.id}`)).json()) as TDeliveryDetail;
      return { item, detail };
    };
    const forAdmin = await seen(admin);
    expect(forAdmin.item.last_error).toContain(RECEIVER_WORDS);
    expect(forAdmin.detail.attempt_list[0]?.error).toContain(RECEIVER_WORDS);
    const forAlice = await seen(alice);
    expect(forAlice.item).toMatchObject({ response_code: 410, last_error: 'The webhook answered HTTP 410 Gone.' });
    expect(forAlice.detail.attempt_list.map((a) => a.error)).toEqual(['The webhook answered HTTP 410 Gone.']);
    expect(JSON.stringify(forAlice)).not.toContain('10.1.2.3');

    // The endpoint's note (shown to its owner on the Webhooks page) is the summary too.
    const listed = ((await (await alice.get('/api/webhooks')).json()) as TWebhookList).items[0]!;
    expect(listed.status).toBe('inactive_permanent');
    expect(listed.note).toBe('The webhook answered HTTP 410 Gone.');
  });

  it('superusers read the provider’s words in System Settings test results', async () => {
    const { deps, admin } = await setup();
    const teams = await receiver({ status: 500, body: RECEIVER_WORDS });
    await updateSystemSettings(deps, { msteamsEnabled: true, msteamsUrl: `${teams.url}/workflows/x?sig=s1g-credential` });
    const result = (await (await admin.post('/api/system-settings/test/msteams')).json()) as TTestResult;
    expect(result).toMatchObject({ ok: false, response_code: 500 });
    expect(result.message).toContain(RECEIVER_WORDS);
  });
});

describe('deactivated and inactive endpoints', () => {
  it('deactivating a webhook makes its pending deliveries fail at the next run, saying why, without a request', async () => {
    const { deps, alice } = await setup();
    const r = await receiver();
    const hook = (await (await alice.post('/api/webhooks', { name: 'Alice SIEM', url: r.url })).json()) as TWebhook;
    const event = await insertEvent(deps);
    const queued = await insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
    // Retrying, due only in an hour: deactivation makes it due now.
    const retrying = await insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      status: 'retrying',
      attempts: 1,
      nextAttemptAt: deps.now() + 3_600_000,
    });
    const deactivated = await alice.post(`/api/webhooks/${hook.id}/deactivate`);
    expect(await deactivated.json()).toMatchObject({ status: 'inactive_permanent', note: 'Deactivated by alice.' });

    const pings = r.requests.length;
    await runDueDeliveries(deps);
    for (const d of [queued, retrying]) {
      const row = await getDelivery(deps, d.id);
      expect(row.status).toBe('failed');
      expect(row.lastError).toMatch(/^The webhook "Alice SIEM" is permanently inactive \(Deactivated by alice\.\); reactivate it/);
    }
    expect(r.requests).toHaveLength(pings);
  });

  it('a personal webhook that is inactive_permanent gets no delivery rows; the active one does', async () => {
    const { deps, aliceUser } = await setup();
    await deps.db.run(sql`insert into notification_settings (scope, user_id, event, channels)
      values ('personal', ${aliceUser.id}, 'other', ${CHANNEL_BITS.alert | CHANNEL_BITS.webhooks})`);
    const active = await insertWebhook(deps, { name: 'Active', url: 'https://hooks.example.com/a', ownerId: aliceUser.id });
    const inactive = await insertWebhook(deps, {
      name: 'Off',
      url: 'https://hooks.example.com/b',
      ownerId: aliceUser.id,
      status: 'inactive_permanent',
    });
    const result = await dispatchEvent(deps, { event: 'other', title: 'For Alice', recipients: [aliceUser.id] });
    expect(result.deliveriesCreated).toBe(1);
    const rows = await findRows(deps.db, deliveries, eq(deliveries.eventId, result.eventId));
    expect(rows.map((row) => row.webhookId)).toEqual([active.id]);
    expect(rows.some((row) => row.webhookId === inactive.id)).toBe(false);
  });
});

describe('a webhook handed to another owner', () => {
  it('takes its earlier deliveries along: the new owner and superusers see them, the old owner no longer does', async () => {
    const { deps, admin, alice, bob, aliceUser, bobUser } = await setup();
    const r = await receiver();
    const hook = (await (await alice.post('/api/webhooks', { name: 'Team SIEM', url: r.url })).json()) as TWebhook;
    const event = await insertEvent(deps, { title: 'Scan added' });
    // Written by dispatch for alice's personal notification: user_id names her.
    const d = await insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      userId: aliceUser.id,
      status: 'failed',
      attempts: 1,
      lastError: 'The webhook answered HTTP 503 Service Unavailable: down',
      lastErrorSummary: 'The webhook answered HTTP 503 Service Unavailable.',
    });
    // Alice's own mail stays hers.
    const mail = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'user', userId: aliceUser.id });
    expect(await ids(alice)).toEqual([mail.id, d.id]);
    expect(await ids(bob)).toEqual([]);

    expect((await admin.patch(`/api/webhooks/${hook.id}`, { owner_id: bobUser.id })).status).toBe(200);
    expect(await ids(alice)).toEqual([mail.id]);
    expect(await ids(bob)).toEqual([d.id]);
    expect(await ids(admin)).toEqual([mail.id, d.id]);
    expect((await alice.get(`/api/deliveries/${d.id}`)).status).toBe(404);
    expect((await alice.post(`/api/deliveries/${d.id}/retry`)).status).toBe(404);
    const hers = (await (await alice.get('/api/deliveries/stats')).json()) as TDeliveryStats;
    expect(hers.channels.find((c) => c.channel === 'webhooks')).toMatchObject({ failed: 0 });
    const detail = await bob.get(`/api/deliveries/${d.id}`);
    expect(detail.status).toBe(200);
    expect(((await detail.json()) as TDelivery).last_error).toBe('The webhook answered HTTP 503 Service Unavailable.');
    expect((await bob.post(`/api/deliveries/${d.id}/retry`)).status).toBe(200);
  });
});

describe('Retry now', () => {
  it('sends a retrying delivery now instead of at its retry time; a deactivated webhook is refused saying so', async () => {
    const { deps, alice } = await setup();
    const r = await receiver();
    const hook = (await (await alice.post('/api/webhooks', { name: 'Alice SIEM', url: r.url })).json()) as TWebhook;
    const event = await insertEvent(deps);
    const later = deps.now() + 3_600_000;
    const d = await insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      status: 'retrying',
      attempts: 1,
      nextAttemptAt: later,
    });
    const res = await alice.post(`/api/deliveries/${d.id}/retry`);
    expect(res.status).toBe(200);
    expect((await getDelivery(deps, d.id)).nextAttemptAt).toBeLessThanOrEqual(deps.now());
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'sent', attempts: 2 });

    const other = await insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      status: 'retrying',
      attempts: 1,
      nextAttemptAt: later,
    });
    await deps.db.run(sql`update webhooks set status = 'inactive_permanent' where id = ${hook.id}`);
    const refused = await alice.post(`/api/deliveries/${other.id}/retry`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('webhook "Alice SIEM" is deactivated');
  });
});

describe('delivery health', () => {
  it('counts queued and retrying, by channel and hour and as the backlog now', async () => {
    const { deps, admin, alice, aliceUser } = await setup();
    const event = await insertEvent(deps);
    const now = deps.now();
    await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'user', userId: aliceUser.id });
    await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'system', status: 'retrying', attempts: 2 });
    // Queued for two days: in the backlog, outside the 24 buckets.
    await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system', createdAt: now - 48 * 3_600_000 });
    const stats = (await (await admin.get('/api/deliveries/stats')).json()) as TDeliveryStats;
    const mail = stats.channels.find((c) => c.channel === 'mail')!;
    expect(mail).toMatchObject({ queued: 3, retrying: 0, sent: 0, failed: 0 });
    expect(mail.buckets.at(-1)).toMatchObject({ queued: 2, retrying: 0 });
    expect(mail.buckets.reduce((n, b) => n + b.queued, 0)).toBe(2);
    expect(stats.channels.find((c) => c.channel === 'slack')).toMatchObject({ queued: 0, retrying: 1 });
    const hers = (await (await alice.get('/api/deliveries/stats')).json()) as TDeliveryStats;
    expect(hers.channels.find((c) => c.channel === 'mail')).toMatchObject({ queued: 1, retrying: 0 });
    expect(hers.channels.find((c) => c.channel === 'slack')).toMatchObject({ queued: 0, retrying: 0 });
  });
});
