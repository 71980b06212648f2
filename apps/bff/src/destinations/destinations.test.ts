/**
 * Destinations per product, end to end through the real peers on loopback (Slack Web API stand-in, SMTP server,
 * HTTP receiver): a superuser defines destinations and a system rule through the API, events are dispatched,
 * the worker sends, and health and the delivery log follow.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resealStoredSecrets } from '../delivery/secrets';
import { getSystemSettings } from '../delivery/settings';
import { updateSystemSettings } from '../delivery/test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from '../delivery/test-peers/http-receiver';
import { startSlackStandIn, type TSlackStandIn } from '../delivery/test-peers/slack';
import { startSmtpReceiver, type TSmtpReceiver } from '../delivery/test-peers/smtp';
import { runDueDeliveries } from '../delivery/worker';
import { dispatchFindingEvent } from '../rules/test-helpers';
import { createTestApp, createUser, insertProduct, insertProductType, loginAs, type TTestClient } from '../test-utils';

type TApp = Awaited<ReturnType<typeof createTestApp>>;

let world: TApp;
let slack: TSlackStandIn;
let smtp: TSmtpReceiver;
let hook: THttpReceiver;
let admin: TTestClient;
let reader: TTestClient;
let payments: { id: number };
let shop: { id: number };

const messageOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

const json = async <T = Record<string, unknown>>(res: Response, status: number): Promise<T> => {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  return (body ? JSON.parse(body) : null) as T;
};

beforeEach(async () => {
  slack = await startSlackStandIn({ channels: ['#security', '#payments-sec'] });
  smtp = await startSmtpReceiver();
  hook = await startHttpReceiver({ respond: { status: 204 } });
  world = await createTestApp({
    OUTBOUND_ALLOW: '127.0.0.1',
    SLACK_API_URL: slack.url,
    DELIVERY_BACKOFF_BASE_MS: 10,
    DELIVERY_BACKOFF_MAX_MS: 20,
    DELIVERY_MAX_ATTEMPTS: 2,
  });
  const { deps } = world;
  await updateSystemSettings(deps, {
    slackEnabled: true,
    slackToken: deps.secretBox.seal(slack.token),
    slackChannel: '#security',
    mailEnabled: true,
    mailFrom: 'tocsin@example.test',
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpTlsMode: 'none',
    webhooksEnabled: true,
    teamName: 'Acme',
  });
  const web = await insertProductType(deps, 'Web');
  payments = await insertProduct(deps, 'Payments API', web.id);
  shop = await insertProduct(deps, 'Shop', web.id);
  await deps.db.run(sql`insert into product_tags (product_id, tag) values (${payments.id}, 'payments')`);
  await createUser(deps, { username: 'root', isSuperuser: true });
  await createUser(deps, { username: 'rita', globalRole: 'Reader' });
  admin = await loginAs(world.app, 'root');
  reader = await loginAs(world.app, 'rita');
});
afterEach(async () => {
  await Promise.all([slack.close(), smtp.close(), hook.close()]);
  await world.deps.cleanup();
});

async function createPaymentsRouting() {
  const slackDest = await json<{ id: number }>(
    await admin.post('/api/destinations', { kind: 'slack', name: 'Payments security', slack_channel: '#payments-sec' }),
    201,
  );
  const mailDest = await json<{ id: number }>(
    await admin.post('/api/destinations', {
      kind: 'mail',
      name: 'Payments team',
      addresses: ['payments-team@example.test', 'payments-lead@example.test'],
    }),
    201,
  );
  const hookDest = await json<{ id: number }>(
    await admin.post('/api/destinations', {
      kind: 'webhook',
      name: 'Payments SIEM',
      url: hook.url,
      header_name: 'X-Api-Key',
      header_value: 'siem-secret-1',
    }),
    201,
  );
  const rule = await json<{ id: number }>(
    await admin.post('/api/system-rules', {
      name: 'Critical on payments',
      events: ['sla_breach'],
      destination_ids: [slackDest.id, mailDest.id, hookDest.id],
      conditions: { product_tags: ['payments'], min_severity: 'Critical' },
    }),
    201,
  );
  return { slackDest, mailDest, hookDest, rule };
}

describe('destinations per product', () => {
  it('sends Critical on products tagged payments to the Slack channel, the email list and the webhook; a High or another product does not go', async () => {
    const { slackDest, mailDest, hookDest } = await createPaymentsRouting();
    const { deps } = world;

    await dispatchFindingEvent(deps, payments.id, 'High');
    await dispatchFindingEvent(deps, shop.id, 'Critical');
    const critical = await dispatchFindingEvent(deps, payments.id, 'Critical');
    const rows = await deps.db.all<{ eventId: number; channel: string; destinationId: number | null }>(
      sql`select event_id as "eventId", channel, destination_id as "destinationId" from deliveries order by id`,
    );
    expect(rows).toEqual([
      { eventId: critical.eventId, channel: 'slack', destinationId: slackDest.id },
      { eventId: critical.eventId, channel: 'mail', destinationId: mailDest.id },
      { eventId: critical.eventId, channel: 'webhooks', destinationId: hookDest.id },
    ]);

    const stats = await runDueDeliveries(deps);
    expect(stats).toMatchObject({ sent: 3, failed: 0 });
    expect(slack.posts.map((p) => p.channel)).toEqual(['#payments-sec']);
    expect(String(slack.posts[0]!.text)).toContain('Critical finding');
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.envelopeTo.sort()).toEqual(['payments-lead@example.test', 'payments-team@example.test']);
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]!.headers['x-api-key']).toBe('siem-secret-1');
    expect(JSON.parse(hook.requests[0]!.body)).toMatchObject({ event: 'sla_breach', finding: { severity: 'Critical' } });

    const listed = await json<{ items: { id: number; health: Record<string, unknown> }[] }>(await admin.get('/api/destinations'), 200);
    for (const d of listed.items) {
      expect(d.health).toMatchObject({ consecutive_failures: 0, last_failure_at: null });
      expect(d.health.last_success_at).not.toBeNull();
    }
  });

  it('records failures on the destination’s health and lists its deliveries in the log (superusers only)', async () => {
    const { hookDest } = await createPaymentsRouting();
    hook.respondWith({ status: 500, body: 'down' });
    await dispatchFindingEvent(world.deps, payments.id, 'Critical');
    await runDueDeliveries(world.deps);
    // Two attempts (DELIVERY_MAX_ATTEMPTS), both failed.
    await new Promise((r) => setTimeout(r, 30));
    await runDueDeliveries(world.deps);
    const d = await json<{ health: { consecutive_failures: number; last_error: string | null; last_success_at: string | null } }>(
      await admin.get(`/api/destinations/${hookDest.id}`),
      200,
    );
    expect(d.health.consecutive_failures).toBe(2);
    expect(d.health.last_error).toContain('500');
    expect(d.health.last_success_at).toBeNull();

    const log = await json<{ items: { destination_id: number; destination: string; status: string }[]; total: number }>(
      await admin.get(`/api/deliveries?destination_id=${hookDest.id}`),
      200,
    );
    expect(log.total).toBe(1);
    expect(log.items[0]).toMatchObject({ destination_id: hookDest.id, destination: 'Destination Payments SIEM', status: 'failed' });
    expect(JSON.stringify(log)).not.toContain('siem-secret-1');

    const refused = await reader.get(`/api/deliveries?destination_id=${hookDest.id}`);
    expect(refused.status).toBe(403);
    expect(await messageOf(refused)).toContain('superusers');
    // Their own log shows none of the destination's rows.
    const own = await json<{ total: number }>(await reader.get('/api/deliveries'), 200);
    expect(own.total).toBe(0);
  });

  it('sends a test to the destination through the same adapters', async () => {
    const { slackDest, mailDest, hookDest } = await createPaymentsRouting();
    expect(await json(await admin.post(`/api/destinations/${slackDest.id}/test`), 200)).toMatchObject({ ok: true });
    expect(slack.posts.map((p) => p.channel)).toEqual(['#payments-sec']);
    expect(await json(await admin.post(`/api/destinations/${mailDest.id}/test`), 200)).toMatchObject({ ok: true });
    expect(smtp.messages[0]!.envelopeTo.sort()).toEqual(['payments-lead@example.test', 'payments-team@example.test']);
    expect(await json(await admin.post(`/api/destinations/${hookDest.id}/test`), 200)).toMatchObject({ ok: true });
    expect(hook.requests[0]!.headers['x-api-key']).toBe('siem-secret-1');
    hook.respondWith({ status: 401, body: 'no' });
    const failed = await json<{ ok: boolean; message: string }>(await admin.post(`/api/destinations/${hookDest.id}/test`), 200);
    expect(failed.ok).toBe(false);
    expect(failed.message).toContain('401');
  });

  it('keeps secrets sealed and write-only, and drops them when a webhook’s URL changes', async () => {
    const { hookDest } = await createPaymentsRouting();
    const teams = await json<{ id: number; url: string | null; url_set: boolean }>(
      await admin.post('/api/destinations', {
        kind: 'msteams',
        name: 'Payments Teams',
        url: 'https://example.test/workflows/abc?sig=teams-sig-1',
      }),
      201,
    );
    expect(teams).toMatchObject({ url: null, url_set: true });
    const all = await admin.get('/api/destinations');
    const text = await all.text();
    expect(text).not.toContain('siem-secret-1');
    expect(text).not.toContain('teams-sig-1');
    const stored = await world.deps.db.all<{ url: string | null; headerValue: string | null }>(
      sql`select url, header_value as "headerValue" from destinations order by id`,
    );
    expect(JSON.stringify(stored)).not.toContain('siem-secret-1');
    expect(JSON.stringify(stored)).not.toContain('teams-sig-1');

    // The same URL keeps the secret; a new one drops it.
    const same = await json<{ header_value_set: boolean }>(
      await admin.put(`/api/destinations/${hookDest.id}`, {
        kind: 'webhook',
        name: 'Payments SIEM',
        url: hook.url,
        header_name: 'X-Api-Key',
      }),
      200,
    );
    expect(same.header_value_set).toBe(true);
    const moved = await json<{ header_value_set: boolean }>(
      await admin.put(`/api/destinations/${hookDest.id}`, {
        kind: 'webhook',
        name: 'Payments SIEM',
        url: `${hook.url}/v2`,
        header_name: 'X-Api-Key',
      }),
      200,
    );
    expect(moved.header_value_set).toBe(false);
  });

  it('seals a destination’s secrets left in plain text at start, but never a webhook destination’s URL', async () => {
    const { deps } = world;
    await deps.db.run(sql`insert into destinations (name, kind, url, header_value) values
      ('Legacy Teams', 'msteams', 'https://example.test/flow?sig=plain-sig', null),
      ('Legacy hook', 'webhook', 'https://example.test/hook', 'plain-header')`);
    expect((await resealStoredSecrets(deps)).resealed).toBe(2);
    const rows = await deps.db.all<{ kind: string; url: string; headerValue: string | null }>(
      sql`select kind, url, header_value as "headerValue" from destinations order by id`,
    );
    expect(deps.secretBox.isCurrent(rows[0]!.url)).toBe(true);
    expect(deps.secretBox.open(rows[0]!.url)).toBe('https://example.test/flow?sig=plain-sig');
    expect(rows[1]!.url).toBe('https://example.test/hook');
    expect(deps.secretBox.open(rows[1]!.headerValue!)).toBe('plain-header');
  });

  it('refuses bad input with messages a person can act on, and non-superusers with 403', async () => {
    const bad = await admin.post('/api/destinations', { kind: 'mail', name: 'Team', addresses: ['not-an-address'] });
    expect(bad.status).toBe(400);
    expect(await messageOf(bad)).toContain('valid email address');
    const internal = await admin.post('/api/destinations', { kind: 'webhook', name: 'Internal', url: 'http://10.0.0.1/hook' });
    expect(internal.status).toBe(400);
    expect(await messageOf(internal)).toContain('url:');
    await json(await admin.post('/api/destinations', { kind: 'slack', name: 'Sec', slack_channel: '#sec' }), 201);
    const dup = await admin.post('/api/destinations', { kind: 'slack', name: 'SEC', slack_channel: '#other' });
    expect(dup.status).toBe(409);
    const rule = await admin.post('/api/system-rules', { name: 'x', events: ['sla_breach'], destination_ids: [999] });
    expect(rule.status).toBe(400);
    expect(await messageOf(rule)).toContain('no destination 999');

    for (const res of [
      await reader.get('/api/destinations'),
      await reader.post('/api/destinations', { kind: 'slack', name: 'Mine', slack_channel: '#mine' }),
      await reader.get('/api/system-rules'),
    ]) {
      expect(res.status).toBe(403);
    }
    expect((await getSystemSettings(world.deps)).slackChannel).toBe('#security');
  });

  it('sends nothing to a destination whose channel is disabled in System Settings', async () => {
    await createPaymentsRouting();
    await updateSystemSettings(world.deps, { slackEnabled: false });
    await dispatchFindingEvent(world.deps, payments.id, 'Critical');
    const channels = await world.deps.db.all<{ channel: string }>(sql`select channel from deliveries order by id`);
    expect(channels.map((c) => c.channel)).toEqual(['mail', 'webhooks']);
  });
});
