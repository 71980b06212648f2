/**
 * A user's in-app alert list. Every function takes the owner's id and touches only that user's rows:
 * there is no way to read or remove somebody else's alerts through this module.
 * Ids grow with time, so "newest first" is `order by id desc` on the (user_id, id) index.
 */
import type { TAlert, TAlertPage, TAlertStreamMessage, TAlertSummary, TRemovedAlerts } from '@tocsin/contract/alerts';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { Database } from '../db/database';
import { toIso } from '../lib/time';
import { deleteAlertsInBatches } from './retention';

type AlertRow = { id: number; title: string; description: string; url: string; source: string; icon: string; createdAt: number };

const ALERT_COLUMNS = sql`id, title, description, url, source, icon, created_at as "createdAt"`;

export function toAlertDto(row: AlertRow): TAlert {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    url: row.url,
    source: row.source,
    icon: row.icon,
    created: toIso(row.createdAt),
  };
}

/** The bell count: kept per user by triggers on alerts (table alert_counts), so it costs one key lookup. */
export async function countAlerts(db: Database, userId: number): Promise<number> {
  return (await db.get<{ n: number }>(sql`select n from alert_counts where user_id = ${userId}`))?.n ?? 0;
}

export async function listAlerts(deps: Deps, userId: number, page: number, pageSize: number): Promise<TAlertPage> {
  // The page's ids come from the (user_id, id) index alone; only those 25 rows are read from the table.
  // (An OFFSET over whole rows makes PostgreSQL read every skipped row.)
  const rows = await deps.db.all<AlertRow>(sql`select ${ALERT_COLUMNS} from alerts where id in (
      select id from alerts where user_id = ${userId} order by id desc limit ${pageSize} offset ${(page - 1) * pageSize})
    order by id desc`);
  return { items: rows.map(toAlertDto), total: await countAlerts(deps.db, userId), page, page_size: pageSize };
}

/**
 * Keyset page: the `limit` newest alerts older than `beforeId` (or the newest when null).
 * Constant cost however deep the caller scrolls, unlike offset pages.
 */
export async function listAlertsBefore(deps: Deps, userId: number, beforeId: number | null, limit: number): Promise<TAlert[]> {
  const older = beforeId === null ? sql`` : sql`and id < ${beforeId}`;
  const rows = await deps.db.all<AlertRow>(sql`select ${ALERT_COLUMNS} from alerts where user_id = ${userId} ${older}
    order by id desc limit ${limit}`);
  return rows.map(toAlertDto);
}

export async function summarizeAlerts(deps: Deps, userId: number, limit: number): Promise<TAlertSummary> {
  return { count: await countAlerts(deps.db, userId), items: await listAlertsBefore(deps, userId, null, limit) };
}

export async function findAlertStreamMessage(deps: Deps, userId: number): Promise<TAlertStreamMessage> {
  return (await findAlertStreamMessages(deps.db, [userId])).get(userId) ?? { count: 0, latest_id: null };
}

/**
 * The stream message of many users in one query (each a key lookup and an index seek): what a live fan-out
 * to thousands of open streams costs instead of two queries per stream.
 */
export async function findAlertStreamMessages(db: Database, userIds: readonly number[]): Promise<Map<number, TAlertStreamMessage>> {
  const messages = new Map<number, TAlertStreamMessage>();
  if (userIds.length === 0) return messages;
  const rows = await db.all<{ userId: number; n: number | null; latest: number | null }>(sql`
    select u.id as "userId", c.n as n,
      (select a.id from alerts a where a.user_id = u.id order by a.id desc limit 1) as latest
    from users u left join alert_counts c on c.user_id = u.id
    where ${db.fragments.inIds(sql`u.id`, userIds)}`);
  for (const r of rows) messages.set(r.userId, { count: r.n ?? 0, latest_id: r.latest ?? null });
  return messages;
}

/** Remove some of the user's alerts; ids of other users' alerts (or unknown ids) are ignored. */
export async function removeAlerts(deps: Deps, userId: number, ids: readonly number[]): Promise<TRemovedAlerts> {
  return deps.db.transaction(async (db) => {
    const removed = await db.run(sql`delete from alerts where user_id = ${userId} and ${db.fragments.inIds(sql`id`, ids)}`);
    if (removed > 0) await deps.bus.publish(db, { type: 'alerts-changed', userIds: [userId] });
    return { removed, count: await countAlerts(db, userId) };
  });
}

/**
 * Clear All Alerts: empties the caller's list — everything up to the newest alert at the moment of the request,
 * in bounded batches (retention.ts), so clearing 100,000 alerts never blocks the process.
 */
export async function clearAlerts(deps: Deps, userId: number): Promise<TRemovedAlerts> {
  const newest = await deps.db.get<{ id: number }>(sql`select id from alerts where user_id = ${userId} order by id desc limit 1`);
  const removed = newest ? await deleteAlertsInBatches(deps, userId, newest.id) : 0;
  return { removed, count: await countAlerts(deps.db, userId) };
}
