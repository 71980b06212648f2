/**
 * "May view" and "may write", per role: the per-user checks and the SQL fragments (the same definition used in
 * set-based queries) must agree on every row.
 */
import type { TRole } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, createUser, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import {
  canViewEverything,
  canWriteEverything,
  findProductAccess,
  findProductTypeAccess,
  viewsProductSql,
  viewsProductTypeSql,
  writesProductSql,
  writesProductTypeSql,
} from './rbac';

let deps: TTestDeps;
let typeId: number;
let productId: number;
let siblingId: number;

beforeEach(async () => {
  deps = await createTestDeps();
  typeId = (await insertProductType(deps, 'Web')).id;
  productId = (await insertProduct(deps, 'Shop', typeId)).id;
  siblingId = (await insertProduct(deps, 'Blog', typeId)).id;
});
afterEach(() => deps.cleanup());

type TCase = {
  name: string;
  globalRole?: TRole;
  isSuperuser?: boolean;
  productRole?: TRole;
  siblingRole?: TRole;
  typeRole?: TRole;
  product: { view: boolean; write: boolean };
  type: { view: boolean; write: boolean };
};

const CASES: TCase[] = [
  { name: 'nobody', product: { view: false, write: false }, type: { view: false, write: false } },
  { name: 'product Reader', productRole: 'Reader', product: { view: true, write: false }, type: { view: true, write: false } },
  { name: 'product Writer', productRole: 'Writer', product: { view: true, write: true }, type: { view: true, write: false } },
  { name: 'product Maintainer', productRole: 'Maintainer', product: { view: true, write: true }, type: { view: true, write: false } },
  { name: 'product Owner', productRole: 'Owner', product: { view: true, write: true }, type: { view: true, write: false } },
  { name: 'sibling Owner', siblingRole: 'Owner', product: { view: false, write: false }, type: { view: true, write: false } },
  { name: 'type Reader', typeRole: 'Reader', product: { view: true, write: false }, type: { view: true, write: false } },
  { name: 'type Writer', typeRole: 'Writer', product: { view: true, write: true }, type: { view: true, write: true } },
  { name: 'type Owner', typeRole: 'Owner', product: { view: true, write: true }, type: { view: true, write: true } },
  { name: 'global Reader', globalRole: 'Reader', product: { view: true, write: false }, type: { view: true, write: false } },
  { name: 'global Writer', globalRole: 'Writer', product: { view: true, write: true }, type: { view: true, write: true } },
  { name: 'global Maintainer', globalRole: 'Maintainer', product: { view: true, write: true }, type: { view: true, write: true } },
  { name: 'superuser', isSuperuser: true, product: { view: true, write: true }, type: { view: true, write: true } },
];

describe('view and write access per role', () => {
  it.each(CASES)('$name', async (c) => {
    const user = await createUser(deps, {
      username: c.name.replace(/\s/g, '-'),
      isSuperuser: c.isSuperuser,
      globalRole: c.globalRole ?? null,
      products: [
        ...(c.productRole ? [{ id: productId, role: c.productRole }] : []),
        ...(c.siblingRole ? [{ id: siblingId, role: c.siblingRole }] : []),
      ],
      productTypes: c.typeRole ? [{ id: typeId, role: c.typeRole }] : [],
    });
    expect(await findProductAccess(deps, user, productId)).toEqual({ canView: c.product.view, canWrite: c.product.write });
    expect(await findProductTypeAccess(deps, user, typeId)).toEqual({ canView: c.type.view, canWrite: c.type.write });

    // The fragments, as a set-based query uses them (plus the global cases), give the same verdicts.
    const row = await deps.db.get<Record<string, number>>(sql`select
        case when ${viewsProductSql(sql`${user.id}`, sql`${productId}`)} then 1 else 0 end as "viewsProduct",
        case when ${writesProductSql(sql`${user.id}`, sql`${productId}`)} then 1 else 0 end as "writesProduct",
        case when ${viewsProductTypeSql(sql`${user.id}`, sql`${typeId}`)} then 1 else 0 end as "viewsType",
        case when ${writesProductTypeSql(sql`${user.id}`, sql`${typeId}`)} then 1 else 0 end as "writesType"`);
    const everything = { view: canViewEverything(user), write: canWriteEverything(user) };
    expect({
      product: { view: everything.view || row?.viewsProduct === 1, write: everything.write || row?.writesProduct === 1 },
      type: { view: everything.view || row?.viewsType === 1, write: everything.write || row?.writesType === 1 },
    }).toEqual({ product: c.product, type: c.type });
  });

  it('nothing is writable or visible that does not exist', async () => {
    const admin = await createUser(deps, { username: 'admin', isSuperuser: true });
    expect(await findProductAccess(deps, admin, 9999)).toEqual({ canView: false, canWrite: false });
    expect(await findProductTypeAccess(deps, admin, 9999)).toEqual({ canView: false, canWrite: false });
  });
});
