/**
 * Role-based access: who may view a product or product type, and who may write there.
 * Superusers and users with a global role see everything; otherwise membership of the product,
 * or of its product type, grants view (any role). A product type is also visible to members of
 * any of its products, so they can find the products they work on.
 * Writing (raising an event about it) needs Writer, Maintainer or Owner: as a global role, on the product, or on
 * its product type; a product type is written only through a role on the type itself (or a global one).
 * The SQL fragments here are the single definitions of "may view" and "may write", used per user and in
 * set-based queries; the per-user checks are those fragments evaluated for one user.
 */
import { ROLES, type TRole } from '@tocsin/contract/catalogue';
import { type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';

/** The roles that may write: Writer and above. */
export const WRITE_ROLES: readonly TRole[] = ROLES.slice(ROLES.indexOf('Writer'));

const writeRolesSql = sql.join(
  WRITE_ROLES.map((role) => sql`${role}`),
  sql`, `,
);

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

/** Superusers and global Writers (or above) write everywhere. */
export const canWriteEverything = (user: Pick<UserRow, 'isSuperuser' | 'globalRole'>) =>
  user.isSuperuser || (user.globalRole !== null && WRITE_ROLES.includes(user.globalRole as TRole));

/** SQL condition: the user may write on product `productIdSql` through a membership (excluding the global cases). */
export const writesProductSql = (userIdSql: SQL, productIdSql: SQL) => sql`(
  exists (select 1 from product_members rbac_pm where rbac_pm.user_id = ${userIdSql} and rbac_pm.product_id = ${productIdSql}
          and rbac_pm.role in (${writeRolesSql}))
  or exists (select 1 from product_type_members rbac_ptm join products rbac_p on rbac_p.product_type_id = rbac_ptm.product_type_id
             where rbac_ptm.user_id = ${userIdSql} and rbac_p.id = ${productIdSql} and rbac_ptm.role in (${writeRolesSql})))`;

/** SQL condition: the user may write on product type `productTypeIdSql` through a membership of the type. */
export const writesProductTypeSql = (userIdSql: SQL, productTypeIdSql: SQL) => sql`(
  exists (select 1 from product_type_members rbac_ptm where rbac_ptm.user_id = ${userIdSql}
          and rbac_ptm.product_type_id = ${productTypeIdSql} and rbac_ptm.role in (${writeRolesSql})))`;

/** view: the user may see it; write: and raise events about it. Both false for an id that does not exist. */
export type TAccess = { canView: boolean; canWrite: boolean };

async function findAccess(deps: Deps, user: UserRow, table: SQL, id: number, views: SQL, writes: SQL): Promise<TAccess> {
  const row = await deps.db.get<{ canView: number | boolean; canWrite: number | boolean }>(sql`select
      case when ${canViewEverything(user) ? sql`1 = 1` : views} then 1 else 0 end as "canView",
      case when ${canWriteEverything(user) ? sql`1 = 1` : writes} then 1 else 0 end as "canWrite"
    from ${table} where id = ${id}`);
  if (!row) return { canView: false, canWrite: false };
  const canWrite = row.canWrite === 1 || row.canWrite === true;
  // Writing implies viewing (every write role is also a view role).
  return { canView: canWrite || row.canView === 1 || row.canView === true, canWrite };
}

export function findProductAccess(deps: Deps, user: UserRow, productId: number): Promise<TAccess> {
  const id = sql`${productId}`;
  return findAccess(deps, user, sql`products`, productId, viewsProductSql(sql`${user.id}`, id), writesProductSql(sql`${user.id}`, id));
}

export function findProductTypeAccess(deps: Deps, user: UserRow, productTypeId: number): Promise<TAccess> {
  const id = sql`${productTypeId}`;
  return findAccess(
    deps,
    user,
    sql`product_types`,
    productTypeId,
    viewsProductTypeSql(sql`${user.id}`, id),
    writesProductTypeSql(sql`${user.id}`, id),
  );
}

export async function canWriteProduct(deps: Deps, user: UserRow, productId: number): Promise<boolean> {
  return (await findProductAccess(deps, user, productId)).canWrite;
}

export async function canWriteProductType(deps: Deps, user: UserRow, productTypeId: number): Promise<boolean> {
  return (await findProductTypeAccess(deps, user, productTypeId)).canWrite;
}

/** SQL condition on a users row aliased `u`: that user (active or not) may view product `productIdSql`. */
export const userViewsProductSql = (u: SQL, productIdSql: SQL) =>
  sql`(${u}.is_superuser = 1 or ${u}.global_role is not null or ${viewsProductSql(sql`${u}.id`, productIdSql)})`;

export type TProductAccess = 'none' | 'view' | 'write';

/** What the user may do with a product, in one word: nothing (answer 404), view (403 on writes) or write. */
export async function findProductAccessLevel(deps: Deps, user: UserRow, productId: number): Promise<TProductAccess> {
  const access = await findProductAccess(deps, user, productId);
  return access.canWrite ? 'write' : access.canView ? 'view' : 'none';
}
