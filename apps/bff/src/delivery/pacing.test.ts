/** Pacing per destination through the real Slack loopback peer, with a fast configured pace (SLACK_PACE_MS). */
import { channelsToMask } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { findRows } from '../db/rows';
import { deliveries } from '../db/schema';
import { dispatchEvents } from '../notifications/dispatch-batch';
import { createTestDeps, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { paceKeyOf } from './pacing';
import { drainDeliveries, updateSystemSettings } from './test-peers/fixtures';
import { startSlackStandIn, type TSlackStandIn } from './test-peers/slack';

describe('pacing rules (pure)', () => {
  it.each([
    { row: { channel: 'slack', targetKind: 'system', userId: null, webhookId: null }, key: 'slack:system' },
    { row: { channel: 'slack', targetKind: 'user', userId: 4, webhookId: null }, key: 'slack:user:4' },
    { row: { channel: 'msteams', targetKind: 'system', userId: null, webhookId: null }, key: 'msteams:system' },
    { row: { channel: 'webhooks', targetKind: 'webhook', userId: 4, webhookId: 9 }, key: 'webhook:9' },
    { row: { channel: 'slack', targetKind: 'destination', userId: null, webhookId: null, destinationId: 3 }, key: 'slack:destination:3' },
    {
      row: { channel: 'msteams', targetKind: 'destination', userId: null, webhookId: null, destinationId: 3 },
      key: 'msteams:destination:3',
    },
    {
      row: { channel: 'webhooks', targetKind: 'destination', userId: null, webhookId: null, destinationId: 3 },
      key: 'webhook:destination:3',
    },
    { row: { channel: 'mail', targetKind: 'user', userId: 4, webhookId: null }, key: null },
    { row: { channel: 'mail', targetKind: 'destination', userId: null, webhookId: null, destinationId: 3 }, key: null },
  ])('$row.channel/$row.targetKind → $key', ({ row, key }) => {
    expect(paceKeyOf(row)).toBe(key);
  });
});

let deps: TTestDeps | undefined;
let slack: TSlackStandIn | undefined;
afterEach(async () => {
  await slack?.close();
  await deps?.cleanup();
  slack = undefined;
  deps = undefined;
});

async function setUp(paceMs: number) {
  slack = await startSlackStandIn({ channels: ['#security'] });
  deps = await createTestDeps({
    OUTBOUND_ALLOW: '127.0.0.1',
    SLACK_API_URL: slack.url,
    SLACK_PACE_MS: paceMs,
    DELIVERY_BACKOFF_BASE_MS: 10,
  });
  await updateSystemSettings(deps, { slackEnabled: true, slackToken: slack.token, slackChannel: '#security' });
  await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
    values ('system', null, null, 'scan_added', ${channelsToMask(['slack'])})`);
  const pt = await insertProductType(deps, 'Web');
  const product = await insertProduct(deps, 'Shop', pt.id);
  return { deps, slack, product };
}

const postTimes = (s: TSlackStandIn) => s.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.at);

describe('a burst to one Slack channel', () => {
  it('600 events: at most one post per pace interval, every event in the posts, nothing dropped', async () => {
    const PACE = 10;
    const { deps, slack, product } = await setUp(PACE);
    const inputs = Array.from({ length: 600 }, (_, i) => ({ event: 'scan_added', title: `Burst event #${i + 1}`, productId: product.id }));
    await dispatchEvents(deps, inputs);
    const stats = await drainDeliveries(deps, { timeoutMs: 60_000 });
    expect(stats.sent).toBe(600);
    expect(stats.failed).toBe(0);

    // Every event is accounted for in the posts, once.
    const titles = slack.posts.map((p) => /Burst event #\d+/.exec(String(p.text))?.[0]);
    expect(new Set(titles).size).toBe(600);
    expect(titles.every((t) => t !== undefined)).toBe(true);
    const rows = await findRows(deps.db, deliveries, sql`channel = 'slack'`);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(600);

    // Measured on the receiving side: any 20 consecutive posts span at least 18 intervals (one interval of slack for
    // the loopback's own jitter), i.e. at most about one post per interval over any stretch.
    const times = postTimes(slack);
    expect(times).toHaveLength(600);
    for (let i = 0; i + 20 < times.length; i++) {
      expect((times[i + 20] as number) - (times[i] as number)).toBeGreaterThanOrEqual(18 * PACE);
    }
    const total = (times.at(-1) as number) - (times[0] as number);
    expect(total).toBeGreaterThanOrEqual(599 * PACE - PACE);
  }, 90_000);

  it('honours Retry-After from a 429 for the whole channel', async () => {
    const { deps, slack, product } = await setUp(10);
    slack.failNext('chat.postMessage', { kind: 'http429', retryAfterSeconds: 1 });
    await dispatchEvents(
      deps,
      Array.from({ length: 5 }, (_, i) => ({ event: 'scan_added', title: `Held event #${i + 1}`, productId: product.id })),
    );
    const stats = await drainDeliveries(deps, { timeoutMs: 20_000 });
    expect(stats.sent).toBe(5);
    const times = postTimes(slack);
    expect(times).toHaveLength(6);
    // After the 429 nothing reaches the channel for the second Slack asked for.
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(950);
    expect(new Set(slack.posts.map((p) => /Held event #\d/.exec(String(p.text))?.[0])).size).toBe(5);
  }, 30_000);
});
