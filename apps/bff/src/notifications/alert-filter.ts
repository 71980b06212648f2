/**
 * The Alerts page filters, from the validated query to what the list query needs: a pure function with a test
 * per rule (alert-filter.test.ts), and the SQL condition built from its result. Every condition is on columns of
 * `alerts` itself (event and product_id are copied from the event at fan-out), so the query walks one of the
 * user's indexes newest first and never joins to filter:
 *   event      → alerts_user_event   (user_id, event, id)
 *   product_id → alerts_user_product (user_id, product_id, id)
 *   since/until → alerts_user_created (user_id, created_at), then sorted by id (a day's alerts, or all of them)
 *   otherwise  → alerts_user_id      (user_id, id), checking the text on the rows it visits, newest first,
 *                stopping once enough matches are found (alerts.ts: listAlerts).
 */
import type { TAlertListQuery } from '@tocsin/contract/alerts';
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database';

export type TAlertFilter = {
  event: string | null;
  productId: number | null;
  /** Unix ms, inclusive. */
  since: number | null;
  /** Unix ms, exclusive. */
  until: number | null;
  /** A case-insensitive LIKE pattern (`%text%`, with %, _ and \ escaped), or null. */
  textPattern: string | null;
  /** Keyset: only alerts older than this id. */
  beforeId: number | null;
};

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The filter a query asks for. Blank text is no filter; the text is matched as typed, wildcards included literally. */
export function toAlertFilter(query: Pick<TAlertListQuery, 'event' | 'product_id' | 'since' | 'until' | 'q' | 'before_id'>): TAlertFilter {
  const text = query.q?.trim() ?? '';
  return {
    event: query.event ?? null,
    productId: query.product_id ?? null,
    since: query.since === undefined ? null : Date.parse(query.since),
    until: query.until === undefined ? null : Date.parse(query.until),
    textPattern: text === '' ? null : `%${escapeLike(text)}%`,
    beforeId: query.before_id ?? null,
  };
}

/** True when the filter narrows the list (so the count is no longer the bell count). Paging by before_id does not. */
export function isFiltered(filter: TAlertFilter): boolean {
  return (
    filter.event !== null || filter.productId !== null || filter.since !== null || filter.until !== null || filter.textPattern !== null
  );
}

/** The condition on `alerts` (unaliased) for one user's alerts that match the filter. */
export function alertFilterSql(db: Database, userId: number, filter: TAlertFilter, { withKeyset = true } = {}): SQL {
  const conditions: SQL[] = [sql`user_id = ${userId}`];
  if (filter.event !== null) conditions.push(sql`event = ${filter.event}`);
  if (filter.productId !== null) conditions.push(sql`product_id = ${filter.productId}`);
  if (filter.since !== null) conditions.push(sql`created_at >= ${filter.since}`);
  if (filter.until !== null) conditions.push(sql`created_at < ${filter.until}`);
  if (filter.textPattern !== null) {
    const { ciLike } = db.fragments;
    conditions.push(sql`(${ciLike(sql`title`, filter.textPattern)} or ${ciLike(sql`description`, filter.textPattern)})`);
  }
  if (withKeyset && filter.beforeId !== null) conditions.push(sql`id < ${filter.beforeId}`);
  return sql.join(conditions, sql` and `);
}
