/**
 * Who may see and change a finding, a test or an engagement: the RBAC of their product (auth/rbac.ts).
 * What the caller may not see answers 404, whatever exists; what they may see but not change answers 403.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { canViewEverything, canWriteEverything, type TProductAccess, viewsProductSql, writesProductSql } from '../auth/rbac';
import { isTruthy } from '../db/database';
import { forbidden, notFound } from '../lib/errors';

export type TFindingRef = {
  id: number;
  title: string;
  severity: string;
  status: string;
  testId: number;
  engagementId: number;
  engagementName: string;
  productId: number;
  productName: string;
};

export type TAccessible<T> = T & { access: Exclude<TProductAccess, 'none'> };

/**
 * The caller's access to the product of the row, as columns of the same query ("canView", "canWrite"): a page or
 * a note is one round trip fewer than reading the object and then asking RBAC (auth/rbac.ts) about its product.
 */
function accessColumns(user: UserRow, productId: SQL): SQL {
  const views = canViewEverything(user) ? sql`1 = 1` : viewsProductSql(sql`${user.id}`, productId);
  const writes = canWriteEverything(user) ? sql`1 = 1` : writesProductSql(sql`${user.id}`, productId);
  return sql`case when ${views} then 1 else 0 end as "canView", case when ${writes} then 1 else 0 end as "canWrite"`;
}

type TAccessColumns = { canView: number | boolean; canWrite: number | boolean };

function accessOf(row: TAccessColumns | undefined): TProductAccess {
  if (!row) return 'none';
  // Writing implies viewing (every write role is also a view role).
  if (isTruthy(row.canWrite)) return 'write';
  return isTruthy(row.canView) ? 'view' : 'none';
}

/** The finding, if the user may view it; else 404. */
export async function findVisibleFinding(deps: Deps, user: UserRow, id: number): Promise<TAccessible<TFindingRef>> {
  const row = await deps.db.get<TFindingRef & TAccessColumns>(sql`select f.id, f.title, f.severity, f.status, f.test_id as "testId",
      f.engagement_id as "engagementId", e.name as "engagementName", f.product_id as "productId", p.name as "productName",
      ${accessColumns(user, sql`f.product_id`)}
    from findings f join engagements e on e.id = f.engagement_id join products p on p.id = f.product_id
    where f.id = ${id}`);
  const access = accessOf(row);
  if (!row || access === 'none') throw notFound(`Finding ${id}`);
  const { canView: _v, canWrite: _w, ...finding } = row;
  return { ...finding, access };
}

export type TEngagementRef = { id: number; name: string; productId: number; productName: string };

/** The engagement, if the user may view it; else 404. */
export async function findVisibleEngagement(deps: Deps, user: UserRow, id: number): Promise<TAccessible<TEngagementRef>> {
  const row = await deps.db.get<TEngagementRef & TAccessColumns>(sql`select e.id, e.name, e.product_id as "productId",
      p.name as "productName", ${accessColumns(user, sql`e.product_id`)}
    from engagements e join products p on p.id = e.product_id where e.id = ${id}`);
  const access = accessOf(row);
  if (!row || access === 'none') throw notFound(`Engagement ${id}`);
  const { canView: _v, canWrite: _w, ...engagement } = row;
  return { ...engagement, access };
}

/** Refuse (403) a change the user may see but not make: `action` names it, e.g. "Changing the status of a finding". */
export function assertCanWrite(target: { access: TProductAccess; productName: string }, action: string): void {
  if (target.access !== 'write') {
    throw forbidden(`${action} needs the Writer role or higher on the product ${target.productName} (or globally).`);
  }
}
