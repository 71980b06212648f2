/**
 * Coalescing (issue 10 §4, decision record 010): events that carry the same dedupe key, from the same raiser,
 * within the coalescing window, update the alert a user already has ("and 14 more like this", first and last
 * seen) instead of adding one, and external channels send once per window with the count.
 *
 * Everything here is set-based: one UPDATE … RETURNING for all alerted users, one for all pending deliveries,
 * one SELECT for the destinations already served this window. Updating an alert never changes the bell count:
 * alert_counts is kept by insert/delete triggers (PostgreSQL) and insert/delete triggers (SQLite) only.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import type { TDeliveryInsert } from '../db/hot-paths';

/** The window when system settings say nothing else: ten minutes, as issue 10 asks. */
export const DEFAULT_COALESCE_WINDOW_SECONDS = 600;

/**
 * The stored key: the raiser scope (the creating user, 0 for Tocsin's own sources) and the key as sent, so two
 * integrations using the same key never fold into each other's alerts (as with idempotency keys).
 */
export function toCoalescingKey(createdBy: number | null, dedupeKey: string): string {
  return `${createdBy ?? 0}:${dedupeKey}`;
}

/**
 * Whether an earlier alert or delivery made at `earlierAt` is still open for folding at `now`. The window is
 * half-open: an event exactly `windowMs` after the first one starts a new window.
 */
export function isWithinWindow(earlierAt: number, now: number, windowMs: number): boolean {
  if (windowMs <= 0) return false;
  return earlierAt <= now && now - earlierAt < windowMs;
}

/** When the follow-up of a destination first served at `firstAt` may go out: the end of that window. */
export function followUpDueAt(firstAt: number, windowMs: number): number {
  return firstAt + windowMs;
}

/**
 * The destination of a delivery row as one string, the same in SQL (destinationSql) and here. Named destinations
 * (rules/) are told apart by their id: each gets its own first send and follow-up.
 */
export function destinationKeyOf(row: TDeliveryRowLike): string {
  return `${row.channel}|${row.targetKind}|${row.userId ?? 0}|${row.webhookId ?? 0}|${row.destinationId ?? 0}`;
}

type TDeliveryRowLike = {
  channel: string;
  targetKind: string;
  userId: number | null;
  webhookId: number | null;
  destinationId?: number | null;
};

const destinationSql = sql`(channel || '|' || target_kind || '|' || coalesce(user_id, 0) || '|' || coalesce(webhook_id, 0) || '|' || coalesce(destination_id, 0))`;

/** `column` is one of `values` (text), with the whole list in one bound parameter. */
function inTexts(db: Database, column: SQL, values: readonly string[]): SQL {
  return db.dialect === 'postgres'
    ? sql`${column} = any(${sql.param([...values])}::text[])`
    : sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}

/**
 * The statement behind hasOpenWindow: for each key, the newest alert and the newest delivery of that key, each
 * found by walking its dedupe index backwards from the key (a top-1 in index order). Written this way, and not
 * as `exists(… dedupe_key = any(…))`, because PostgreSQL without fresh statistics (a table that grew since the
 * last analyze, e.g. during the SLA job itself) estimates that every row matches and reads the whole table
 * looking for the first; a top-1 by index order is an index probe whatever the estimate.
 */
export function openWindowQuery(db: Database, keys: readonly string[], since: number): SQL {
  const keyTable =
    db.dialect === 'postgres'
      ? sql`unnest(${sql.param([...keys])}::text[]) as k(key)`
      : sql`(select value as key from json_each(${JSON.stringify(keys)})) as k`;
  const newest = (table: 'alerts' | 'deliveries') =>
    sql`coalesce((select t.created_at from ${sql.raw(table)} t where t.dedupe_key = k.key order by t.created_at desc limit 1), 0)`;
  return sql`select 1 as open from ${keyTable} where ${newest('alerts')} > ${since} or ${newest('deliveries')} > ${since} limit 1`;
}

/**
 * Whether any of `keys` has something an event could fold into at `now`: an alert or a delivery made within the
 * window (the rows foldIntoAlerts and planDeliveries look for). One statement, two index probes per key.
 */
export async function hasOpenWindow(db: Database, keys: readonly string[], now: number, windowMs: number): Promise<boolean> {
  if (keys.length === 0 || windowMs <= 0) return false;
  return (await db.get(openWindowQuery(db, keys, now - windowMs))) !== undefined;
}

export type TCoalesceAlertsInput = { key: string; now: number; windowMs: number };

/**
 * Fold the event into the alerts these users already have for `key` within the window. Returns the users whose
 * alert was updated (they get no new alert); the others get a new alert as usual.
 */
