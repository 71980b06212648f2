/**
 * The one writer of alerts: every alert Tocsin raises (an event's, through dispatch, and a "delivery failed"
 * notice to the superusers) is written here, fitted to the field limits the same way, and announced on the
 * bus ('alerts-changed') once its transaction commits. Routing, who gets which alert, is dispatch's business;
 * this module only writes what it is given.
 */
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import type { Deps } from '../app-context';
import type { TAlertInsert } from '../db/hot-paths';
import { truncateText } from '../lib/text';

/** `value` cut to `max` on a grapheme boundary, silently: what dispatch does to event fields (design.md). */
export const fitField = (value: string, max: number): string => truncateText(value, max, { ellipsis: '' });

/** Longer fields are cut, never refused (design.md's alert fields). Callers that want an ellipsis cut first. */
export function fitAlertFields(alert: TAlertInsert): TAlertInsert {
  return {
    ...alert,
    title: fitField(alert.title, ALERT_LIMITS.title),
    description: fitField(alert.description, ALERT_LIMITS.description),
    url: fitField(alert.url, ALERT_LIMITS.url),
    source: fitField(alert.source, ALERT_LIMITS.source),
    icon: fitField(alert.icon, ALERT_LIMITS.icon),
  };
}

/** One alert for each of `userIds`, all alike; returns how many were written. Run it inside the causing transaction. */
export async function writeAlerts(
  deps: Pick<Deps, 'db' | 'bus'>,
  alert: TAlertInsert,
  userIds: readonly number[],
  /** The coalescing key (coalescing/coalesce.ts) the new alerts carry, so later events of the window fold into them. */
  coalescingKey: string | null = null,
): Promise<number> {
  if (userIds.length === 0) return 0;
  const written = await deps.db.hot.insertAlerts(
    deps.db,
    fitAlertFields({ ...alert, dedupeKey: coalescingKey ?? alert.dedupeKey ?? null }),
    userIds,
  );
  await deps.bus.publish(deps.db, { type: 'alerts-changed', userIds: [...userIds] });
  return written;
}

/** The alerts of several events at once (a batch dispatch): each entry's alert for each of its users. */
export async function writeAlertBatch(
  deps: Pick<Deps, 'db' | 'bus'>,
  batch: readonly { alert: TAlertInsert; userIds: readonly number[] }[],
): Promise<number> {
  const fitted = batch.filter((b) => b.userIds.length > 0).map((b) => ({ alert: fitAlertFields(b.alert), userIds: [...b.userIds] }));
  if (fitted.length === 0) return 0;
  const written = await deps.db.hot.insertAlertBatch(deps.db, fitted);
  await deps.bus.publish(deps.db, { type: 'alerts-changed', userIds: [...new Set(fitted.flatMap((b) => b.userIds))] });
  return written;
}
