/** The dialect-specific hot paths, run on the dialect of this test run (both run in the test command). */
import { randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, TEST_DIALECT } from '../test-setup/store';
import type { Database } from './database';
import type { TClaimRequest, TDeliveryInsert } from './hot-paths';
import { insertRow } from './rows';
import { events, users, webhooks } from './schema';

let db: Database;
let cleanup: () => Promise<void>;
let eventId: number;
let userId: number;

beforeEach(async () => {
  const opened = await openTestStore();
  db = opened.store.db;
  cleanup = opened.cleanup;
  userId = (await insertRow(db, users, { username: 'u', email: 'u@x.test', passwordHash: 'x', createdAt: 1 })).id;
  eventId = (
    await insertRow(db, events, { name: 'other', routedAs: 'other', title: 't', url: '/', icon: 'bell', source: 'Other', createdAt: 1 })
  ).id;
});
afterEach(() => cleanup());

const request = (overrides: Partial<TClaimRequest> = {}): TClaimRequest => ({
  now: 1_000,
  limit: 10,
  owner: 'me',
  leaseMs: { mail: 30_000, webhooks: 12_000 },
  defaultLeaseMs: 5_000,
  skipWebhookIds: [],
  skipChannels: [],
  ...overrides,
});

describe(`hot paths on ${TEST_DIALECT}`, () => {
  it('inserts one alert per user and a fan-out of deliveries, queued and due now', async () => {
    const hook = await insertRow(db, webhooks, { name: 'h', url: 'https://h.test', createdAt: 1 });
    const rows: TDeliveryInsert[] = [
      [randomUUID(), 'mail', 'user', userId, null],
      [randomUUID(), 'webhooks', 'webhook', null, hook.id],
    ];
    expect(await db.hot.insertDeliveries(db, eventId, 500, rows)).toBe(2);
    const stored = await db.all<{
      channel: string;
      status: string;
      nextAttemptAt: number;
      userId: number | null;
      webhookId: number | null;
    }>(
      sql`select channel, status, next_attempt_at as "nextAttemptAt", user_id as "userId", webhook_id as "webhookId" from deliveries order by id`,
    );
    expect(stored).toEqual([
      { channel: 'mail', status: 'queued', nextAttemptAt: 500, userId, webhookId: null },
      { channel: 'webhooks', status: 'queued', nextAttemptAt: 500, userId: null, webhookId: hook.id },
    ]);
    expect(
      await db.hot.insertAlerts(
        db,
        { eventId, event: 'other', productId: null, title: 'a', description: '', url: '/', source: 's', icon: 'i', createdAt: 5 },
        [],
      ),
    ).toBe(0);
  });

  it('copies the event name and product onto every alert of a fan-out', async () => {
    const alert = {
      eventId,
      event: 'scan_added',
      productId: 42,
      title: 't',
      description: 'd',
      url: '/x',
      source: 's',
      icon: 'i',
      createdAt: 7,
    };
    expect(await db.hot.insertAlerts(db, alert, [userId])).toBe(1);
    const stored = await db.all<{ event: string; productId: number | null; createdAt: number }>(
      sql`select event, product_id as "productId", created_at as "createdAt" from alerts where user_id = ${userId}`,
    );
    expect(stored).toEqual([{ event: 'scan_added', productId: 42, createdAt: 7 }]);
  });

  it('inserts the alerts and deliveries of several events in one call, in the order given', async () => {
    const other = (await insertRow(db, users, { username: 'v', email: 'v@x.test', passwordHash: 'x', createdAt: 1 })).id;
    const second = (
      await insertRow(db, events, { name: 'other', routedAs: 'other', title: 't2', url: '/', icon: 'bell', source: 'Other', createdAt: 2 })
    ).id;
    const alert = (id: number, title: string) => ({
      eventId: id,
      event: 'other',
      productId: null,
      title,
      description: `${title}!`,
      url: `/${title}`,
      source: 's',
      icon: 'i',
      createdAt: 7,
    });
    expect(
      await db.hot.insertAlertBatch(db, [
        { alert: alert(eventId, 'first'), userIds: [other, userId] },
        { alert: alert(second, 'none'), userIds: [] },
        { alert: alert(second, 'second'), userIds: [userId] },
      ]),
    ).toBe(3);
    expect(await db.hot.insertAlertBatch(db, [])).toBe(0);
    const stored = await db.all(sql`select user_id as "userId", event_id as "eventId", title, description, url, source, icon,
        created_at as "createdAt" from alerts order by id`);
    expect(await db.all(sql`select distinct event, product_id as "productId" from alerts`)).toEqual([{ event: 'other', productId: null }]);
    expect(stored).toEqual([
      { userId: other, eventId, title: 'first', description: 'first!', url: '/first', source: 's', icon: 'i', createdAt: 7 },
      { userId, eventId, title: 'first', description: 'first!', url: '/first', source: 's', icon: 'i', createdAt: 7 },
      { userId, eventId: second, title: 'second', description: 'second!', url: '/second', source: 's', icon: 'i', createdAt: 7 },
    ]);
    expect(await db.all(sql`select user_id as "userId", n from alert_counts order by user_id`)).toEqual(
      [
        { userId, n: 2 },
        { userId: other, n: 1 },
      ].sort((a, b) => a.userId - b.userId),
    );

    const hook = await insertRow(db, webhooks, { name: 'h2', url: 'https://h2.test', createdAt: 1 });
    expect(
      await db.hot.insertDeliveryBatch(
        db,
        900,
        [
          [second, randomUUID(), 'webhooks', 'webhook', null, hook.id],
          [eventId, randomUUID(), 'mail', 'user', userId, null],
        ],
        new Map([[second, '0:sla:finding:1']]),
      ),
    ).toBe(2);
    expect(await db.hot.insertDeliveryBatch(db, 900, [])).toBe(0);
    expect(
      await db.all(sql`select event_id as "eventId", channel, target_kind as "targetKind", user_id as "userId", webhook_id as "webhookId",
          status, next_attempt_at as "nextAttemptAt", dedupe_key as "dedupeKey" from deliveries order by id`),
    ).toEqual([
      {
        eventId: second,
        channel: 'webhooks',
        targetKind: 'webhook',
        userId: null,
        webhookId: hook.id,
        status: 'queued',
        nextAttemptAt: 900,
        dedupeKey: '0:sla:finding:1',
      },
      { eventId, channel: 'mail', targetKind: 'user', userId, webhookId: null, status: 'queued', nextAttemptAt: 900, dedupeKey: null },
    ]);
  });

  it('claims due rows oldest first with a per-channel lease and the owner, and skips rows not yet due', async () => {
    const hook = await insertRow(db, webhooks, { name: 'h', url: 'https://h.test', createdAt: 1 });
    await db.hot.insertDeliveries(db, eventId, 900, [[randomUUID(), 'webhooks', 'webhook', null, hook.id]]);
    await db.hot.insertDeliveries(db, eventId, 800, [[randomUUID(), 'mail', 'user', userId, null]]);
    await db.hot.insertDeliveries(db, eventId, 50_000, [[randomUUID(), 'mail', 'user', userId, null]]);
    const ids = await db.transaction((tx) => tx.hot.claimDueDeliveries(tx, request()));
    expect(ids).toHaveLength(2);
    const leased = await db.all<{ channel: string; status: string; leaseUntil: number; leaseOwner: string }>(
      sql`select channel, status, lease_until as "leaseUntil", lease_owner as "leaseOwner" from deliveries where status = 'sending' order by id`,
    );
    expect(leased).toEqual([
      { channel: 'webhooks', status: 'sending', leaseUntil: 13_000, leaseOwner: 'me' },
      { channel: 'mail', status: 'sending', leaseUntil: 31_000, leaseOwner: 'me' },
    ]);
    // Leased rows are not due again until their lease lapses.
    expect(await db.transaction((tx) => tx.hot.claimDueDeliveries(tx, request({ now: 12_999 })))).toEqual([]);
    expect(await db.transaction((tx) => tx.hot.claimDueDeliveries(tx, request({ now: 13_000, owner: 'other' })))).toHaveLength(1);
    // At 31,000 the mail lease has lapsed, and so has the webhook's second lease (13,000 + 12,000).
    expect(await db.transaction((tx) => tx.hot.claimDueDeliveries(tx, request({ now: 31_000, owner: 'other' })))).toHaveLength(2);
    const owners = await db.all<{ owner: string }>(sql`select lease_owner as owner from deliveries where status = 'sending'`);
    expect(owners.map((o) => o.owner)).toEqual(['other', 'other']);
  });

  it('leaves rows of capped endpoints and channel services for later', async () => {
    const a = await insertRow(db, webhooks, { name: 'a', url: 'https://a.test', createdAt: 1 });
    const b = await insertRow(db, webhooks, { name: 'b', url: 'https://b.test', createdAt: 1 });
    await db.hot.insertDeliveries(db, eventId, 1, [
      [randomUUID(), 'webhooks', 'webhook', null, a.id],
      [randomUUID(), 'webhooks', 'webhook', null, b.id],
      [randomUUID(), 'mail', 'system', null, null],
      [randomUUID(), 'slack', 'system', null, null],
    ]);
    const ids = await db.transaction((tx) => tx.hot.claimDueDeliveries(tx, request({ skipWebhookIds: [a.id], skipChannels: ['mail'] })));
    const claimed = await db.all<{ channel: string; webhookId: number | null }>(
      sql`select channel, webhook_id as "webhookId" from deliveries where ${db.fragments.inIds(sql`id`, ids)} order by id`,
    );
    expect(claimed).toEqual([
      { channel: 'webhooks', webhookId: b.id },
      { channel: 'slack', webhookId: null },
    ]);
  });

  it('never gives one row to two claimers racing each other', async () => {
    const rows: TDeliveryInsert[] = Array.from({ length: 200 }, () => [randomUUID(), 'mail', 'user', userId, null]);
    await db.hot.insertDeliveries(db, eventId, 1, rows);
    const claims = await Promise.all(
      ['r1', 'r2', 'r3', 'r4'].map((owner) => db.transaction((tx) => tx.hot.claimDueDeliveries(tx, request({ owner, limit: 60 })))),
    );
    const all = claims.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(200);
  });

  it('records successful sends in one call: sent while the lease holds, logged either way', async () => {
    await db.hot.insertDeliveries(db, eventId, 1, [
      [randomUUID(), 'mail', 'user', userId, null],
      [randomUUID(), 'mail', 'user', userId, null],
      [randomUUID(), 'mail', 'user', userId, null],
    ]);
    const ids = await db.transaction((tx) => tx.hot.claimDueDeliveries(tx, request({ now: 10, owner: 'me' })));
    expect(ids).toHaveLength(3);
    const leases = await db.all<{ id: number; leaseUntil: number }>(
      sql`select id, lease_until as "leaseUntil" from deliveries order by id`,
    );
    const [a, b, c] = leases.map((l) => ({ id: Number(l.id), leaseUntil: Number(l.leaseUntil) }));
    const sent = (l: { id: number; leaseUntil: number }, leaseUntil = l.leaseUntil) => ({
      deliveryId: l.id,
      leaseUntil,
      startedAt: 20,
      finishedAt: 30,
      responseCode: 204,
    });
    // The row SQL as queue.ts gives it, for a claimer named `owner`.
    const asOwner = (owner: string) => ({
      change: (code: SQL, at: SQL) =>
        sql`status = 'sent', response_code = ${code}, sent_at = ${at}, attempts = attempts + 1, lease_until = null, lease_owner = null`,
      leased: (id: SQL, leaseUntil: SQL) =>
        sql`id = ${id} and status = 'sending' and lease_until = ${leaseUntil} and lease_owner = ${owner}`,
    });
    // b's lease is not the one given (it lapsed and was taken again); c is recorded by another owner below.
    expect(await db.hot.recordSentAttempts(db, [sent(a!), sent(b!, b!.leaseUntil + 1)], asOwner('me'))).toEqual([true, false]);
    expect(await db.hot.recordSentAttempts(db, [sent(c!)], asOwner('someone else'))).toEqual([false]);
    expect(await db.hot.recordSentAttempts(db, [], asOwner('me'))).toEqual([]);
    const states = await db.all<{ status: string; attempts: number; sentAt: number | null; responseCode: number | null }>(sql`select
        status, attempts, sent_at as "sentAt", response_code as "responseCode" from deliveries order by id`);
    expect(states.map((r) => ({ ...r, attempts: Number(r.attempts), sentAt: r.sentAt === null ? null : Number(r.sentAt) }))).toEqual([
      { status: 'sent', attempts: 1, sentAt: 30, responseCode: 204 },
      { status: 'sending', attempts: 0, sentAt: null, responseCode: null },
      { status: 'sending', attempts: 0, sentAt: null, responseCode: null },
    ]);
    const logged = await db.all<{ deliveryId: number; ok: number }>(
      sql`select delivery_id as "deliveryId", ok from delivery_attempts order by id`,
    );
    expect(logged.map((l) => Number(l.deliveryId))).toEqual([a!.id, b!.id, c!.id]);
    expect(logged.every((l) => Number(l.ok) === 1)).toBe(true);
  });
});
