/**
 * Flood control for named destinations (issue 10), end to end through the real loopback peers (Slack Web API
 * stand-in, SMTP server, HTTP receiver) with a fake clock: a superuser puts destinations on digests through the
 * API, the digest job sends one message per destination and period; coalesced bursts reach a destination as the
 * first event and one "+N" follow-up at the end of the window.
 */
import { channelsToMask } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { findRows } from '../db/rows';
import { deliveries, digestItems } from '../db/schema';
import { updateSystemSettings } from '../delivery/test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from '../delivery/test-peers/http-receiver';
import { startSlackStandIn, type TSlackStandIn } from '../delivery/test-peers/slack';
import { startSmtpReceiver, type TSmtpReceiver } from '../delivery/test-peers/smtp';
import { runDueDeliveries } from '../delivery/worker';
import { sendDueDigests } from '../digests/job';
import { dispatchEvent } from '../notifications/dispatch';
import { dispatchEvents } from '../notifications/dispatch-batch';
import { createTestDeps, createUser, insertProduct, insertProductType, loginAs, type TTestClient, type TTestDeps } from '../test-utils';

let deps: TTestDeps;
let slack: TSlackStandIn;
let smtp: TSmtpReceiver;
let hook: THttpReceiver;
let admin: TTestClient;
let payments: { id: number };
let shop: { id: number };
let clock: number;
const utc = (iso: string) => Date.parse(iso);

const json = async <T = Record<string, unknown>>(res: Response, status: number): Promise<T> => {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  return (body ? JSON.parse(body) : null) as T;
};
const messageOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

beforeEach(async () => {
  slack = await startSlackStandIn({ channels: ['#security', '#payments-sec'] });
  smtp = await startSmtpReceiver();
  hook = await startHttpReceiver({ respond: { status: 204 } });
  deps = await createTestDeps({ OUTBOUND_ALLOW: '127.0.0.1', PUBLIC_URL: 'https://tocsin.test', SLACK_API_URL: slack.url });
  clock = utc('2026-11-30T12:00:00Z');
  deps.now = () => clock;
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
  await createUser(deps, { username: 'root', isSuperuser: true });
  admin = await loginAs(createApp(deps), 'root');
});
afterEach(async () => {
  await Promise.all([slack.close(), smtp.close(), hook.close()]);
  await deps.cleanup();
});

type TDigestBody = { mode: string; daily_at: string; time_zone: string };

async function createDestinations(digests: { slack?: TDigestBody; mail?: TDigestBody; hook?: TDigestBody } = {}) {
  const slackDest = await json<{ id: number; digest: TDigestBody }>(
    await admin.post('/api/destinations', {
      kind: 'slack',
      name: 'Payments security',
      slack_channel: '#payments-sec',
      ...(digests.slack ? { digest: digests.slack } : {}),
    }),
    201,
  );
  const mailDest = await json<{ id: number; digest: TDigestBody }>(
    await admin.post('/api/destinations', {
      kind: 'mail',
      name: 'Payments team',
      addresses: ['payments-team@example.test', 'payments-lead@example.test'],
      ...(digests.mail ? { digest: digests.mail } : {}),
    }),
    201,
  );
  const hookDest = await json<{ id: number; digest: TDigestBody }>(
    await admin.post('/api/destinations', {
      kind: 'webhook',
      name: 'Payments SIEM',
      url: hook.url,
      ...(digests.hook ? { digest: digests.hook } : {}),
    }),
    201,
  );
  await json(
    await admin.post('/api/system-rules', {
      name: 'Everything to the payments team',
      events: ['sla_breach', 'scan_added'],
      destination_ids: [slackDest.id, mailDest.id, hookDest.id],
    }),
    201,
  );
  return { slackDest, mailDest, hookDest };
}

const hourly: TDigestBody = { mode: 'hourly', daily_at: '08:00', time_zone: 'UTC' };

