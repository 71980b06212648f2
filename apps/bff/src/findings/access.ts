/**
 * Who may see and change a finding, a test or an engagement: the RBAC of their product (auth/rbac.ts).
 * What the caller may not see answers 404, whatever exists; what they may see but not change answers 403.
 */
import { sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { findProductAccessLevel, type TProductAccess } from '../auth/rbac';
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

/** The finding, if the user may view it; else 404. */
export async function findVisibleFinding(deps: Deps, user: UserRow, id: number): Promise<TAccessible<TFindingRef>> {
  const row = await deps.db.get<TFindingRef>(sql`select f.id, f.title, f.severity, f.status, f.test_id as "testId",
      f.engagement_id as "engagementId", e.name as "engagementName", f.product_id as "productId", p.name as "productName"
    from findings f join engagements e on e.id = f.engagement_id join products p on p.id = f.product_id
    where f.id = ${id}`);
  const access = row ? await findProductAccessLevel(deps, user, row.productId) : 'none';
  if (!row || access === 'none') throw notFound(`Finding ${id}`);
  return { ...row, access };
}

export type TEngagementRef = { id: number; name: string; productId: number; productName: string };

/** The engagement, if the user may view it; else 404. */
export async function findVisibleEngagement(deps: Deps, user: UserRow, id: number): Promise<TAccessible<TEngagementRef>> {
  const row = await deps.db.get<TEngagementRef>(sql`select e.id, e.name, e.product_id as "productId", p.name as "productName"
    from engagements e join products p on p.id = e.product_id where e.id = ${id}`);
  const access = row ? await findProductAccessLevel(deps, user, row.productId) : 'none';
  if (!row || access === 'none') throw notFound(`Engagement ${id}`);
  return { ...row, access };
}

/** Refuse (403) a change the user may see but not make: `action` names it, e.g. "Changing the status of a finding". */
export function assertCanWrite(target: { access: TProductAccess; productName: string }, action: string): void {
  if (target.access !== 'write') {
    throw forbidden(`${action} needs the Writer role or higher on the product ${target.productName} (or globally).`);
  }
}