export async function foldIntoAlerts(db: Database, input: TCoalesceAlertsInput, userIds: readonly number[]): Promise<number[]> {
  if (userIds.length === 0 || input.windowMs <= 0) return [];
  const since = input.now - input.windowMs;
  const rows = await db.all<{ userId: number }>(sql`update alerts
    set coalesced_count = coalesced_count + 1, last_seen_at = ${input.now}
    where dedupe_key = ${input.key} and created_at > ${since} and ${db.fragments.inIds(sql`user_id`, userIds)}
    returning user_id as "userId"`);
  return [...new Set(rows.map((r) => Number(r.userId)))];
}

export type TDeliveryPlan = {
  /** Rows to send now: their destination had nothing from this key within the window. */
  now: TDeliveryInsert[];
  /** Rows to send at the end of the window (uuid → due time): the destination already had its one send. */
  later: Map<string, number>;
  /** Rows folded into a delivery still waiting in the queue (its message will say "and N more like this"). */
  folded: number;
};

/**
 * Decide, for the delivery rows an event would create, which go out now, which wait for the end of their
 * destination's window, and which fold into a pending row. Pending rows (queued, not yet rendered) of the same
 * key and destination get their count raised in one statement.
 */
export async function planDeliveries(db: Database, input: TCoalesceAlertsInput, rows: readonly TDeliveryInsert[]): Promise<TDeliveryPlan> {
  const plan: TDeliveryPlan = { now: [], later: new Map(), folded: 0 };
  if (rows.length === 0 || input.windowMs <= 0) {
    plan.now.push(...rows);
    return plan;
  }
  const keyOf = (r: TDeliveryInsert) =>
    destinationKeyOf({ channel: r[1], targetKind: r[2], userId: r[3], webhookId: r[4], destinationId: r[5] ?? null });
  const wanted = [...new Set(rows.map(keyOf))];
  const since = input.now - input.windowMs;
  // A row still queued and not rendered yet is rendered with its count when claimed: raise the count there.
  const pending = await db.all<{ destination: string }>(sql`update deliveries
    set coalesced_count = coalesced_count + 1, updated_at = ${input.now}
    where id in (
      select min(id) from deliveries
      where dedupe_key = ${input.key} and status = 'queued' and content is null and created_at > ${since}
        and ${inTexts(db, destinationSql, wanted)}
      group by ${destinationSql})
    returning ${destinationSql} as destination`);
  const folded = new Set(pending.map((p) => p.destination));
  const rest = rows.filter((r) => !folded.has(keyOf(r)));
  plan.folded = rows.length - rest.length;
  if (rest.length === 0) return plan;
  // Destinations that already had (or are having) their send this window: the rest waits for the window's end.
  const served = await db.all<{ destination: string; firstAt: number }>(sql`select ${destinationSql} as destination,
      min(created_at) as "firstAt"
    from deliveries
    where dedupe_key = ${input.key} and created_at > ${since} and ${inTexts(db, destinationSql, rest.map(keyOf))}
    group by ${destinationSql}`);
  const firstAt = new Map(served.map((s) => [s.destination, Number(s.firstAt)]));
  for (const r of rest) {
    const first = firstAt.get(keyOf(r));
    if (first === undefined) plan.now.push(r);
    else plan.later.set(r[0], followUpDueAt(first, input.windowMs));
  }
  return plan;
}

/**
 * Mark the rows just inserted for an event with its coalescing key, and move the follow-ups to the end of their
 * window. Two statements, whatever the number of rows.
 */
export async function markDeliveries(db: Database, eventId: number, key: string, later: ReadonlyMap<string, number>): Promise<void> {
  await db.run(sql`update deliveries set dedupe_key = ${key} where event_id = ${eventId}`);
  if (later.size === 0) return;
  const byDue = new Map<number, string[]>();
  for (const [uuid, due] of later) byDue.set(due, [...(byDue.get(due) ?? []), uuid]);
  for (const [due, uuids] of byDue) {
    await db.run(sql`update deliveries set next_attempt_at = ${due} where event_id = ${eventId} and ${inTexts(db, sql`uuid`, uuids)}`);
  }
}

/** The coalescing window in ms, from system settings. */
export async function findCoalesceWindowMs(db: Database): Promise<number> {
  const row = await db.get<{ seconds: number }>(sql`select coalesce_window_seconds as seconds from system_settings where id = 1`);
  return (row?.seconds ?? DEFAULT_COALESCE_WINDOW_SECONDS) * 1000;
}