describe('named destinations on digests', () => {
  it('takes, validates and keeps the digest choice through the API', async () => {
    const created = await json<{ id: number; digest: TDigestBody }>(
      await admin.post('/api/destinations', { kind: 'slack', name: 'Sec', slack_channel: '#sec' }),
      201,
    );
    // A new destination is sent to at once; its daily time is read in the server's time zone until one is chosen.
    expect(created.digest).toEqual({ mode: 'immediate', daily_at: '08:00', time_zone: 'UTC' });

    const daily = { mode: 'daily', daily_at: '07:30', time_zone: 'Europe/Paris' };
    const changed = await json<{ digest: TDigestBody }>(
      await admin.put(`/api/destinations/${created.id}`, { kind: 'slack', name: 'Sec', slack_channel: '#sec', digest: daily }),
      200,
    );
    expect(changed.digest).toEqual(daily);
    // A change that does not mention the digest keeps it.
    const renamed = await json<{ digest: TDigestBody }>(
      await admin.put(`/api/destinations/${created.id}`, { kind: 'slack', name: 'Security', slack_channel: '#sec' }),
      200,
    );
    expect(renamed.digest).toEqual(daily);
    expect((await json<{ digest: TDigestBody }>(await admin.get(`/api/destinations/${created.id}`), 200)).digest).toEqual(daily);

    const badZone = await admin.put(`/api/destinations/${created.id}`, {
      kind: 'slack',
      name: 'Sec',
      slack_channel: '#sec',
      digest: { mode: 'daily', daily_at: '08:00', time_zone: 'Mars/Olympus' },
    });
    expect(badZone.status).toBe(400);
    expect(await messageOf(badZone)).toMatch(/IANA time zone/);
    const badTime = await admin.post('/api/destinations', {
      kind: 'slack',
      name: 'Other',
      slack_channel: '#other',
      digest: { mode: 'daily', daily_at: '25:00', time_zone: 'UTC' },
    });
    expect(badTime.status).toBe(400);
    expect(await messageOf(badTime)).toMatch(/HH:MM/);
    const badMode = await admin.post('/api/destinations', {
      kind: 'slack',
      name: 'Other',
      slack_channel: '#other',
      digest: { mode: 'weekly', daily_at: '08:00', time_zone: 'UTC' },
    });
    expect(badMode.status).toBe(400);
    expect(await messageOf(badMode)).toContain('digest.mode');

    await createUser(deps, { username: 'rita', globalRole: 'Reader' });
    const reader = await loginAs(createApp(deps), 'rita');
    const refused = await reader.put(`/api/destinations/${created.id}`, {
      kind: 'slack',
      name: 'Sec',
      slack_channel: '#sec',
      digest: hourly,
    });
    expect(refused.status).toBe(403);
  });

  it('sends one message per destination and period, grouped by product and event with counts and links, none when empty', async () => {
    const { slackDest, mailDest, hookDest } = await createDestinations({
      slack: hourly,
      hook: hourly,
      mail: { mode: 'daily', daily_at: '08:00', time_zone: 'Europe/Paris' },
    });

    clock = utc('2026-11-30T12:05:00Z');
    await dispatchEvent(deps, { event: 'sla_breach', title: 'Finding 1 is overdue', productId: payments.id, url: '/findings/1' });
    clock = utc('2026-11-30T12:20:00Z');
    await dispatchEvent(deps, { event: 'sla_breach', title: 'Finding 2 is overdue', productId: payments.id, url: '/findings/2' });
    // The batch path too (several events in one transaction).
    await dispatchEvents(deps, [
      { event: 'sla_breach', title: 'Finding 3 is overdue', productId: shop.id, url: '/findings/3' },
      { event: 'scan_added', title: 'ZAP scan of Payments API', productId: payments.id },
    ]);

    // Nothing goes out at once: every delivery waits as a digest item of its own destination.
    await runDueDeliveries(deps);
    expect(slack.posts).toHaveLength(0);
    expect(smtp.messages).toHaveLength(0);
    expect(hook.requests).toHaveLength(0);
    expect(await findRows(deps.db, deliveries)).toHaveLength(0);
    const items = await findRows(deps.db, digestItems);
    const perDestination = (id: number) => items.filter((i) => i.destinationId === id && i.targetKind === 'destination').length;
    expect([perDestination(slackDest.id), perDestination(mailDest.id), perDestination(hookDest.id)]).toEqual([4, 4, 4]);

    clock = utc('2026-11-30T12:59:00Z');
    expect(await sendDueDigests(deps)).toEqual({ digests: 0, items: 0 });
    clock = utc('2026-11-30T13:00:30Z');
    // The hourly Slack channel and webhook; the email list waits for 08:00 in Paris.
    expect(await sendDueDigests(deps)).toEqual({ digests: 2, items: 8 });
    expect(await runDueDeliveries(deps)).toMatchObject({ sent: 2, failed: 0 });

    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]?.channel).toBe('#payments-sec');
    const post = JSON.stringify(slack.posts[0]);
    expect(post).toContain('Acme hourly digest: 4 notifications');
    expect(post).toContain('Payments API · SLA Breach: 2');
    expect(post).toContain('Shop · SLA Breach: 1');
    expect(post).toContain('Payments API · Scan Added: 1');
    expect(post).toContain('https://tocsin.test/findings/2');

    expect(hook.requests).toHaveLength(1);
    const body = JSON.parse(hook.requests[0]!.body) as {
      event: string;
      digest: { period: string; total: number; groups: { product: string; event: string; count: number; latest: { url: string }[] }[] };
    };
    expect(body.event).toBe('notification_digest');
    expect(body.digest).toMatchObject({ period: 'hourly', total: 4 });
    expect(body.digest.groups.map((g) => [g.product, g.event, g.count])).toEqual([
      ['Payments API', 'sla_breach', 2],
      ['Payments API', 'scan_added', 1],
      ['Shop', 'sla_breach', 1],
    ]);
    expect(body.digest.groups[0]?.latest.map((e) => e.url)).toEqual(['https://tocsin.test/findings/2', 'https://tocsin.test/findings/1']);

    // The digests are the destinations' deliveries (their log and health), and every item names the one that carried it.
    const sent = await findRows(deps.db, deliveries);
    expect(sent.map((d) => [d.destinationId, d.targetKind, d.status]).sort()).toEqual(
      [
        [hookDest.id, 'destination', 'sent'],
        [slackDest.id, 'destination', 'sent'],
      ].sort(),
    );
    const carried = await findRows(deps.db, digestItems, sql`destination_id in (${slackDest.id}, ${hookDest.id})`);
    expect(carried.every((i) => i.deliveryId !== null)).toBe(true);
    expect(new Set(carried.map((i) => i.deliveryId)).size).toBe(2);
    const health = await json<{ health: { last_success_at: string | null } }>(await admin.get(`/api/destinations/${slackDest.id}`), 200);
    expect(health.health.last_success_at).not.toBeNull();

    // An empty hour sends nothing.
    clock = utc('2026-11-30T14:00:30Z');
    expect(await sendDueDigests(deps)).toEqual({ digests: 0, items: 0 });

    // 07:59 in Paris: not yet; 08:00: one mail to the whole list.
    clock = utc('2026-12-01T06:59:00Z');
    expect((await sendDueDigests(deps)).digests).toBe(0);
    clock = utc('2026-12-01T07:00:00Z');
    expect(await sendDueDigests(deps)).toEqual({ digests: 1, items: 4 });
    await runDueDeliveries(deps);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.subject).toBe('Acme daily digest: 4 notifications');
    expect(smtp.messages[0]?.envelopeTo.sort()).toEqual(['payments-lead@example.test', 'payments-team@example.test']);
    expect(smtp.messages[0]?.text).toContain('Payments API · SLA Breach: 2');
    expect(smtp.messages[0]?.text).toContain('Finding 3 is overdue: https://tocsin.test/findings/3');
    expect(slack.posts).toHaveLength(1);
    expect(hook.requests).toHaveLength(1);
  });

  it('keeps a destination’s own choice when the system destinations are on a digest (both dispatch paths)', async () => {
    const { slackDest } = await createDestinations();
    await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
      values ('system', null, null, 'sla_breach', ${channelsToMask(['slack'])})`);
    await deps.db.run(sql`insert into digest_settings (user_id, channel, mode) values (null, 'slack', 'hourly')`);

    await dispatchEvent(deps, { event: 'sla_breach', title: 'One at a time', productId: payments.id });
    await dispatchEvents(deps, [
      { event: 'sla_breach', title: 'In a batch', productId: payments.id },
      { event: 'sla_breach', title: 'In a batch too', productId: shop.id },
    ]);
    await runDueDeliveries(deps);
    // The destination is immediate: three posts to its channel; the system channel waits for its hourly digest.
    expect(slack.posts.map((p) => p.channel)).toEqual(['#payments-sec', '#payments-sec', '#payments-sec']);
    const items = await findRows(deps.db, digestItems);
    expect(items.map((i) => [i.targetKind, i.destinationId])).toEqual([
      ['system', null],
      ['system', null],
      ['system', null],
    ]);
    const rows = await findRows(deps.db, deliveries, sql`channel = 'slack'`);
    expect(rows.every((r) => r.destinationId === slackDest.id && r.status === 'sent')).toBe(true);
  });

  it('drops a deleted destination’s waiting digest items with it', async () => {
    const { slackDest } = await createDestinations({ slack: hourly });
    await dispatchEvent(deps, { event: 'sla_breach', title: 'Waiting', productId: payments.id });
    expect(await findRows(deps.db, digestItems, sql`destination_id = ${slackDest.id}`)).toHaveLength(1);
    expect((await admin.delete(`/api/destinations/${slackDest.id}`)).status).toBe(204);
    expect(await findRows(deps.db, digestItems, sql`destination_id = ${slackDest.id}`)).toHaveLength(0);
    clock = utc('2026-11-30T13:00:30Z');
    await sendDueDigests(deps);
    await runDueDeliveries(deps);
    expect(slack.posts).toHaveLength(0);
  });
});

describe('coalesced bursts to named destinations', () => {
  it('sends the first event at once and the repeats of the window as one "+N" follow-up at its end, per destination', async () => {
    await deps.db.run(sql`update system_settings set coalesce_window_seconds = 600 where id = 1`);
    await createDestinations();
    const notice = (n: number) => ({
      event: 'sla_breach',
      title: `Finding 7 is overdue (notice ${n})`,
      productId: payments.id,
      dedupeKey: 'sla:finding:7',
    });

    clock = utc('2026-11-30T12:00:00Z');
    await dispatchEvent(deps, notice(1));
    await runDueDeliveries(deps);
    expect(slack.posts).toHaveLength(1);
    expect(hook.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);

    // Four repeats within the window: nothing more now.
    for (let n = 2; n <= 5; n++) {
      clock = utc('2026-11-30T12:00:00Z') + n * 60_000;
      await dispatchEvent(deps, notice(n));
      await runDueDeliveries(deps);
    }
    expect(slack.posts).toHaveLength(1);
    expect(hook.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    // One follow-up row per destination, due at the window's end, standing for the four repeats.
    const waiting = await findRows(deps.db, deliveries, sql`status = 'queued'`);
    expect(waiting).toHaveLength(3);
    expect(waiting.every((d) => d.nextAttemptAt === utc('2026-11-30T12:10:00Z') && d.coalescedCount === 3)).toBe(true);

    clock = utc('2026-11-30T12:10:00Z');
    expect(await runDueDeliveries(deps)).toMatchObject({ sent: 3, failed: 0 });
    expect(slack.posts).toHaveLength(2);
    expect(slack.posts[1]?.channel).toBe('#payments-sec');
    expect(String(slack.posts[1]?.text)).toContain('Finding 7 is overdue (notice 2) (and 3 more like this)');
    expect(smtp.messages[1]?.text).toContain('(and 3 more like this)');
    // The webhook gets the follow-up event itself (receivers expect one event per request).
    expect(hook.requests).toHaveLength(2);
    expect(JSON.parse(hook.requests[1]!.body)).toMatchObject({ event: 'sla_breach', title: 'Finding 7 is overdue (notice 2)' });

    // Nothing lost: 5 events per destination = 2 rows carrying 1 + (1 + 3).
    const rows = await findRows(deps.db, deliveries);
    expect(rows.reduce((n, d) => n + 1 + d.coalescedCount, 0)).toBe(15);
  });
});
