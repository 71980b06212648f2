/** Pacing per destination through the real Slack loopback peer, with a fast configured pace (SLACK_PACE_MS). */
import { channelsToMask } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { findRows } from '../db/rows';
import { deliveries } from '../db/schema';
import { dispatchEvents } from '../notifications/dispatch-batch';
import { createTestDeps, createUser, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { paceKeyOf } from './pacing';
import { retryDeliveryNow } from './queue';
import { drainDeliveries, insertWebhook, updateSystemSettings } from './test-peers/fixtures';
import { startHttpReceiver } from './test-peers/http-receiver';
import { startSlackStandIn, type TSlackStandIn } from './test-peers/slack';
import { runDueDeliveries } from './worker';

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

async function setUp(paceMs: number, env: Partial<TTestDeps['env']> = {}) {
  slack = await startSlackStandIn({ channels: ['#security'] });
  deps = await createTestDeps({
    OUTBOUND_ALLOW: '127.0.0.1',
    SLACK_API_URL: slack.url,
    SLACK_PACE_MS: paceMs,
    DELIVERY_BACKOFF_BASE_MS: 10,
    ...env,
  });
  await updateSystemSettings(deps, { slackEnabled: true, slackToken: slack.token, slackChannel: '#security' });
  await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
    values ('system', null, null, 'scan_added', ${channelsToMask(['slack'])})`);
  const pt = await insertProductType(deps, 'Web');
  const product = await insertProduct(deps, 'Shop', pt.id);
  return { deps, slack, product };
}

const postTimes = (s: TSlackStandIn) => s.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.at);

/**
 * Logs every token a claim takes (each write to delivery_pace: its new next_at, the claim's time plus the pace),
 * so a test can check the pace where it is enforced. The arrival of a post adds its own send's jitter on top.
 */
async function logPaceTakes(db: TTestDeps['db']): Promise<() => Promise<number[]>> {
  await db.run(sql`create table pace_log (destination text not null, next_at bigint not null)`);
  if (db.dialect === 'postgres') {
    await db.run(
      sql.raw(`create function log_pace() returns trigger language plpgsql as $$
        begin insert into pace_log values (new.destination, new.next_at); return new; end $$`),
    );
    await db.run(sql`create trigger pace_log after insert or update on delivery_pace for each row execute function log_pace()`);
  } else {
    for (const op of ['insert', 'update']) {
      await db.run(
        sql.raw(`create trigger pace_log_${op} after ${op} on delivery_pace
          begin insert into pace_log values (new.destination, new.next_at); end`),
      );
    }
  }
  return async () =>
    (await db.all<{ nextAt: number }>(sql`select next_at as "nextAt" from pace_log order by next_at`)).map((r) => Number(r.nextAt));
}

/**
 * Every two tokens taken for the destination are at least one pace apart, each took exactly one post, and no post
 * arrived before its token: by the k-th arrival, k tokens had been taken (a token's time is next_at − pace, on the
 * same clock as the receiver's, whichever claimer took it and in whatever order the sends finished).
 */
function expectPaced(takes: readonly number[], pace: number, arrivals: readonly number[]): void {
  expect(takes).toHaveLength(arrivals.length);
  const gaps = takes.slice(1).map((t, i) => t - (takes[i] as number));
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(pace);
  const arrived = [...arrivals].sort((a, b) => a - b);
  const early = arrived.filter((at, k) => at < (takes[k] as number) - pace);
  expect(early).toEqual([]);
}

describe('a burst to one Slack channel', () => {
  const headerOf = (post: Record<string, unknown>) =>
    String((post.blocks as { type: string; text?: { text: string } }[])[0]?.text?.text ?? '');
  /** How many events a post stands for: "Tocsin: 50 notifications" for a merged one, 1 otherwise. */
  const eventsIn = (post: Record<string, unknown>) => Number(/: (\d+) notifications?$/.exec(headerOf(post))?.[1] ?? 1);

  it('600 events: merged into a few posts spaced by the pace, every event accounted for exactly once, nothing dropped', async () => {
    const PACE = 10;
    const { deps, slack, product } = await setUp(PACE);
    const paceTakes = await logPaceTakes(deps.db);
    const inputs = Array.from({ length: 600 }, (_, i) => ({ event: 'scan_added', title: `Burst event #${i + 1}`, productId: product.id }));
    await dispatchEvents(deps, inputs);
    const stats = await drainDeliveries(deps, { timeoutMs: 60_000 });
    expect(stats.failed).toBe(0);

    // Far fewer posts than events: each carries up to CHAT_MERGE_MAX (50) of them.
    const posts = slack.posts;
    expect(posts.length).toBeGreaterThanOrEqual(600 / deps.env.CHAT_MERGE_MAX);
    expect(posts.length).toBeLessThanOrEqual(600 / deps.env.CHAT_MERGE_MAX + 2);
    expect(stats.sent).toBe(posts.length);
    expect(posts.reduce((n, p) => n + eventsIn(p), 0)).toBe(600);
    // Each post shows its first 10 events and counts the rest; no title shows twice across the posts.
    const shown = posts.flatMap((p) => [...JSON.stringify(p.blocks).matchAll(/Burst event #\d+/g)].map((m) => m[0]));
    expect(new Set(shown).size).toBe(shown.length);
    for (const p of posts.filter((p) => eventsIn(p) > 10)) expect(JSON.stringify(p.blocks)).toContain(`+${eventsIn(p) - 10} more`);

    // In the database every row is sent exactly once: by its own post, or carried by exactly one post whose size
    // counts it (the same receipt: the carrier's response code and sent time).
    const rows = await findRows(deps.db, deliveries, sql`channel = 'slack'`);
    expect(rows).toHaveLength(600);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const carriers = rows.filter((r) => r.carriedBy === null);
    expect(carriers).toHaveLength(posts.length);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const rider of rows.filter((r) => r.carriedBy !== null)) {
      const carrier = byId.get(rider.carriedBy as number);
      expect(carrier?.carriedBy).toBeNull();
      expect([rider.sentAt, rider.responseCode]).toEqual([carrier?.sentAt, carrier?.responseCode]);
    }
    const sizes = carriers.map((c) => 1 + rows.filter((r) => r.carriedBy === c.id).length).sort((a, b) => a - b);
    expect(sizes).toEqual(posts.map(eventsIn).sort((a, b) => a - b));

    // Where the pace is enforced: every post took a token, and the tokens are at least one pace apart. On the
    // receiving side each post adds its own send's jitter, which cancels out over the burst: it lasts at least
    // one pace per post but the first and the last.
    const times = postTimes(slack);
    expectPaced(await paceTakes(), PACE, times);
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual((times.length - 2) * PACE);
  }, 90_000);

  it('two replicas draining at once share the pace and the merges: every event in exactly one post', async () => {
    // Longer than the loopback's jitter between two senders' requests.
    const PACE = 50;
    const { deps, slack, product } = await setUp(PACE);
    const paceTakes = await logPaceTakes(deps.db);
    // A second instance on the same database, as another replica is (its own name on its leases).
    const replica = { ...deps, instanceId: 'replica-b' };
    await dispatchEvents(
      deps,
      Array.from({ length: 300 }, (_, i) => ({ event: 'scan_added', title: `Shared event #${i + 1}`, productId: product.id })),
    );
    // Both claim side by side until nothing is left (each one's in-flight sends are the other's 'sending' rows).
    let sent = 0;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [a, b] = await Promise.all([runDueDeliveries(deps), runDueDeliveries(replica)]);
      expect(a.failed + b.failed + a.lost + b.lost).toBe(0);
      sent += a.sent + b.sent;
      const pending = await findRows(deps.db, deliveries, sql`status in ('queued', 'retrying', 'sending', 'carried')`);
      if (pending.length === 0) break;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, PACE));
    }
    expect(sent).toBe(slack.posts.length);
    expect(slack.posts.reduce((n, p) => n + eventsIn(p), 0)).toBe(300);
    expect(slack.posts.length).toBeLessThanOrEqual(300 / deps.env.CHAT_MERGE_MAX + 2);
    const rows = await findRows(deps.db, deliveries, sql`channel = 'slack'`);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(300);
    const carriers = rows.filter((r) => r.carriedBy === null);
    expect(carriers).toHaveLength(slack.posts.length);
    const sizes = carriers.map((c) => 1 + rows.filter((r) => r.carriedBy === c.id).length).sort((x, y) => x - y);
    expect(sizes).toEqual(slack.posts.map(eventsIn).sort((x, y) => x - y));
    // The two claimers share one token: whichever replica took it, no two posts were claimed within one pace.
    // (Measured at arrival, a gap once came to 24 ms of the 50: each send adds its own jitter after the claim.)
    // Replicas that did not share the pace would also post side by side and finish in about half the time.
    const times = postTimes(slack);
    expectPaced(await paceTakes(), PACE, times);
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual((times.length - 2) * PACE);
  }, 90_000);

  it('honours Retry-After from a 429 for the whole channel', async () => {
    // One post per event here (no merging), so the other four wait behind the held channel.
    const { deps, slack, product } = await setUp(10, { CHAT_MERGE_MAX: 1 });
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

  it('retries a merged post as a whole: the same bytes for every event it carries, each row logged, none sent twice', async () => {
    const { deps, slack, product } = await setUp(10);
    slack.failNext('chat.postMessage', { kind: 'error', error: 'service_unavailable' });
    await dispatchEvents(
      deps,
      Array.from({ length: 5 }, (_, i) => ({ event: 'scan_added', title: `Merged event #${i + 1}`, productId: product.id })),
    );
    const stats = await drainDeliveries(deps, { timeoutMs: 20_000 });
    expect(stats).toMatchObject({ sent: 1, retrying: 1, failed: 0 });
    const calls = slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(calls).toHaveLength(2);
    expect(calls[1]?.body).toEqual(calls[0]?.body);
    expect(slack.posts).toHaveLength(1);
    expect(headerOf(slack.posts[0]!)).toBe('Tocsin: 5 notifications');
    const text = JSON.stringify(slack.posts[0]!.blocks);
    for (let i = 1; i <= 5; i++) expect(text).toContain(`Merged event #${i}`);

    const rows = await findRows(deps.db, deliveries, sql`channel = 'slack'`);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 5 }, () => ['sent', 2]));
    const attempts = await deps.db.all<{ deliveryId: number; ok: number }>(
      sql`select delivery_id as "deliveryId", ok from delivery_attempts order by delivery_id, id`,
    );
    expect(attempts).toHaveLength(10);
    expect(attempts.filter((a) => a.ok === 1)).toHaveLength(5);
  }, 30_000);

  it('fails a merged post as a whole, and "Retry now" on any event of it retries the post, not that event alone', async () => {
    const { deps, slack, product } = await setUp(10);
    const root = await createUser(deps, { username: 'root', isSuperuser: true });
    slack.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await dispatchEvents(
      deps,
      Array.from({ length: 3 }, (_, i) => ({ event: 'scan_added', title: `Lost channel #${i + 1}`, productId: product.id })),
    );
    await drainDeliveries(deps, { timeoutMs: 20_000 });
    let rows = await findRows(deps.db, deliveries, sql`channel = 'slack'`);
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(rows.every((r) => (r.lastError ?? '').includes('channel_not_found'))).toBe(true);
    // One failure notice for the post, naming how many it carried.
    const notices = await deps.db.all<{ title: string; description: string }>(
      sql`select title, description from alerts where user_id = ${root.id} and title like 'Slack notification failed%'`,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.description).toContain('and 2 more notifications merged into the same post');

    const rider = rows.find((r) => r.carriedBy !== null)!;
    const retried = await retryDeliveryNow(deps, rider.id);
    expect(retried).toMatchObject({ id: rider.id, status: 'carried', attempts: 0 });
    await drainDeliveries(deps, { timeoutMs: 20_000 });
    rows = await findRows(deps.db, deliveries, sql`channel = 'slack'`);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(slack.posts).toHaveLength(1);
    expect(headerOf(slack.posts[0]!)).toBe('Tocsin: 3 notifications');
  }, 30_000);

  it('never merges webhook deliveries: receivers expect one event per request', async () => {
    const { deps, product } = await setUp(10, { WEBHOOK_PACE_MS: 10 });
    const receiver = await startHttpReceiver({ respond: { status: 204 } });
    try {
      await updateSystemSettings(deps, { webhooksEnabled: true });
      await insertWebhook(deps, { name: 'SIEM', url: receiver.url });
      await deps.db.run(sql`update notification_settings set channels = ${channelsToMask(['webhooks'])} where scope = 'system'`);
      await dispatchEvents(
        deps,
        Array.from({ length: 4 }, (_, i) => ({ event: 'scan_added', title: `Hook event #${i + 1}`, productId: product.id })),
      );
      expect(await drainDeliveries(deps, { timeoutMs: 20_000 })).toMatchObject({ sent: 4 });
      expect(receiver.requests.map((r) => (JSON.parse(r.body) as { title: string }).title).sort()).toEqual([
        'Hook event #1',
        'Hook event #2',
        'Hook event #3',
        'Hook event #4',
      ]);
      expect(await findRows(deps.db, deliveries, sql`carried_by is not null`)).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  }, 30_000);
});

