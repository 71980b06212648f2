/**
 * Delivery preferences applied at dispatch, after routing decided who gets what (issue 10 §4): a channel on a digest
 * turns the delivery into a digest item (sent later by the digest job, one message per period), a named destination
 * by its own choice (destinations.digest_*), everything else by the user's or the system destinations'; a personal delivery
 * raised during its user's quiet hours waits until they end (unless the user lets Critical findings through).
 * Two queries for the whole fan-out (the digest settings and the users with quiet hours among its targets), a pure
 * decision per row, one insert for the digest items.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { isTruthy } from '../db/database';
import type { TDeliveryInsert } from '../db/hot-paths';
import type { TEventPayload } from '../notifications/event-payload';
import { digestDueAt, quietHoursEndAt, type TDigestMode } from './schedule';

export type TPreferenceEvent = { eventId: number; isCritical: boolean; rows: readonly TDeliveryInsert[] };
export type TPreferenceResult = {
  /** Per event, the rows to insert as deliveries (the others became digest items). */
  keep: Map<number, TDeliveryInsert[]>;
  /** uuid → when the row is due (the end of quiet hours). */
  delayed: Map<string, number>;
  digestItems: number;
};

type TDigestSetting = { userKey: number; channel: string; mode: Exclude<TDigestMode, 'immediate'>; dailyAt: string };
type TDestinationDigest = { id: number; mode: Exclude<TDigestMode, 'immediate'>; dailyAt: string; timeZone: string };
type TQuietUser = { id: number; timeZone: string; start: string | null; end: string | null; criticalPasses: unknown };

/** Whether an event is about a Critical finding: its finding, or a new or reactivated one in its lists. */
export function isAboutCriticalFinding(payload: TEventPayload | null | undefined): boolean {
  if (!payload) return false;
  const critical = (f: { severity?: string } | undefined) => f?.severity === 'Critical';
  if (critical(payload.finding)) return true;
  const lists = payload.findings;
  if (lists && [...lists.new, ...lists.reactivated].some(critical)) return true;
  const sla = payload.sla;
  return sla !== undefined && 'items' in sla && sla.items.some(critical);
}

const userKeyOf = (row: TDeliveryInsert) => row[3] ?? 0;

export async function applyDeliveryPreferences(
  db: Database,
  now: number,
  systemTimeZone: string,
  events: readonly TPreferenceEvent[],
): Promise<TPreferenceResult> {
  const result: TPreferenceResult = { keep: new Map(), delayed: new Map(), digestItems: 0 };
  const all = events.flatMap((e) => e.rows);
  if (all.length === 0) {
    for (const e of events) result.keep.set(e.eventId, [...e.rows]);
    return result;
  }
  const userKeys = [...new Set(all.map(userKeyOf))];
  const digests = await db.all<TDigestSetting>(sql`select user_key as "userKey", channel, mode, daily_at as "dailyAt"
    from digest_settings where mode != 'immediate' and ${db.fragments.inIds(sql`user_key`, userKeys)}`);
  const userIds = userKeys.filter((k) => k !== 0);
  const digestUsers = new Set(digests.map((d) => d.userKey));
  const users =
    userIds.length === 0
      ? []
      : await db.all<TQuietUser>(sql`select id, time_zone as "timeZone", quiet_hours_start as start, quiet_hours_end as "end",
          quiet_hours_critical_passes as "criticalPasses"
        from users where ${db.fragments.inIds(sql`id`, userIds)}
          and (quiet_hours_start is not null or ${db.fragments.inIds(sql`id`, [...digestUsers, -1])})`);
  const digestOf = new Map(digests.map((d) => [`${d.userKey}|${d.channel}`, d]));
  const userOf = new Map(users.map((u) => [u.id, u]));
  // A named destination has its own choice (destinations.digest_*), never the system destinations' one.
  const destinationIds = [...new Set(all.flatMap((row) => (row[2] === 'destination' && row[5] != null ? [row[5]] : [])))];
  const destinationDigests =
    destinationIds.length === 0
      ? []
      : await db.all<TDestinationDigest>(sql`select id, digest_mode as mode, digest_daily_at as "dailyAt", digest_time_zone as "timeZone"
          from destinations where digest_mode != 'immediate' and ${db.fragments.inIds(sql`id`, destinationIds)}`);
  const destinationDigestOf = new Map(destinationDigests.map((d) => [Number(d.id), d]));

  const items: SQL[] = [];
  for (const event of events) {
    const keep: TDeliveryInsert[] = [];
    for (const row of event.rows) {
      const [uuid, channel, targetKind, userId, webhookId] = row;
      const destinationId = row[5] ?? null;
      const user = userId === null ? undefined : userOf.get(userId);
      let due: number | null = null;
      if (targetKind === 'destination') {
        const digest = destinationId === null ? undefined : destinationDigestOf.get(destinationId);
        if (digest) due = digestDueAt(digest.mode, digest.dailyAt, digest.timeZone, now);
      } else {
        const digest = digestOf.get(`${userKeyOf(row)}|${channel}`);
        if (digest) due = digestDueAt(digest.mode, digest.dailyAt, userId === null ? systemTimeZone : (user?.timeZone ?? 'UTC'), now);
      }
      if (due !== null) {
        items.push(sql`(${event.eventId}, ${channel}, ${targetKind}, ${userId}, ${webhookId}, ${destinationId}, ${due}, ${now})`);
        continue;
      }
      keep.push(row);
      if (user?.start && user.end && !(event.isCritical && isTruthy(user.criticalPasses))) {
        const until = quietHoursEndAt(now, user.start, user.end, user.timeZone);
        if (until !== null) result.delayed.set(uuid, until);
      }
    }
    result.keep.set(event.eventId, keep);
  }
  for (let i = 0; i < items.length; i += 500) {
    await db.run(sql`insert into digest_items (event_id, channel, target_kind, user_id, webhook_id, destination_id, due_at, created_at)
      values ${sql.join(items.slice(i, i + 500), sql`, `)}`);
  }
  result.digestItems = items.length;
  return result;
}

/** Move rows just inserted to later due times (uuid → due), one statement per distinct time. */
export async function deferDeliveries(db: Database, delayed: ReadonlyMap<string, number>): Promise<void> {
  const byDue = new Map<number, string[]>();
  for (const [uuid, due] of delayed) byDue.set(due, [...(byDue.get(due) ?? []), uuid]);
  for (const [due, uuids] of byDue) {
    const inUuids =
      db.dialect === 'postgres'
        ? sql`uuid = any(${sql.param(uuids)}::text[])`
        : sql`uuid in (select value from json_each(${JSON.stringify(uuids)}))`;
    await db.run(sql`update deliveries set next_attempt_at = ${due} where ${inUuids}`);
  }
}
