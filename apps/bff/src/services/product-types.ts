/** Product types: the top of the product hierarchy. Lists show only what the caller may view. */
import type { TCreateProductTypeBody, TProductType } from '@tocsin/contract/products';
import { sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { visibleProductCondition, visibleProductTypeCondition } from '../auth/rbac';
import { productTypes } from '../db/schema';
import { conflict, forbidden, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { emitDomainEvent, productTypeAddedEvent } from './domain-events';
import { canAddProductType } from './roles';
import { isUniqueViolation } from './users';

type TProductTypeRow = { id: number; name: string; description: string; productCount: number; createdAt: number };

const toProductTypeDto = (row: TProductTypeRow): TProductType => ({
  id: row.id,
  name: row.name,
  description: row.description,
  product_count: row.productCount,
  created_at: toIso(row.createdAt),
});

/** product_count counts only the products the caller may view, so the number leaks nothing. */
function selectProductTypes(user: UserRow, where = sql`1 = 1`) {
  return sql`select pt.id, pt.name, pt.description, pt.created_at as createdAt,
      (select count(*) from products p where p.product_type_id = pt.id and ${visibleProductCondition(user)}) as productCount
    from product_types pt
    where ${visibleProductTypeCondition(user)} and ${where}
    order by pt.name collate nocase`;
}

export function listProductTypes(deps: Deps, user: UserRow): TProductType[] {
  return deps.db.all<TProductTypeRow>(selectProductTypes(user)).map(toProductTypeDto);
}

/** A product type the user may view; otherwise "not found", never "forbidden", so existence is not revealed. */
export function getProductType(deps: Deps, user: UserRow, id: number): TProductType {
  const row = deps.db.get<TProductTypeRow>(selectProductTypes(user, sql`pt.id = ${id}`));
  if (!row) throw notFound(`Product type ${id}`);
  return toProductTypeDto(row);
}

export function createProductType(deps: Deps, user: UserRow, body: TCreateProductTypeBody): TProductType {
  if (!canAddProductType(user)) {
    throw forbidden('Only superusers and users with the global Maintainer or Owner role can add product types.');
  }
  const name = body.name.trim();
  let id: number;
  try {
    id = deps.db
      .insert(productTypes)
      .values({ name, description: body.description ?? '', createdAt: deps.now() })
      .returning({ id: productTypes.id })
      .get().id;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A product type named "${name}" already exists (names ignore case).`);
    throw err;
  }
  emitDomainEvent(deps, productTypeAddedEvent({ id, name }, user));
  return getProductType(deps, user, id);
}