describe('a burst to the Teams flow', () => {
  it('150 events: merged Adaptive Cards spaced by the pace, each event in exactly one card, nothing dropped', async () => {
    const PACE = 10;
    const teams = await startHttpReceiver({ respond: { status: 202, body: '' } });
    try {
      deps = await createTestDeps({ OUTBOUND_ALLOW: '127.0.0.1', MSTEAMS_PACE_MS: PACE, DELIVERY_BACKOFF_BASE_MS: 10 });
      const paceTakes = await logPaceTakes(deps.db);
      await updateSystemSettings(deps, { msteamsEnabled: true, msteamsUrl: `${teams.url}/workflows/flow?sig=s3cret`, teamName: 'Acme' });
      await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
        values ('system', null, null, 'scan_added', ${channelsToMask(['msteams'])})`);
      const product = await insertProduct(deps, 'Shop', (await insertProductType(deps, 'Web')).id);
      await dispatchEvents(
        deps,
        Array.from({ length: 150 }, (_, i) => ({ event: 'scan_added', title: `Teams burst #${i + 1}`, productId: product.id })),
      );
      const stats = await drainDeliveries(deps, { timeoutMs: 60_000 });
      expect(stats.failed).toBe(0);

      type TCard = { body: { type: string; text?: string }[] };
      const cards = teams.requests.map((r) => (r.json as { attachments: { content: TCard }[] }).attachments[0]!.content);
      const countOf = (card: TCard) => Number(/: (\d+) notifications?$/.exec(card.body[0]?.text ?? '')?.[1] ?? 1);
      expect(cards.length).toBeLessThanOrEqual(150 / deps.env.CHAT_MERGE_MAX + 2);
      expect(stats.sent).toBe(cards.length);
      expect(cards.reduce((n, c) => n + countOf(c), 0)).toBe(150);
      // Each card shows its first events as sections and counts the rest; no title shows twice across the cards.
      const shown = cards.flatMap((c) => [...JSON.stringify(c.body).matchAll(/Teams burst #\d+\]/g)].map((m) => m[0]));
      expect(new Set(shown).size).toBe(shown.length);
      for (const c of cards.filter((c) => countOf(c) > 10)) expect(JSON.stringify(c.body)).toContain(`+${countOf(c) - 10} more`);

      const rows = await findRows(deps.db, deliveries, sql`channel = 'msteams'`);
      expect(rows).toHaveLength(150);
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
      const carriers = rows.filter((r) => r.carriedBy === null);
      expect(carriers).toHaveLength(cards.length);
      const sizes = carriers.map((c) => 1 + rows.filter((r) => r.carriedBy === c.id).length).sort((a, b) => a - b);
      expect(sizes).toEqual(cards.map(countOf).sort((a, b) => a - b));

      const times = teams.requests.map((r) => r.at);
      expectPaced(await paceTakes(), PACE, times);
      expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual((times.length - 2) * PACE);
    } finally {
      await teams.close();
    }
  }, 90_000);
});
