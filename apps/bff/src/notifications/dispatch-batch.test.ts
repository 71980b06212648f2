/**
 * dispatchEvents must write exactly what dispatchEvent writes for the same events in turn: two fresh databases
 * with the same world, one dispatching each case with dispatchEvent, the other all of them with one
 * dispatchEvents, and every row of events, alerts and deliveries compared (the delivery uuids aside). Each case
 * row is one rule of the routing contract; a new column on events is compared without changing this test.
 */
import { channelsToMask, type TChannel } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deps } from '../app-context';
import { columnsOf } from '../db/rows';
import { events } from '../db/schema';
import { HttpError } from '../lib/errors';
import { createTestDeps, createUser, insertEngagement, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { dispatchEvent, type TDispatchInput, type TDispatchResult } from './dispatch';
import { dispatchEvents } from './dispatch-batch';

const opened: TTestDeps[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.cleanup();
});

async function setRecord(
  deps: Deps,
  scope: 'system' | 'personal' | 'product',
  event: string,
  channels: TChannel[],
  userId?: number,
  productId?: number,
) {
  await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
    values (${scope}, ${userId ?? null}, ${productId ?? null}, ${event}, ${channelsToMask(channels)})
    on conflict (scope, user_key, product_key, event) do update set channels = excluded.channels`);
}

/** The same world in a fresh database: every kind of access, personal and product records, system webhooks. */
async function createWorld() {
  const deps = await createTestDeps();
  opened.push(deps);
  deps.now = () => 1_800_000_000_000;
  await deps.db.run(
    sql`update system_settings set mail_enabled = 1, slack_enabled = 1, webhooks_enabled = 1, msteams_enabled = 1 where id = 1`,
  );
  const web = await insertProductType(deps, 'Web');
  const mobile = await insertProductType(deps, 'Mobile');
  const shop = await insertProduct(deps, 'Shop', web.id);
  const blog = await insertProduct(deps, 'Blog', web.id);
  const app = await insertProduct(deps, 'App', mobile.id);
  const admin = await createUser(deps, { username: 'admin', isSuperuser: true });
  const member = await createUser(deps, { username: 'member', products: [{ id: shop.id }] });
  const typeMember = await createUser(deps, { username: 'typemember', productTypes: [{ id: web.id }] });
  const reader = await createUser(deps, { username: 'reader', globalRole: 'Reader' });
  const outsider = await createUser(deps, { username: 'outsider' });
  const gone = await createUser(deps, { username: 'gone', isActive: false, products: [{ id: shop.id }] });
  const engagement = await insertEngagement(deps, { name: 'Pentest', productId: shop.id });
  for (const event of ['scan_added', 'sla_breach', 'product_type_added', 'other']) await setRecord(deps, 'system', event, ['alert']);
  await setRecord(deps, 'system', 'user_mentioned', ['alert', 'mail']);
  await setRecord(deps, 'system', 'sla_breach_combined', ['alert', 'msteams', 'webhooks']);
  await setRecord(deps, 'personal', 'scan_added', ['mail', 'slack', 'webhooks'], member.id);
  await setRecord(deps, 'personal', 'user_mentioned', ['slack'], outsider.id);
  await setRecord(deps, 'product', 'sla_breach', ['mail'], typeMember.id, shop.id);
  await setRecord(deps, 'personal', 'product_added', ['alert'], admin.id);
  await deps.db.run(sql`insert into webhooks (name, url, owner_id, created_at) values ('SIEM', 'https://siem.test', null, 1),
    ('Mine', 'https://mine.test', ${member.id}, 1)`);
  const ids = { web: web.id, mobile: mobile.id, shop: shop.id, blog: blog.id, app: app.id, engagement: engagement.id };
  const users = { admin, member, typeMember, reader, outsider, gone };
  return { deps, ids, users };
}

type TWorld = Awaited<ReturnType<typeof createWorld>>;

/** One row per rule: the events to dispatch, in order. */
function buildCases({ ids, users }: TWorld): [string, TDispatchInput][] {
  return [
    [
      'broadcast on a product: system alert, personal mail, Slack and own webhook',
      { event: 'scan_added', title: 'Scan', productId: ids.shop },
    ],
    [
      'an engagement implies its product and type',
      { event: 'scan_added', title: 'Scan 2', engagementId: ids.engagement, createdBy: users.admin.id },
    ],
    ['the same routing again (served from the batch cache)', { event: 'scan_added', title: 'Scan 3', productId: ids.shop }],
    ['a sibling product of the same type: its member does not hear', { event: 'scan_added', title: 'Blog scan', productId: ids.blog }],
    ['another product: other viewers', { event: 'sla_breach', title: 'SLA', productId: ids.app, idempotencyKey: 'sla:1' }],
    ['a product record adds mail for that product', { event: 'sla_breach', title: 'SLA 2', productId: ids.shop, idempotencyKey: 'sla:2' }],
    [
      'system Teams and webhooks go to the system destinations',
      {
        event: 'sla_breach_combined',
        title: 'Combined',
        productId: ids.shop,
        payload: { sla: { kind: 'overdue', items: [], total: 0, list_limit: 100 } },
      },
    ],
    ['a product type context', { event: 'product_type_added', title: 'Type', productTypeId: ids.mobile }],
    ['no context: superusers only', { event: 'product_added', title: 'Global' }],
    [
      'recipients replace the broadcast; the system record is added for mentions',
      {
        event: 'user_mentioned',
        title: 'Mention',
        productId: ids.shop,
        recipients: [users.outsider.id, users.member.id, users.gone.id],
        createdBy: users.admin.id,
      },
    ],
    [
      'other recipients on the same product',
      { event: 'user_mentioned', title: 'Mention 2', productId: ids.shop, recipients: [users.typeMember.id] },
    ],
    ['an empty recipients list sends nothing', { event: 'user_mentioned', title: 'Nobody', productId: ids.shop, recipients: [] }],
    ['alert only', { event: 'scan_added', title: 'Quiet', productId: ids.shop, alertOnly: true }],
    ['a name outside the catalogue routes as other', { event: 'scan_finished_v2', title: 'Custom', productId: ids.shop, icon: 'scan' }],
    [
      'the same idempotency key again: the earlier event',
      { event: 'sla_breach', title: 'SLA again', productId: ids.shop, idempotencyKey: 'sla:2' },
    ],
    [
      'the same key from another creator is another event',
      { event: 'sla_breach', title: 'SLA by admin', productId: ids.shop, idempotencyKey: 'sla:2', createdBy: users.admin.id },
    ],
    [
      'a coalescing key with nothing to fold into: alerts and deliveries carry it',
      { event: 'sla_breach', title: 'SLA coalesced', productId: ids.shop, dedupeKey: 'sla:finding:1' },
    ],
    [
      'the same coalescing key from another raiser is another key',
      { event: 'scan_added', title: 'Scan coalesced', productId: ids.shop, dedupeKey: 'sla:finding:1', createdBy: users.admin.id },
    ],
    [
      'over-long fields are truncated',
      { event: 'other', title: 'T'.repeat(400), description: 'D'.repeat(3000), url: `/x/${'u'.repeat(2100)}`, productId: ids.shop },
    ],
  ];
}

async function snapshot(deps: Deps) {
  return {
    events: await deps.db.all(sql`select ${columnsOf(events)} from events order by id`),
    alerts: await deps.db.all(sql`select id, user_id, event_id, title, description, url, source, icon, created_at, dedupe_key,
      coalesced_count, last_seen_at from alerts order by id`),
    deliveries: await deps.db.all(sql`select event_id, channel, target_kind, user_id, webhook_id, status, attempts, next_attempt_at,
      dedupe_key, coalesced_count from deliveries order by event_id, channel, target_kind, user_id, webhook_id`),
    counts: await deps.db.all(sql`select user_id, n from alert_counts order by user_id`),
  };
}

describe('dispatchEvents', () => {
  it('writes the same events, alerts and deliveries as dispatchEvent for each case in turn', async () => {
    const one = await createWorld();
    const batch = await createWorld();
    const cases = buildCases(one);
    const single: TDispatchResult[] = [];
    for (const [, input] of cases) single.push(await dispatchEvent(one.deps, input));
    const together = await dispatchEvents(
      batch.deps,
      buildCases(batch).map(([, input]) => input),
    );
    for (const [i, [name]] of cases.entries()) expect(together[i], name).toEqual(single[i]);
    const expected = await snapshot(one.deps);
    const actual = await snapshot(batch.deps);
    expect(actual.events).toEqual(expected.events);
    expect(actual.alerts).toEqual(expected.alerts);
    expect(actual.deliveries).toEqual(expected.deliveries);
    expect(actual.counts).toEqual(expected.counts);
    // The world really exercises every kind of row.
    expect(expected.deliveries.length).toBeGreaterThan(5);
    expect(expected.alerts.filter((a) => a.dedupe_key === '0:sla:finding:1').length).toBeGreaterThan(0);
    expect(expected.alerts.filter((a) => a.dedupe_key === `${one.users.admin.id}:sla:finding:1`).length).toBeGreaterThan(0);
    expect(expected.deliveries.filter((d) => d.dedupe_key === `${one.users.admin.id}:sla:finding:1`).length).toBeGreaterThan(0);
    expect(together.filter((r) => r.duplicate)).toHaveLength(1);
  });

  it('answers a key repeated inside the batch with the first event, and a key seen before with that event', async () => {
    const w = await createWorld();
    const earlier = await dispatchEvent(w.deps, { event: 'sla_breach', title: 'First', productId: w.ids.shop, idempotencyKey: 'k:1' });
    const results = await dispatchEvents(w.deps, [
      { event: 'sla_breach', title: 'Again', productId: w.ids.shop, idempotencyKey: 'k:1' },
      { event: 'sla_breach', title: 'New', productId: w.ids.shop, idempotencyKey: 'k:2' },
      { event: 'sla_breach', title: 'New twice', productId: w.ids.shop, idempotencyKey: 'k:2' },
    ]);
    expect(results[0]).toEqual({ ...earlier, duplicate: true });
    expect(results[1]?.duplicate).toBe(false);
    expect(results[2]).toEqual({ ...results[1], duplicate: true });
    expect(await w.deps.db.all(sql`select title from events order by id`)).toEqual([{ title: 'First' }, { title: 'New' }]);
  });

  it('folds coalesced events into what the window already holds, and into each other, as dispatchEvent does', async () => {
    const one = await createWorld();
    const batch = await createWorld();
    const cases = (w: TWorld): TDispatchInput[] => [
      { event: 'scan_added', title: 'Again', productId: w.ids.shop, dedupeKey: 'scan:open' },
      { event: 'scan_added', title: 'New key', productId: w.ids.shop, dedupeKey: 'scan:new' },
      { event: 'scan_added', title: 'New key twice', productId: w.ids.shop, dedupeKey: 'scan:new' },
    ];
    for (const w of [one, batch]) {
      await dispatchEvent(w.deps, { event: 'scan_added', title: 'Opens the window', productId: w.ids.shop, dedupeKey: 'scan:open' });
    }
    const single: TDispatchResult[] = [];
    for (const input of cases(one)) single.push(await dispatchEvent(one.deps, input));
    expect(await dispatchEvents(batch.deps, cases(batch))).toEqual(single);
    const expected = await snapshot(one.deps);
    expect(await snapshot(batch.deps)).toEqual(expected);
    // Two keys, two alerts per viewer, each with one more event like it ("and 1 more like this").
    expect(new Set(expected.alerts.map((a) => a.coalesced_count))).toEqual(new Set([1]));
    expect(expected.deliveries.some((d) => d.coalesced_count === 1)).toBe(true);
  });

  it('refuses an unknown context like dispatchEvent, writing nothing', async () => {
    const w = await createWorld();
    const attempt = dispatchEvents(w.deps, [
      { event: 'scan_added', title: 'Fine', productId: w.ids.shop },
      { event: 'scan_added', title: 'Broken', productId: 999_999 },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(HttpError);
    await expect(attempt).rejects.toMatchObject({ status: 404 });
    expect(await w.deps.db.get(sql`select count(*) as n from events`)).toEqual({ n: 0 });
    expect(await dispatchEvents(w.deps, [])).toEqual([]);
  });

  it('announces the alerted users and the queued deliveries once the batch commits', async () => {
    const w = await createWorld();
    const heard: number[][] = [];
    let queued = 0;
    w.deps.bus.subscribe('alerts-changed', (m) => heard.push([...m.userIds].sort((a, b) => a - b)));
    w.deps.bus.subscribe('deliveries-queued', () => queued++);
    await dispatchEvents(w.deps, [
      { event: 'scan_added', title: 'A', productId: w.ids.shop },
      { event: 'user_mentioned', title: 'B', recipients: [w.users.outsider.id] },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const expected = [w.users.admin.id, w.users.member.id, w.users.typeMember.id, w.users.reader.id, w.users.outsider.id].sort(
      (a, b) => a - b,
    );
    expect(heard.flat().sort((a, b) => a - b)).toEqual(expected);
    expect(queued).toBeGreaterThan(0);
  });
});
