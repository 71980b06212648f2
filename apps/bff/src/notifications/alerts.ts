/**
 * A user's in-app alert list. Every function takes the owner's id and touches only that user's rows:
 * there is no way to read or remove somebody else's alerts through this module.
 * Ids grow with time, so "newest first" is `order by id desc` on the (user_id, id) index.
 */
import type { TAlert, TAlertPage, TAlertStreamMessage, TAlertSummary, TRemovedAlerts } from '@tocsin/contract/alerts';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { alertCounts, alerts } from '../db/schema';
import { toIso } from '../lib/time';
import { publishAlertsChanged } from './alert-bus';

type AlertRow = Pick<typeof alerts.$inferSelect, 'id' | 'title' | 'description' | 'url' | 'source' | 'icon' | 'createdAt'>;

const alertColumns = {
  id: alerts.id,
  title: alerts.title,
  description: alerts.description,
  url: alerts.url,
  source: alerts.source,
  icon: alerts.icon,
  createdAt: alerts.createdAt,
};

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
export function countAlerts(deps: Deps, userId: number): number {
  return deps.db.select({ n: alertCounts.n }).from(alertCounts).where(eq(alertCounts.userId, userId)).get()?.n ?? 0;
}

export function listAlerts(deps: Deps, userId: number, page: number, pageSize: number): TAlertPage {
  const rows = deps.db
    .select(alertColumns)
    .from(alerts)
    .where(eq(alerts.userId, userId))
    .orderBy(desc(alerts.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  return { items: rows.map(toAlertDto), total: countAlerts(deps, userId), page, page_size: pageSize };
}

/**
 * Keyset page: the `limit` newest alerts older than `beforeId` (or the newest when null).
 * Constant cost however deep the caller scrolls, unlike offset pages.
 */
export function listAlertsBefore(deps: Deps, userId: number, beforeId: number | null, limit: number): TAlert[] {
  const where = beforeId === null ? eq(alerts.userId, userId) : and(eq(alerts.userId, userId), lt(alerts.id, beforeId));
  return deps.db.select(alertColumns).from(alerts).where(where).orderBy(desc(alerts.id)).limit(limit).all().map(toAlertDto);
}

export function summarizeAlerts(deps: Deps, userId: number, limit: number): TAlertSummary {
  return { count: countAlerts(deps, userId), items: listAlertsBefore(deps, userId, null, limit) };
}

export function findAlertStreamMessage(deps: Deps, userId: number): TAlertStreamMessage {
  const latest = deps.db.select({ id: alerts.id }).from(alerts).where(eq(alerts.userId, userId)).orderBy(desc(alerts.id)).limit(1).get();
  return { count: countAlerts(deps, userId), latest_id: latest?.id ?? null };
}

/** Remove some of the user's alerts; ids of other users' alerts (or unknown ids) are ignored. */
export function removeAlerts(deps: Deps, userId: number, ids: readonly number[]): TRemovedAlerts {
  const removed = deps.db
    .delete(alerts)
    .where(and(eq(alerts.userId, userId), sql`${alerts.id} in (select j.value from json_each(${JSON.stringify(ids)}) j)`))
    .run().changes;
  if (removed > 0) publishAlertsChanged(deps.bus, [userId]);
  return { removed, count: countAlerts(deps, userId) };
}

/** Clear All Alerts: empties the caller's list. */
export function clearAlerts(deps: Deps, userId: number): TRemovedAlerts {
  const removed = deps.db.delete(alerts).where(eq(alerts.userId, userId)).run().changes;
  if (removed > 0) publishAlertsChanged(deps.bus, [userId]);
  return { removed, count: 0 };
}
