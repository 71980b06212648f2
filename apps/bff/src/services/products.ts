/** Products: listed, shown and created within what the caller may view (auth/rbac.ts). */
import type { TCreateProductBody, TProduct, TProductDetail } from '@tocsin/contract/products';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { canViewProductType, visibleProductCondition } from '../auth/rbac';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import { insertRow } from '../db/rows';
import { products } from '../db/schema';
import { listEngagements } from '../engagements/service';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { dispatchEvent } from '../notifications/dispatch';
import { productAddedEvent } from './domain-events';
import { findProductRole, findProductTypeRole, isRoleAtLeast } from './roles';

type TProductRow = { id: number; name: string; description: string; productTypeId: number; productTypeName: string; createdAt: number };

const toProductDto = (row: TProductRow): TProduct => ({
  id: row.id,
  name: row.name,
  description: row.description,
  product_type_id: row.productTypeId,
  product_type_name: row.productTypeName,
  created_at: toIso(row.createdAt),
});

function selectProducts(db: Database, user: UserRow, where: SQL = sql`1 = 1`) {
  return sql`select p.id, p.name, p.description, p.product_type_id as "productTypeId", pt.name as "productTypeName",
      p.created_at as "createdAt"
    from products p join product_types pt on pt.id = p.product_type_id
    where ${visibleProductCondition(user)} and ${where}
    order by ${db.fragments.ciOrder(sql`p.name`)}`;
}

/** Visible products, optionally of one product type (which must itself be visible, else 404). */
export async function listProducts(deps: Deps, user: UserRow, productTypeId?: number): Promise<TProduct[]> {
  if (productTypeId !== undefined && !(await canViewProductType(deps, user, productTypeId))) {
    throw notFound(`Product type ${productTypeId}`);
  }
  const where = productTypeId === undefined ? undefined : sql`p.product_type_id = ${productTypeId}`;
  return (await deps.db.all<TProductRow>(selectProducts(deps.db, user, where))).map(toProductDto);
}

/** A visible product; otherwise 404, never 403, so its existence is not revealed. */
export async function getProduct(deps: Deps, user: UserRow, id: number): Promise<TProduct> {
  const row = await deps.db.get<TProductRow>(selectProducts(deps.db, user, sql`p.id = ${id}`));
  if (!row) throw notFound(`Product ${id}`);
  return toProductDto(row);
}

export async function getProductDetail(deps: Deps, user: UserRow, id: number): Promise<TProductDetail> {
  const product = await getProduct(deps, user, id);
  return { ...product, engagements: await listEngagements(deps, user, id), role: await findProductRole(deps, user, id) };
}

/**
 * Superusers, global Maintainers/Owners and Maintainers/Owners of the product type may add products.
 * An unknown product type and one the caller cannot view get the same answer.
 * The product and its product_added event are committed together, or neither is.
 */
export async function createProduct(deps: Deps, user: UserRow, body: TCreateProductBody): Promise<TProduct> {
  const typeId = body.product_type_id;
  if (!(await canViewProductType(deps, user, typeId))) {
    throw badRequest(`product_type_id: there is no product type with id ${typeId} that you can see.`, [
      { path: 'product_type_id', message: `No visible product type with id ${typeId}` },
    ]);
  }
  if (!isRoleAtLeast(await findProductTypeRole(deps, user, typeId), 'Maintainer')) {
    throw forbidden('Adding a product needs the Maintainer or Owner role on its product type (or globally).');
  }
  const name = body.name.trim();
  return deps.db.transaction(async (tx) => {
    const txDeps = withDb(deps, tx);
    let id: number;
    try {
      id = (await insertRow(tx, products, { name, description: body.description ?? '', productTypeId: typeId, createdAt: deps.now() })).id;
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`A product named "${name}" already exists (names ignore case).`);
      throw err;
    }
    const product = await getProduct(txDeps, user, id);
    await dispatchEvent(txDeps, productAddedEvent(product, user));
    return product;
  });
}
