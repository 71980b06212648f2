/**
 * Role-based access: who may view a product or product type.
 * Superusers and users with a global role see everything; otherwise membership of the product,
 * or of its product type, grants view (any role). A product type is also visible to members of
 * any of its products, so they can find the products they work on.
 * The SQL fragments here are the single definition of "may view", used per user and in set-based fan-out.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';

export const canViewEverything = (user: Pick<UserRow, 'isSuperuser' | 'globalRole'>) => user.isSuperuser || user.globalRole !== null;

/**
 * SQL condition: the user `userIdSql` may view product `productIdSql` (excluding the global cases).
 * Inner aliases are prefixed rbac_ so they never shadow the caller's (`p.id` of an outer `products p`).
 */
export const viewsProductSql = (userIdSql: SQL, productIdSql: SQL) => sql`(
  exists (select 1 from product_members rbac_pm where rbac_pm.user_id = ${userIdSql} and rbac_pm.product_id = ${productIdSql})
  or exists (select 1 from product_type_members rbac_ptm join products rbac_p on rbac_p.product_type_id = rbac_ptm.product_type_id
             where rbac_ptm.user_id = ${userIdSql} and rbac_p.id = ${productIdSql}))`;

/** SQL condition: the user may view product type `productTypeIdSql` (excluding the global cases). */
export const viewsProductTypeSql = (userIdSql: SQL, productTypeIdSql: SQL) => sql`(
  exists (select 1 from product_type_members rbac_ptm where rbac_ptm.user_id = ${userIdSql} and rbac_ptm.product_type_id = ${productTypeIdSql})
  or exists (select 1 from product_members rbac_pm join products rbac_p on rbac_p.id = rbac_pm.product_id
             where rbac_pm.user_id = ${userIdSql} and rbac_p.product_type_id = ${productTypeIdSql}))`;

export async function canViewProduct(deps: Deps, user: UserRow, productId: number): Promise<boolean> {
  if (canViewEverything(user)) {
    return (await deps.db.get(sql`select 1 as ok from products where id = ${productId}`)) !== undefined;
  }
  const row = await deps.db.get(
    sql`select 1 as ok from products where id = ${productId} and ${viewsProductSql(sql`${user.id}`, sql`${productId}`)}`,
  );
  return row !== undefined;
}

export async function canViewProductType(deps: Deps, user: UserRow, productTypeId: number): Promise<boolean> {
  if (canViewEverything(user)) {
    return (await deps.db.get(sql`select 1 as ok from product_types where id = ${productTypeId}`)) !== undefined;
  }
  const row = await deps.db.get(
    sql`select 1 as ok from product_types where id = ${productTypeId} and ${viewsProductTypeSql(sql`${user.id}`, sql`${productTypeId}`)}`,
  );
  return row !== undefined;
}

/** SQL condition on a `products` row aliased `p`: visible to the user. Use in list queries. */
export function visibleProductCondition(user: UserRow): SQL {
  return canViewEverything(user) ? sql`1 = 1` : viewsProductSql(sql`${user.id}`, sql`p.id`);
}

/** SQL condition on a `product_types` row aliased `pt`: visible to the user. */
export function visibleProductTypeCondition(user: UserRow): SQL {
  return canViewEverything(user) ? sql`1 = 1` : viewsProductTypeSql(sql`${user.id}`, sql`pt.id`);
}

// ---------------------------------------------------------------------------
// May write: Writer, Maintainer or Owner on the product (directly or through its product type), a global
// Writer or above, or a superuser. What a role may see but not change is refused (403); what it may not see is 404.

export const WRITE_ROLES = ['Writer', 'Maintainer', 'Owner'] as const;
const WRITE_ROLES_SQL = sql`('Writer', 'Maintainer', 'Owner')`;

export const canWriteEverything = (user: Pick<UserRow, 'isSuperuser' | 'globalRole'>) =>
  user.isSuperuser || (WRITE_ROLES as readonly string[]).includes(user.globalRole ?? '');

/** SQL condition: the user `userIdSql` holds a writing role on product `productIdSql` (excluding the global cases). */
export const writesProductSql = (userIdSql: SQL, productIdSql: SQL) => sql`(
  exists (select 1 from product_members rbac_pm where rbac_pm.user_id = ${userIdSql} and rbac_pm.product_id = ${productIdSql}
          and rbac_pm.role in ${WRITE_ROLES_SQL})
  or exists (select 1 from product_type_members rbac_ptm join products rbac_p on rbac_p.product_type_id = rbac_ptm.product_type_id
             where rbac_ptm.user_id = ${userIdSql} and rbac_p.id = ${productIdSql} and rbac_ptm.role in ${WRITE_ROLES_SQL}))`;

/** SQL condition on a users row aliased `u`: that user (active or not) may view product `productIdSql`. */
export const userViewsProductSql = (u: SQL, productIdSql: SQL) =>
  sql`(${u}.is_superuser = 1 or ${u}.global_role is not null or ${viewsProductSql(sql`${u}.id`, productIdSql)})`;

export async function canWriteProduct(deps: Deps, user: UserRow, productId: number): Promise<boolean> {
  if (canWriteEverything(user)) {
    return (await deps.db.get(sql`select 1 as ok from products where id = ${productId}`)) !== undefined;
  }
  const row = await deps.db.get(
    sql`select 1 as ok from products where id = ${productId} and ${writesProductSql(sql`${user.id}`, sql`${productId}`)}`,
  );
  return row !== undefined;
}

export type TProductAccess = 'none' | 'view' | 'write';

/** What the user may do with a product: nothing (answer 404), view (403 on writes) or write. */
export async function findProductAccess(deps: Deps, user: UserRow, productId: number): Promise<TProductAccess> {
  if (await canWriteProduct(deps, user, productId)) return 'write';
  return (await canViewProduct(deps, user, productId)) ? 'view' : 'none';
}
