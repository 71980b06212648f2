import { channelsToMask, type TChannel } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import type { UserRow } from '../app-context';
import { findRows, updateRows } from '../db/rows';
import { alerts, deliveries, systemSettings } from '../db/schema';
import { dispatchEvent, type TDispatchInput } from '../notifications/dispatch';
import { dispatchEvents } from '../notifications/dispatch-batch';
import { createTestDeps, createTokenClient, createUser, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { destinationKeyOf, followUpDueAt, isWithinWindow, toCoalescingKey } from './coalesce';

describe('coalescing windows (pure)', () => {
  const W = 600_000;
  it.each([
    { name: 'same moment', earlier: 1000, now: 1000, window: W, within: true },
    { name: 'one ms before the end', earlier: 0, now: W - 1, window: W, within: true },
    { name: 'exactly at the end starts a new window', earlier: 0, now: W, window: W, within: false },
    { name: 'long after', earlier: 0, now: 10 * W, window: W, within: false },
    { name: 'an earlier row from the future (clock skew) is not folded into', earlier: 2000, now: 1000, window: W, within: false },
    { name: 'window 0 turns coalescing off', earlier: 1000, now: 1000, window: 0, within: false },
  ])('$name', ({ earlier, now, window, within }) => {
    expect(isWithinWindow(earlier, now, window)).toBe(within);
  });

  it('scopes keys by raiser, like idempotency keys', () => {
    expect(toCoalescingKey(null, 'sla:finding:1')).toBe('0:sla:finding:1');
    expect(toCoalescingKey(7, 'sla:finding:1')).toBe('7:sla:finding:1');
    expect(toCoalescingKey(7, 'k')).not.toBe(toCoalescingKey(8, 'k'));
  });

  it('sends the follow-up at the end of the first window', () => {
    expect(followUpDueAt(1_000, W)).toBe(1_000 + W);
  });

  it('names a destination by channel, kind, user, webhook and named destination', () => {
    expect(destinationKeyOf({ channel: 'mail', targetKind: 'user', userId: 3, webhookId: null })).toBe('mail|user|3|0|0');
    expect(destinationKeyOf({ channel: 'slack', targetKind: 'system', userId: null, webhookId: null })).toBe('slack|system|0|0|0');
    // Two named Slack destinations are two destinations, each with its own first send and follow-up.
    const named = (destinationId: number) =>
      destinationKeyOf({ channel: 'slack', targetKind: 'destination', userId: null, webhookId: null, destinationId });
    expect(named(4)).toBe('slack|destination|0|0|4');
    expect(named(4)).not.toBe(named(5));
  });
});

let deps: TTestDeps;
let clock: number;
const START = Date.UTC(2026, 10, 30, 12, 0, 0);
const MIN = 60_000;

beforeEach(async () => {
  deps = await createTestDeps();
  clock = START;
  deps.now = () => clock;
});
afterEach(() => deps.cleanup());

async function setRecord(scope: 'system' | 'personal', event: string, channels: TChannel[], userId?: number) {
  await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
    values (${scope}, ${userId ?? null}, null, ${event}, ${channelsToMask(channels)})
    on conflict (scope, user_key, product_key, event) do update set channels = excluded.channels`);
}

async function createWorld() {
  const pt = await insertProductType(deps, 'Web');
  const product = await insertProduct(deps, 'Shop', pt.id);
  const alice = await createUser(deps, { username: 'alice', products: [{ id: product.id }] });
  const bob = await createUser(deps, { username: 'bob', products: [{ id: product.id }] });
  await updateRows(deps.db, systemSettings, { mailEnabled: true, slackEnabled: true }, sql`id = 1`);
  await setRecord('personal', 'sla_breach', ['alert', 'mail'], alice.id);
  await setRecord('personal', 'sla_breach', ['alert'], bob.id);
  await setRecord('system', 'sla_breach', ['slack']);
  return { product, alice, bob };
}

const slaEvent = (productId: number, n: number, key = 'sla:finding:1'): TDispatchInput => ({
  event: 'sla_breach',
  title: `Finding 1 is overdue (${n})`,
  productId,
  dedupeKey: key,
});

const alertsOf = (user: UserRow) => findRows(deps.db, alerts, sql`user_id = ${user.id}`);
const countOf = async (user: UserRow) =>
  (await deps.db.get<{ n: number }>(sql`select n from alert_counts where user_id = ${user.id}`))?.n ?? 0;
const deliveriesOf = async (channel: string) =>
  (await findRows(deps.db, deliveries, sql`channel = ${channel}`)).sort((a, b) => a.id - b.id);

describe('coalescing alerts', () => {
  it('updates the alert within the window, keeps the bell count, and starts a new alert after it', async () => {
    const { product, alice, bob } = await createWorld();
    const first = await dispatchEvent(deps, slaEvent(product.id, 1));
    expect(first.alertsCreated).toBe(2);
    clock += 3 * MIN;
    const second = await dispatchEvent(deps, slaEvent(product.id, 2));
    expect(second.alertsCreated).toBe(0);
    clock += 3 * MIN;
    await dispatchEvent(deps, slaEvent(product.id, 3));

    for (const user of [alice, bob]) {
      const rows = await alertsOf(user);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ coalescedCount: 2, createdAt: START, lastSeenAt: START + 6 * MIN, eventId: first.eventId });
      expect(await countOf(user)).toBe(1);
    }

    // 10 minutes after the first event the window is over: a new alert, counted.
    clock = START + 10 * MIN;
    const later = await dispatchEvent(deps, slaEvent(product.id, 4));
    expect(later.alertsCreated).toBe(2);
    expect(await alertsOf(alice)).toHaveLength(2);
    expect(await countOf(alice)).toBe(2);
  });

  it('keeps keys of different raisers and different keys apart', async () => {
    const { product, alice } = await createWorld();
    const admin = await createUser(deps, { username: 'admin', isSuperuser: true });
    await dispatchEvent(deps, slaEvent(product.id, 1));
    await dispatchEvent(deps, { ...slaEvent(product.id, 2), createdBy: admin.id });
    await dispatchEvent(deps, slaEvent(product.id, 3, 'sla:finding:2'));
    await dispatchEvent(deps, { ...slaEvent(product.id, 4), dedupeKey: null });
    const rows = await alertsOf(alice);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.coalescedCount === 0)).toBe(true);
    expect(await countOf(alice)).toBe(4);
  });

  it('announces the updated alert on the bus after the commit', async () => {
    const { product, alice, bob } = await createWorld();
    await dispatchEvent(deps, slaEvent(product.id, 1));
    const heard: number[][] = [];
    const stop = deps.bus.subscribe('alerts-changed', (m) => heard.push([...m.userIds].sort((a, b) => a - b)));
    clock += MIN;
    await dispatchEvent(deps, slaEvent(product.id, 2));
    // On PostgreSQL the announcement comes back through LISTEN/NOTIFY, a moment after the commit.
    await expect.poll(() => heard).toContainEqual([alice.id, bob.id].sort((a, b) => a - b));
    stop();
  });

  it('folds repeated keys in a batch (the SLA job path) the same way', async () => {
    const { product, alice } = await createWorld();
    const results = await dispatchEvents(deps, [
      slaEvent(product.id, 1),
      slaEvent(product.id, 2),
      slaEvent(product.id, 3, 'sla:finding:2'),
    ]);
    expect(results.map((r) => r.alertsCreated)).toEqual([2, 0, 2]);
    const rows = (await alertsOf(alice)).sort((a, b) => a.id - b.id);
    expect(rows.map((r) => r.coalescedCount)).toEqual([1, 0]);
  });

  it('can be turned off with a window of 0', async () => {
    const { product, alice } = await createWorld();
    await updateRows(deps.db, systemSettings, { coalesceWindowSeconds: 0 }, sql`id = 1`);
    await dispatchEvent(deps, slaEvent(product.id, 1));
    await dispatchEvent(deps, slaEvent(product.id, 2));
    expect(await alertsOf(alice)).toHaveLength(2);
  });
});

describe('coalescing deliveries', () => {
  it('sends once now, folds into a pending row, and sends one follow-up at the end of the window', async () => {
    const { product, alice } = await createWorld();
    await dispatchEvent(deps, slaEvent(product.id, 1));
    let mail = await deliveriesOf('mail');
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ userId: alice.id, nextAttemptAt: START, coalescedCount: 0, dedupeKey: '0:sla:finding:1' });

    // Still queued and not rendered: the second event is folded into it.
    clock += MIN;
    await dispatchEvent(deps, slaEvent(product.id, 2));
    mail = await deliveriesOf('mail');
    expect(mail).toHaveLength(1);
    expect(mail[0]?.coalescedCount).toBe(1);
    // The system Slack channel gets the same treatment.
    expect((await deliveriesOf('slack')).map((d) => d.coalescedCount)).toEqual([1]);

    // The first one goes out; the next events of the window become one follow-up due at the window's end.
    await deps.db.run(sql`update deliveries set status = 'sent', content = '{}', sent_at = ${clock}`);
    clock += MIN;
    await dispatchEvent(deps, slaEvent(product.id, 3));
    clock += MIN;
    await dispatchEvent(deps, slaEvent(product.id, 4));
    clock += MIN;
    await dispatchEvent(deps, slaEvent(product.id, 5));
    mail = await deliveriesOf('mail');
    expect(mail).toHaveLength(2);
    expect(mail[1]).toMatchObject({ status: 'queued', nextAttemptAt: START + 10 * MIN, coalescedCount: 2 });
    const slack = await deliveriesOf('slack');
    expect(slack.map((d) => [d.nextAttemptAt, d.coalescedCount])).toEqual([
      [START, 1],
      [START + 10 * MIN, 2],
    ]);
  });

  it('renders the count into the message when the row is claimed', async () => {
    const { product } = await createWorld();
    await dispatchEvent(deps, slaEvent(product.id, 1));
    clock += MIN;
    await dispatchEvent(deps, slaEvent(product.id, 2));
    await dispatchEvent(deps, slaEvent(product.id, 3));
    const { claim } = await import('../delivery/queue');
    const { renderDeliveryContent } = await import('../delivery/channels/registry');
    const settings = { teamName: 'Tocsin', disclaimer: '', baseUrl: 'http://tocsin.test' };
    const claimed = await claim(deps, {
      limit: 10,
      leases: { minMs: 60_000, byChannel: { mail: 60_000, slack: 60_000, msteams: 60_000, webhooks: 60_000 } },
      inFlight: new Map(),
      perDestination: 10,
      render: (channel, event, context, uuid) => renderDeliveryContent(channel, event, context, settings, uuid),
    });
    const mail = claimed.find((c) => c.channel === 'mail');
    expect(mail?.content).toMatchObject({ channel: 'mail' });
    expect(mail?.content.channel === 'mail' && mail.content.text).toContain('and 2 more like this');
    const slack = claimed.find((c) => c.channel === 'slack');
    expect(slack?.content.channel === 'slack' && slack.content.text).toContain('(and 2 more like this)');
  });
});

describe('POST /api/events with dedupe_key', () => {
  it('coalesces per token owner and shows the count in the alert list', async () => {
    const { product, alice } = await createWorld();
    const app = createApp(deps);
    const writer = await createUser(deps, { username: 'ci', products: [{ id: product.id, role: 'Writer' }] });
    const client = await createTokenClient(app, deps, writer);
    const body = { event: 'sla_breach', title: 'Overdue', product_id: product.id, dedupe_key: 'jira:SEC-1' };
    const a = await client.post('/api/events', body);
    expect(a.status).toBe(202);
    expect(((await a.json()) as { alerts_created: number }).alerts_created).toBeGreaterThan(0);
    clock += 2 * MIN;
    const b = await client.post('/api/events', body);
    expect(((await b.json()) as { alerts_created: number }).alerts_created).toBe(0);

    const bad = await client.post('/api/events', { ...body, dedupe_key: 'a\nb' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/dedupe_key/);

    const { loginAs } = await import('../test-utils');
    const session = await loginAs(app, alice.username);
    const list = (await (await session.get('/api/alerts')).json()) as { items: { title: string }[] };
    const coalesced = list.items.find((i) => i.title === 'Overdue');
    expect(coalesced).toMatchObject({
      coalesced_count: 1,
      first_seen: new Date(START).toISOString(),
      last_seen: new Date(START + 2 * MIN).toISOString(),
    });
  });
});
