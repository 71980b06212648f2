/**
 * Domain actions and their events are one transaction: on success the change and its event are both there;
 * when the dispatch fails, the change is rolled back with it.
 * The dispatch is made to fail for real, by the database: the test drops alert_counts, the table the alerts'
 * triggers keep the bell count in, so writing the event's alerts fails after the event row was written.
 */
import { CHANNEL_BITS } from '@tocsin/contract/catalogue';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { findRow, findRows } from '../db/rows';
import { engagements, events, products, productTypes } from '../db/schema';
import { closeEngagement, createEngagement } from '../engagements/service';
import { createTestDeps, createUser, insertEngagement, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { createProductType } from './product-types';
import { createProduct } from './products';

let deps: TTestDeps;
let admin: UserRow;

beforeEach(async () => {
  deps = await createTestDeps();
  admin = await createUser(deps, { username: 'admin', isSuperuser: true });
  // The admin hears of every domain event in the alert list, so each dispatch writes alerts.
  for (const event of ['product_type_added', 'product_added', 'engagement_added', 'close_engagement']) {
    await deps.db.run(sql`insert into notification_settings (scope, event, channels) values ('system', ${event}, ${CHANNEL_BITS.alert})`);
  }
});
afterEach(() => deps.cleanup());

/** From now on every dispatch that writes alerts fails inside the database. */
const breakDispatch = () => deps.db.run(sql`drop table alert_counts`);

const eventsNamed = (name: string) => findRows(deps.db, events, eq(events.name, name), { orderBy: sql`${events.id}` });
const alertCount = async () => (await deps.db.get<{ n: number }>(sql`select count(*) as n from alerts`))?.n;

describe('domain events commit with their change, or not at all', () => {
  it('adding a product type', async () => {
    const web = await createProductType(deps, admin, { name: 'Web' });
    expect(await findRow(deps.db, productTypes, eq(productTypes.id, web.id))).toMatchObject({ name: 'Web' });
    expect(await eventsNamed('product_type_added')).toEqual([
      expect.objectContaining({ productTypeId: web.id, title: 'Product type Web added', alertsCreated: 1, createdBy: admin.id }),
    ]);
    expect(await alertCount()).toBe(1);

    await breakDispatch();
    await expect(createProductType(deps, admin, { name: 'Mobile' })).rejects.toThrow(/alert_counts/);
    expect(await findRow(deps.db, productTypes, eq(productTypes.name, 'Mobile'))).toBeUndefined();
    expect(await eventsNamed('product_type_added')).toHaveLength(1);
    expect(await alertCount()).toBe(1);
  });

  it('adding a product', async () => {
    const type = await insertProductType(deps, 'Web');
    const shop = await createProduct(deps, admin, { name: 'Shop', product_type_id: type.id });
    expect(await findRow(deps.db, products, eq(products.id, shop.id))).toMatchObject({ name: 'Shop', productTypeId: type.id });
    expect(await eventsNamed('product_added')).toEqual([
      expect.objectContaining({ productId: shop.id, productTypeId: type.id, alertsCreated: 1, createdBy: admin.id }),
    ]);

    await breakDispatch();
    await expect(createProduct(deps, admin, { name: 'Blog', product_type_id: type.id })).rejects.toThrow(/alert_counts/);
    expect(await findRow(deps.db, products, eq(products.name, 'Blog'))).toBeUndefined();
    expect(await eventsNamed('product_added')).toHaveLength(1);
    expect(await alertCount()).toBe(1);
  });

  it('adding an engagement', async () => {
    const type = await insertProductType(deps, 'Web');
    const shop = await insertProduct(deps, 'Shop', type.id);
    const body = { product_id: shop.id, target_start: '2026-07-01', target_end: '2026-07-14' };
    const pentest = await createEngagement(deps, admin, { ...body, name: 'Pentest' });
    expect(await findRow(deps.db, engagements, eq(engagements.id, pentest.id))).toMatchObject({ name: 'Pentest', productId: shop.id });
    expect(await eventsNamed('engagement_added')).toEqual([
      expect.objectContaining({ engagementId: pentest.id, productId: shop.id, alertsCreated: 1, createdBy: admin.id }),
    ]);

    await breakDispatch();
    await expect(createEngagement(deps, admin, { ...body, name: 'Audit' })).rejects.toThrow(/alert_counts/);
    expect(await findRows(deps.db, engagements)).toHaveLength(1);
    expect(await eventsNamed('engagement_added')).toHaveLength(1);
    expect(await alertCount()).toBe(1);
  });

  it('closing an engagement', async () => {
    const type = await insertProductType(deps, 'Web');
    const shop = await insertProduct(deps, 'Shop', type.id);
    const first = await insertEngagement(deps, { name: 'First', productId: shop.id, status: 'In Progress' });
    const second = await insertEngagement(deps, { name: 'Second', productId: shop.id, status: 'In Progress' });
    const closed = await closeEngagement(deps, admin, first.id);
    expect(closed.status).toBe('Completed');
    expect(await findRow(deps.db, engagements, eq(engagements.id, first.id))).toMatchObject({ status: 'Completed' });
    expect(await eventsNamed('close_engagement')).toEqual([
      expect.objectContaining({ engagementId: first.id, productId: shop.id, alertsCreated: 1, createdBy: admin.id }),
    ]);

    await breakDispatch();
    await expect(closeEngagement(deps, admin, second.id)).rejects.toThrow(/alert_counts/);
    expect(await findRow(deps.db, engagements, eq(engagements.id, second.id))).toMatchObject({ status: 'In Progress' });
    expect(await eventsNamed('close_engagement')).toHaveLength(1);
    expect(await alertCount()).toBe(1);
  });
});
