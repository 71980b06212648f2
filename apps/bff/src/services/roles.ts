/**
 * Who may change what. Viewing is auth/rbac.ts; this adds the role ladder for writes:
 * Reader < Writer < Maintainer < Owner. A user's role on a product is the highest of their global
 * role, their membership of the product and their membership of its product type; superusers act as Owner.
 */
import { ROLES, type TRole } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';

const rank = (role: string | null | undefined): number => (role ? ROLES.indexOf(role as TRole) : -1);

export const isRoleAtLeast = (role: string | null | undefined, minimum: TRole) => rank(role) >= rank(minimum);

function highest(...roles: (string | null | undefined)[]): TRole | null {
  let best: TRole | null = null;
  for (const role of roles) if (rank(role) > rank(best)) best = role as TRole;
  return best;
}

export async function findProductTypeRole(deps: Deps, user: UserRow, productTypeId: number): Promise<TRole | null> {
  if (user.isSuperuser) return 'Owner';
  const row = await deps.db.get<{ role: string }>(
    sql`select role from product_type_members where user_id = ${user.id} and product_type_id = ${productTypeId}`,
  );
  return highest(user.globalRole, row?.role);
}

export async function findProductRole(deps: Deps, user: UserRow, productId: number): Promise<TRole | null> {
  if (user.isSuperuser) return 'Owner';
  const rows = await deps.db.all<{ role: string }>(sql`
    select role from product_members where user_id = ${user.id} and product_id = ${productId}
    union all
    select ptm.role from product_type_members ptm join products p on p.product_type_id = ptm.product_type_id
    where ptm.user_id = ${user.id} and p.id = ${productId}`);
  return highest(user.globalRole, ...rows.map((r) => r.role));
}

/** Superusers and users with a global Maintainer or Owner role may add product types. */
export const canAddProductType = (user: UserRow) => user.isSuperuser || isRoleAtLeast(user.globalRole, 'Maintainer');
