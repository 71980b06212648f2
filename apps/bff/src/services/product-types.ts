/** Product types: the top of the product hierarchy. Lists show only what the caller may view. */
import type { TCreateProductTypeBody, TProductType } from '@tocsin/contract/products';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { visibleProductCondition, visibleProductTypeCondition } from '../auth/rbac';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import { insertRow } from '../db/rows';
import { productTypes } from '../db/schema';
import { conflict, forbidden, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { dispatchEvent } from '../notifications/dispatch';
import { productTypeAddedEvent } from './domain-events';
import { canAddProductType } from './roles';

type TProductTypeRow = { id: number; name: string; description: string; productCount: number; createdAt: number };

const toProductTypeDto = (row: TProductTypeRow): TProductType => ({
  id: row.id,
  name: row.name,
  description: row.description,
  product_count: row.productCount,
  created_at: toIso(row.createdAt),
});

/** product_count counts only the products the caller may view, so the number leaks nothing. */
function selectProductTypes(db: Database, user: UserRow, where: SQL = sql`1 = 1`) {
  return sql`select pt.id, pt.name, pt.description, pt.created_at as "createdAt",
      (select count(*) from products p where p.product_type_id = pt.id and ${visibleProductCondition(user)}) as "productCount"
    from product_types pt
    where ${visibleProductTypeCondition(user)} and ${where}
    order by ${db.fragments.ciOrder(sql`pt.name`)}`;
}

export async function listProductTypes(deps: Deps, user: UserRow): Promise<TProductType[]> {
  return (await deps.db.all<TProductTypeRow>(selectProductTypes(deps.db, user))).map(toProductTypeDto);
}

/** A product type the user may view; otherwise "not found", never "forbidden", so existence is not revealed. */
export async function getProductType(deps: Deps, user: UserRow, id: number): Promise<TProductType> {
  const row = await deps.db.get<TProductTypeRow>(selectProductTypes(deps.db, user, sql`pt.id = ${id}`));
  if (!row) throw notFound(`Product type ${id}`);
  return toProductTypeDto(row);
}

/** Adds the product type and raises product_type_added in one transaction: both are committed, or neither. */
export async function createProductType(deps: Deps, user: UserRow, body: TCreateProductTypeBody): Promise<TProductType> {
  if (!canAddProductType(user)) {
    throw forbidden('Only superusers and users with the global Maintainer or Owner role can add product types.');
  }
  const name = body.name.trim();
  return deps.db.transaction(async (tx) => {
    const txDeps = withDb(deps, tx);
    let id: number;
    try {
      id = (await insertRow(tx, productTypes, { name, description: body.description ?? '', createdAt: deps.now() })).id;
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`A product type named "${name}" already exists (names ignore case).`);
      throw err;
    }
    await dispatchEvent(txDeps, productTypeAddedEvent({ id, name }, user));
    return getProductType(txDeps, user, id);
  });
}
