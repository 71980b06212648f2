import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deps } from '../app-context';
import { createTestApp, createUser, insertEngagement, insertProduct, insertProductType, loginAs, type TTestClient } from '../test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await ctx?.deps.cleanup();
  ctx = undefined;
});
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const names = async (res: Response) => ((await res.json()) as { name: string }[]).map((x) => x.name);

/** Two product types; alice is a member of Web, bob of the Shop product only, carol is a global Reader, dave has nothing. */
async function setupWorld() {
  ctx = await createTestApp();
  const { app, deps } = ctx;
  const web = await insertProductType(deps, 'Web');
  const infra = await insertProductType(deps, 'Infra');
  const shop = await insertProduct(deps, 'Shop', web.id);
  const blog = await insertProduct(deps, 'Blog', web.id);
  const vpn = await insertProduct(deps, 'VPN', infra.id);
  const users = {
    admin: await createUser(deps, { username: 'admin', isSuperuser: true }),
    alice: await createUser(deps, { username: 'alice', productTypes: [{ id: web.id, role: 'Maintainer' }] }),
    bob: await createUser(deps, { username: 'bob', products: [{ id: shop.id, role: 'Writer' }] }),
    carol: await createUser(deps, { username: 'carol', globalRole: 'Reader' }),
    dave: await createUser(deps, { username: 'dave' }),
  };
  const clients: Record<keyof typeof users, TTestClient> = {
    admin: await loginAs(app, 'admin'),
    alice: await loginAs(app, 'alice'),
    bob: await loginAs(app, 'bob'),
    carol: await loginAs(app, 'carol'),
    dave: await loginAs(app, 'dave'),
  };
  return { app, deps, web, infra, shop, blog, vpn, users, clients };
}

async function setSystemAlert(deps: Deps, event: string) {
  await deps.db.run(sql`insert into notification_settings (scope, event, channels) values ('system', ${event}, 1)`);
}
const alertTitles = async (deps: Deps, userId: number) =>
  (await deps.db.all<{ title: string }>(sql`select title from alerts where user_id = ${userId} order by id`)).map((r) => r.title);
const eventRows = (deps: Deps) =>
  deps.db.all(sql`select name, title, url, product_type_id, product_id, engagement_id, created_by from events order by id`);

