/**
 * A user's in-app alert list. Every function takes the owner's id and touches only that user's rows:
 * there is no way to read, remove or restore somebody else's alerts through this module.
 * Ids grow with time, so "newest first" is `order by id desc` on the (user_id, id) index.
 *
 * Removal moves alerts to `removed_alerts` (ids and all), where Undo finds them for ALERT_UNDO_SECONDS; the
 * retention job purges them after that. "New since you last looked" is one id per user (alert_reads): alerts
 * above it are new; opening the bell or the Alerts page moves it up (never down).
 */
import {
  ALERT_FILTERED_TOTAL_CAP,
  CLEARED_IDS_MAX,
  NEW_ALERTS_CAP,
  type TAlert,
  type TAlertListQuery,
  type TAlertPage,
  type TAlertStreamMessage,
  type TAlertSummary,
  type TAlertsSeen,
  type TClearedAlerts,
  type TRemovedAlerts,
  type TRestoredAlerts,
} from '@tocsin/contract/alerts';
import { type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { Database } from '../db/database';
import { notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { findEventsWithText, findMatchingAlertIds, isFiltered, toAlertFilter } from './alert-filter';
import { DELETE_BATCH, deleteAlertsInBatches } from './retention';

type AlertRow = {
  id: number;
  title: string;
  description: string;
  url: string;
  source: string;
  icon: string;
  createdAt: number;
  event: string | null;
  productId: number | null;
  raisedBy: string | null;
  coalescedCount?: number | null;
  lastSeenAt?: number | null;
};

/** The columns of an alert `a` and who raised its event (`e`, left-joined: Tocsin's own notices have none). */
const ALERT_COLUMNS = sql`a.id, a.title, a.description, a.url, a.source, a.icon, a.created_at as "createdAt", a.event,
  a.product_id as "productId", e.raised_by_label as "raisedBy", a.coalesced_count as "coalescedCount", a.last_seen_at as "lastSeenAt"`;
const FROM_ALERTS = sql`alerts a left join events e on e.id = a.event_id`;

export function toAlertDto(row: AlertRow, seenThroughId: number): TAlert {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    url: row.url,
    source: row.source,
    icon: row.icon,
    created: toIso(row.createdAt),
    event: row.event,
    product_id: row.productId,
    raised_by: row.raisedBy ?? 'Tocsin',
    is_new: row.id > seenThroughId,
    coalesced_count: Number(row.coalescedCount ?? 0),
    first_seen: toIso(row.createdAt),
    last_seen: toIso(row.lastSeenAt ?? row.createdAt),
  };
}

/** The bell count: kept per user by triggers on alerts (table alert_counts), so it costs one key lookup. */
export async function countAlerts(db: Database, userId: number): Promise<number> {
  return (await db.get<{ n: number }>(sql`select n from alert_counts where user_id = ${userId}`))?.n ?? 0;
}

/** The newest alert id the user has seen (0 when they never looked), and how many are newer (capped). */
async function findSeen(db: Database, userId: number): Promise<{ seenThroughId: number; newCount: number }> {
  const seen = await db.get<{ id: number }>(sql`select seen_through_id as id from alert_reads where user_id = ${userId}`);
  const seenThroughId = seen?.id ?? 0;
  const row = await db.get<{ n: number }>(sql`select count(*) as n from (
    select 1 from alerts where user_id = ${userId} and id > ${seenThroughId} limit ${NEW_ALERTS_CAP}) capped`);
  return { seenThroughId, newCount: row?.n ?? 0 };
}

/** The alerts with these ids, newest first, with who raised them. */
async function findAlertRows(db: Database, ids: readonly number[]): Promise<AlertRow[]> {
  if (ids.length === 0) return [];
  return db.all<AlertRow>(sql`select ${ALERT_COLUMNS} from ${FROM_ALERTS} where ${db.fragments.inIds(sql`a.id`, ids)} order by a.id desc`);
}

/**
 * One page of the user's alerts, newest first, filtered as the query asks (query shapes: alert-filter.ts).
 * - No filter: the total is the bell count (a key lookup) and the page walks the (user_id, id) index.
 * - A filter: one scan collects the ids of up to ALERT_FILTERED_TOTAL_CAP + 1 matches, newest first (the plans are in
 *   alert-filter.ts); it gives both the total (exact up to the cap) and the page, whose rows are then read by id.
 * - `before_id` (keyset) and pages past the cap read the page directly and count matches (up to the cap) apart.
 */
export async function listAlerts(deps: Deps, userId: number, query: TAlertListQuery): Promise<TAlertPage> {
  const { db } = deps;
  const filter = toAlertFilter(query);
  const pageSize = query.page_size;
  const page = filter.beforeId === null ? query.page : 1;
  const offset = (page - 1) * pageSize;
  const cap = ALERT_FILTERED_TOTAL_CAP;

  let pageIds: number[];
  let total: number;
  if (isFiltered(filter) && filter.beforeId === null && offset + pageSize + 1 <= cap + 1) {
    const matches = await findMatchingAlertIds(db, userId, filter, { withKeyset: false, limit: cap + 1 });
    total = matches.length;
    pageIds = matches.slice(offset, offset + pageSize + 1);
  } else {
    // One row more than the page tells whether an older page exists; the page and its count share one text lookup.
    const eventIds = filter.text === null ? null : await findEventsWithText(db, filter.text);
    pageIds = await findMatchingAlertIds(db, userId, filter, { withKeyset: true, limit: pageSize + 1, offset, eventIds });
    total = isFiltered(filter)
      ? (await findMatchingAlertIds(db, userId, filter, { withKeyset: false, limit: cap + 1, eventIds })).length
      : await countAlerts(db, userId);
  }
  const isExact = !isFiltered(filter) || total <= cap;
  const hasMore = pageIds.length > pageSize;
  const items = await findAlertRows(db, pageIds.slice(0, pageSize));
  const seen = await findSeen(db, userId);
  return {
    items: items.map((row) => toAlertDto(row, seen.seenThroughId)),
    total: isExact ? total : cap,
    total_is_exact: isExact,
    page,
    page_size: pageSize,
    next_before_id: hasMore ? (items[items.length - 1]?.id ?? null) : null,
    new_count: seen.newCount,
    seen_through_id: seen.seenThroughId,
  };
}

/** One of the user's alerts; anybody else's (or a removed one) is "not found". */
export async function getAlert(deps: Deps, userId: number, alertId: number): Promise<TAlert> {
  const row = await deps.db.get<AlertRow>(
    sql`select ${ALERT_COLUMNS} from ${FROM_ALERTS} where a.id = ${alertId} and a.user_id = ${userId}`,
  );
  if (!row) throw notFound(`Alert ${alertId}`);
  const { seenThroughId } = await findSeen(deps.db, userId);
  return toAlertDto(row, seenThroughId);
}

/**
 * What the bell shows, in one statement (one round trip on PostgreSQL): the count, the seen mark and the capped
 * new count as scalar subqueries of one row, joined to the newest `limit` alerts with who raised them, walking
 * the (user_id, id) prefix of alerts_user newest first.
 */
export async function summarizeAlerts(deps: Deps, userId: number, limit: number): Promise<TAlertSummary> {
  // One statement (a round trip on PostgreSQL): the state once, joined to the newest rows (a row of nulls when the
  // list is empty).
  const rows = await deps.db.all<
    { stateCount: number | null; stateSeen: number | null; stateNew: number | null } & { [K in keyof AlertRow]: AlertRow[K] | null }
  >(
    sql`select s.count as "stateCount", s.seen as "stateSeen", s.fresh as "stateNew", a.*
    from (select
        (select n from alert_counts where user_id = ${userId}) as count,
        (select seen_through_id from alert_reads where user_id = ${userId}) as seen,
        (select count(*) from (select 1 from alerts where user_id = ${userId}
          and id > coalesce((select seen_through_id from alert_reads where user_id = ${userId}), 0) limit ${NEW_ALERTS_CAP}) capped)
          as fresh) s
    left join (select ${ALERT_COLUMNS} from ${FROM_ALERTS} where a.user_id = ${userId} order by a.id desc limit ${limit}) a on 1 = 1
    order by a.id desc`,
    { prepareAs: 'tocsin_bell' },
  );
  const state = rows[0];
  const seenThroughId = Number(state?.stateSeen ?? 0);
  return {
    count: Number(state?.stateCount ?? 0),
    items: rows.flatMap((row) => (row.id === null ? [] : [toAlertDto(row as AlertRow, seenThroughId)])),
    new_count: Number(state?.stateNew ?? 0),
    seen_through_id: seenThroughId,
  };
}

export async function findAlertStreamMessage(deps: Deps, userId: number): Promise<TAlertStreamMessage> {
  return (await findAlertStreamMessages(deps.db, [userId])).get(userId) ?? { count: 0, latest_id: null, new_count: 0 };
}

/**
 * The stream message of many users in one query (each a key lookup and two short index seeks): what a live
 * fan-out to thousands of open streams costs instead of several queries per stream. new_count stops counting at
 * NEW_ALERTS_CAP, so a user who never looks costs no more than one who does.
 */
export async function findAlertStreamMessages(db: Database, userIds: readonly number[]): Promise<Map<number, TAlertStreamMessage>> {
  const messages = new Map<number, TAlertStreamMessage>();
  if (userIds.length === 0) return messages;
  const rows = await db.all<{ userId: number; n: number | null; latest: number | null; newCount: number }>(sql`
    select u.id as "userId", c.n as n,
      (select a.id from alerts a where a.user_id = u.id order by a.id desc limit 1) as latest,
      (select count(*) from (select 1 from alerts a where a.user_id = u.id and a.id > coalesce(r.seen_through_id, 0)
        limit ${NEW_ALERTS_CAP}) capped) as "newCount"
    from users u left join alert_counts c on c.user_id = u.id left join alert_reads r on r.user_id = u.id
    where ${db.fragments.inIds(sql`u.id`, userIds)}`);
  for (const r of rows) messages.set(r.userId, { count: r.n ?? 0, latest_id: r.latest ?? null, new_count: r.newCount ?? 0 });
  return messages;
}

/**
 * "I have seen my alerts up to this id": the mark moves up only, and never past the user's newest alert (so a
 * made-up id cannot hide alerts that have not arrived yet). Other tabs hear of it (their new counts change).
 */
export async function markAlertsSeen(deps: Deps, userId: number, throughId: number): Promise<TAlertsSeen> {
  return deps.db.transaction(async (db) => {
    const newest = (await db.get<{ id: number }>(sql`select id from alerts where user_id = ${userId} order by id desc limit 1`))?.id ?? 0;
    const mark = Math.min(throughId, newest);
    const now = deps.now();
    await db.run(sql`insert into alert_reads (user_id, seen_through_id, updated_at) values (${userId}, ${mark}, ${now})
      on conflict (user_id) do update set
        seen_through_id = ${db.fragments.greatest(sql`alert_reads.seen_through_id`, sql`excluded.seen_through_id`)},
        updated_at = excluded.updated_at`);
    await deps.bus.publish(db, { type: 'alerts-changed', userIds: [userId] });
    const seen = await findSeen(db, userId);
    return { seen_through_id: seen.seenThroughId, new_count: seen.newCount };
  });
}

/** Move the given alerts of the user (ids of `idsSql`) to removed_alerts; returns how many moved. Run in a transaction. */
async function moveToRemoved(db: Database, userId: number, idsCondition: SQL, removedAt: number): Promise<number> {
  // A row may already be there when an alert is removed again before its earlier removal was purged.
  await db.run(sql`insert into removed_alerts (id, user_id, event_id, event, event_code, product_id, title, description, url, source, icon,
      dedupe_key, coalesced_count, last_seen_at,
      created_at, removed_at)
    select id, user_id, event_id, event, event_code, product_id, title, description, url, source, icon, dedupe_key, coalesced_count,
      last_seen_at, created_at, cast(${removedAt} as bigint)
    from alerts where user_id = ${userId} and ${idsCondition}
    on conflict (id) do update set removed_at = excluded.removed_at`);
  return db.run(sql`delete from alerts where user_id = ${userId} and ${idsCondition}`);
}

/** Remove some of the user's alerts (restorable for ALERT_UNDO_SECONDS); ids of other users' alerts (or unknown ids) are ignored. */
export async function removeAlerts(deps: Deps, userId: number, ids: readonly number[]): Promise<TRemovedAlerts> {
  return deps.db.transaction(async (db) => {
    const removed = await moveToRemoved(db, userId, db.fragments.inIds(sql`id`, ids), deps.now());
    if (removed > 0) await deps.bus.publish(db, { type: 'alerts-changed', userIds: [userId] });
    return { removed, count: await countAlerts(db, userId) };
  });
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Clear All Alerts: empties the caller's list — everything up to the newest alert at the moment of the request.
 * The newest CLEARED_IDS_MAX move to removed_alerts (Undo can bring them back; their ids are in the answer),
 * in batches that are short transactions; older ones are deleted for good in bounded batches (retention.ts),
 * so clearing 100,000 alerts never blocks the process.
 */
export async function clearAlerts(deps: Deps, userId: number): Promise<TClearedAlerts> {
  const newest = await deps.db.get<{ id: number }>(sql`select id from alerts where user_id = ${userId} order by id desc limit 1`);
  if (!newest) return { removed: 0, count: await countAlerts(deps.db, userId), ids: [] };
  const ids: number[] = [];
  let removed = 0;
  let below = newest.id + 1;
  const removedAt = deps.now();
  while (ids.length < CLEARED_IDS_MAX) {
    const batch = await deps.db.transaction(async (db) => {
      const chosen = await db.all<{ id: number }>(sql`select id from alerts where user_id = ${userId} and id < ${below}
        order by id desc limit ${Math.min(DELETE_BATCH, CLEARED_IDS_MAX - ids.length)}`);
      if (chosen.length === 0) return [];
      const batchIds = chosen.map((r) => r.id);
      removed += await moveToRemoved(db, userId, db.fragments.inIds(sql`id`, batchIds), removedAt);
      await deps.bus.publish(db, { type: 'alerts-changed', userIds: [userId] });
      return batchIds;
    });
    if (batch.length === 0) break;
    ids.push(...batch);
    below = batch[batch.length - 1] as number;
    await yieldToEventLoop();
  }
  if (ids.length >= CLEARED_IDS_MAX) removed += await deleteAlertsInBatches(deps, userId, below - 1);
  return { removed, count: await countAlerts(deps.db, userId), ids };
}

/**
 * Undo: put back the user's alerts removed within the last ALERT_UNDO_SECONDS, with their ids, fields and created
 * times, so they sit where they were in the list. Others' ids, unknown ids and older removals are ignored.
 */
export async function restoreAlerts(deps: Deps, userId: number, ids: readonly number[]): Promise<TRestoredAlerts> {
  const cutoff = deps.now() - deps.env.ALERT_UNDO_SECONDS * 1000;
  return deps.db.transaction(async (db) => {
    const chosen = sql`user_id = ${userId} and removed_at > ${cutoff} and ${db.fragments.inIds(sql`id`, ids)}`;
    const restored =
      await db.run(sql`insert into alerts (id, user_id, event_id, event, event_code, product_id, title, description, url, source,
        dedupe_key, coalesced_count, last_seen_at,
        icon, created_at)
      select id, user_id, event_id, event, event_code, product_id, title, description, url, source, dedupe_key, coalesced_count,
        last_seen_at, icon, created_at
      from removed_alerts where ${chosen}
      on conflict (id) do nothing`);
    await db.run(sql`delete from removed_alerts where ${chosen}`);
    if (restored > 0) await deps.bus.publish(db, { type: 'alerts-changed', userIds: [userId] });
    return { restored, count: await countAlerts(db, userId) };
  });
}

/** The retention job: removed alerts older than ALERT_UNDO_SECONDS can no longer be restored. Returns how many went. */
export async function purgeRemovedAlerts(deps: Deps): Promise<number> {
  const cutoff = deps.now() - deps.env.ALERT_UNDO_SECONDS * 1000;
  let purged = 0;
  for (;;) {
    const n = await deps.db.run(sql`delete from removed_alerts where id in (
      select id from removed_alerts where removed_at <= ${cutoff} limit ${DELETE_BATCH})`);
    purged += n;
    if (n < DELETE_BATCH) return purged;
    await yieldToEventLoop();
  }
}
