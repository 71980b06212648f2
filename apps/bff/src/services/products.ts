/** Products: listed, shown and created within what the caller may view (auth/rbac.ts). */
import type { TCreateProductBody, TProduct, TProductDetail } from '@tocsin/contract/products';
import { type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { canViewProductType, visibleProductCondition } from '../auth/rbac';
import { products } from '../db/schema';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { emitDomainEvent, productAddedEvent } from './domain-events';
import { listEngagements } from './engagements';
import { findProductTypeRole, isRoleAtLeast } from './roles';
import { isUniqueViolation } from './users';

type TProductRow = { id: number; name: string; description: string; productTypeId: number; productTypeName: string; createdAt: number };

const toProductDto = (row: TProductRow): TProduct => ({
  id: row.id,
  name: row.name,
  description: row.description,
  product_type_id: row.productTypeId,
  product_type_name: row.productTypeName,
  created_at: toIso(row.createdAt),
});

function selectProducts(user: UserRow, where: SQL = sql`1 = 1`) {
  return sql`select p.id, p.name, p.description, p.product_type_id as productTypeId, pt.name as productTypeName,
      p.created_at as createdAt
    from products p join product_types pt on pt.id = p.product_type_id
    where ${visibleProductCondition(user)} and ${where}
    order by p.name collate nocase`;
}

/** Visible products, optionally of one product type (which must itself be visible, else 404). */
export function listProducts(deps: Deps, user: UserRow, productTypeId?: number): TProduct[] {
  if (productTypeId !== undefined && !canViewProductType(deps, user, productTypeId)) throw notFound(`Product type ${productTypeId}`);
  const where = productTypeId === undefined ? undefined : sql`p.product_type_id = ${productTypeId}`;
  return deps.db.all<TProductRow>(selectProducts(user, where)).map(toProductDto);
}

/** A visible product; otherwise 404, never 403, so its existence is not revealed. */
export function getProduct(deps: Deps, user: UserRow, id: number): TProduct {
  const row = deps.db.get<TProductRow>(selectProducts(user, sql`p.id = ${id}`));
  if (!row) throw notFound(`Product ${id}`);
  return toProductDto(row);
}

export function getProductDetail(deps: Deps, user: UserRow, id: number): TProductDetail {
  const product = getProduct(deps, user, id);
  return { ...product, engagements: listEngagements(deps, user, id) };
}

/**
 * Superusers, global Maintainers/Owners and Maintainers/Owners of the product type may add products.
 * An unknown product type and one the caller cannot view get the same answer.
 */
export function createProduct(deps: Deps, user: UserRow, body: TCreateProductBody): TProduct {
  const typeId = body.product_type_id;
  if (!canViewProductType(deps, user, typeId)) {
    throw badRequest(`product_type_id: there is no product type with id ${typeId} that you can see.`, [
      { path: 'product_type_id', message: `No visible product type with id ${typeId}` },
    ]);
  }
  if (!isRoleAtLeast(findProductTypeRole(deps, user, typeId), 'Maintainer')) {
    throw forbidden('Adding a product needs the Maintainer or Owner role on its product type (or globally).');
  }
  const name = body.name.trim();
  let id: number;
  try {
    id = deps.db
      .insert(products)
      .values({ name, description: body.description ?? '', productTypeId: typeId, createdAt: deps.now() })
      .returning({ id: products.id })
      .get().id;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A product named "${name}" already exists (names ignore case).`);
    throw err;
  }
  const product = getProduct(deps, user, id);
  emitDomainEvent(deps, productAddedEvent(product, user));
  return product;
}