describe('product types', () => {
  it('lists only visible product types, counting only visible products', async () => {
    const { clients } = await setupWorld();
    const all = (await (await clients.admin.get('/api/product-types')).json()) as { name: string; product_count: number }[];
    expect(all.map((t) => [t.name, t.product_count])).toEqual([
      ['Infra', 1],
      ['Web', 2],
    ]);
    expect(await names(await clients.carol.get('/api/product-types'))).toEqual(['Infra', 'Web']);
    expect(await names(await clients.alice.get('/api/product-types'))).toEqual(['Web']);
    const bobTypes = (await (await clients.bob.get('/api/product-types')).json()) as { name: string; product_count: number }[];
    expect(bobTypes.map((t) => [t.name, t.product_count])).toEqual([['Web', 1]]);
    expect(await (await clients.dave.get('/api/product-types')).json()).toEqual([]);
  });

  it('shows a visible product type and answers 404 for an invisible one', async () => {
    const { clients, web, infra } = await setupWorld();
    expect((await clients.alice.get(`/api/product-types/${web.id}`)).status).toBe(200);
    const hidden = await clients.alice.get(`/api/product-types/${infra.id}`);
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain('Infra');
  });

  it('lets superusers and global Maintainers add product types, emitting product_type_added; others get 403', async () => {
    const { app, deps, clients, users } = await setupWorld();
    await setSystemAlert(deps, 'product_type_added');
    const created = await clients.admin.post('/api/product-types', { name: 'Mobile', description: 'Apps' });
    expect(created.status).toBe(201);
    const mobile = (await created.json()) as { id: number; name: string; product_count: number };
    expect(mobile).toMatchObject({ name: 'Mobile', product_count: 0 });
    expect(await eventRows(deps)).toEqual([
      {
        name: 'product_type_added',
        title: 'Product type Mobile added',
        url: `/product-types/${mobile.id}`,
        product_type_id: mobile.id,
        product_id: null,
        engagement_id: null,
        created_by: users.admin.id,
      },
    ]);
    // Only users who may view the new type get the system alert: superusers and the global Reader.
    expect(await alertTitles(deps, users.carol.id)).toEqual(['Product type Mobile added']);
    expect(await alertTitles(deps, users.admin.id)).toEqual(['Product type Mobile added']);
    expect(await alertTitles(deps, users.alice.id)).toEqual([]);
    expect(await alertTitles(deps, users.dave.id)).toEqual([]);

    await createUser(deps, { username: 'maint', globalRole: 'Maintainer' });
    const maint = await loginAs(app, 'maint');
    expect((await maint.post('/api/product-types', { name: 'Cloud' })).status).toBe(201);
    const denied = await clients.alice.post('/api/product-types', { name: 'Other' });
    expect(denied.status).toBe(403);
    expect((await clients.carol.post('/api/product-types', { name: 'Other' })).status).toBe(403);
  });

  it('refuses duplicate names (ignoring case) with 409 and names invalid fields', async () => {
    const { clients } = await setupWorld();
    const dup = await clients.admin.post('/api/product-types', { name: 'web' });
    expect(dup.status).toBe(409);
    expect((await errorOf(dup)).message).toContain('web');
    const bad = await clients.admin.post('/api/product-types', { name: '' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain('name');
  });
});

describe('products', () => {
  it('lists only visible products, optionally by product type', async () => {
    const { clients, web, infra } = await setupWorld();
    expect(await names(await clients.admin.get('/api/products'))).toEqual(['Blog', 'Shop', 'VPN']);
    expect(await names(await clients.carol.get('/api/products'))).toEqual(['Blog', 'Shop', 'VPN']);
    expect(await names(await clients.alice.get('/api/products'))).toEqual(['Blog', 'Shop']);
    expect(await names(await clients.bob.get('/api/products'))).toEqual(['Shop']);
    expect(await names(await clients.dave.get('/api/products'))).toEqual([]);
    expect(await names(await clients.admin.get(`/api/products?product_type_id=${infra.id}`))).toEqual(['VPN']);
    expect(await names(await clients.bob.get(`/api/products?product_type_id=${web.id}`))).toEqual(['Shop']);
    expect((await clients.alice.get(`/api/products?product_type_id=${infra.id}`)).status).toBe(404);
    expect((await clients.alice.get('/api/products?product_type_id=abc')).status).toBe(400);
  });

  it('shows a visible product with its engagements, 404 for an invisible one', async () => {
    const { deps, clients, shop, blog, users } = await setupWorld();
    await insertEngagement(deps, { name: 'Pentest', productId: shop.id, leadId: users.alice.id });
    const res = await clients.bob.get(`/api/products/${shop.id}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as {
      name: string;
      product_type_name: string;
      engagements: { name: string; lead_username: string }[];
    };
    expect(detail).toMatchObject({ name: 'Shop', product_type_name: 'Web' });
    expect(detail.engagements).toEqual([expect.objectContaining({ name: 'Pentest', lead_username: 'alice' })]);
    // The caller's role, so the page offers only what they may do.
    expect(detail).toMatchObject({ role: 'Writer' });
    expect(await (await clients.alice.get(`/api/products/${shop.id}`)).json()).toMatchObject({ role: 'Maintainer' });
    expect(await (await clients.carol.get(`/api/products/${shop.id}`)).json()).toMatchObject({ role: 'Reader' });
    expect(await (await clients.admin.get(`/api/products/${shop.id}`)).json()).toMatchObject({ role: 'Owner' });
    const hidden = await clients.bob.get(`/api/products/${blog.id}`);
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain('Blog');
    expect((await clients.dave.get(`/api/products/${shop.id}`)).status).toBe(404);
    expect((await clients.dave.get('/api/products/424242')).status).toBe(404);
  });

  it('lets product-type Maintainers add products and emits product_added with the product context', async () => {
    const { deps, clients, web, users } = await setupWorld();
    await setSystemAlert(deps, 'product_added');
    const res = await clients.alice.post('/api/products', { name: 'Portal', product_type_id: web.id });
    expect(res.status).toBe(201);
    const portal = (await res.json()) as { id: number; product_type_name: string };
    expect(portal.product_type_name).toBe('Web');
    expect(await eventRows(deps)).toEqual([
      {
        name: 'product_added',
        title: 'Product Portal added',
        url: `/products/${portal.id}`,
        product_type_id: web.id,
        product_id: portal.id,
        engagement_id: null,
        created_by: users.alice.id,
      },
    ]);
    // bob is a member of another product of Web only: he may not view Portal, so gets no alert.
    expect(await alertTitles(deps, users.alice.id)).toEqual(['Product Portal added']);
    expect(await alertTitles(deps, users.carol.id)).toEqual(['Product Portal added']);
    expect(await alertTitles(deps, users.bob.id)).toEqual([]);
    expect(await alertTitles(deps, users.dave.id)).toEqual([]);
  });

  it('refuses product creation without the role, for invisible types, and duplicate names', async () => {
    const { clients, web, infra } = await setupWorld();
    const bobTry = await clients.bob.post('/api/products', { name: 'X', product_type_id: web.id });
    expect(bobTry.status).toBe(403);
    expect((await clients.carol.post('/api/products', { name: 'X', product_type_id: web.id })).status).toBe(403);
    const invisible = await clients.alice.post('/api/products', { name: 'X', product_type_id: infra.id });
    const unknown = await clients.alice.post('/api/products', { name: 'X', product_type_id: 9999 });
    expect(invisible.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect((await errorOf(invisible)).message).toContain('product_type_id');
    const dup = await clients.admin.post('/api/products', { name: 'SHOP', product_type_id: infra.id });
    expect(dup.status).toBe(409);
    const bad = await clients.admin.post('/api/products', { name: 'Y' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain('product_type_id');
  });
});
