/** Engagements: list, show, add and close within RBAC (moved here from routes/products.test.ts with the domain). */

import type { TEngagementDetail } from '@tocsin/contract/products';
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

describe('engagements', () => {
  const body = (productId: number, extra: Record<string, unknown> = {}) => ({
    name: 'Q3 pentest',
    product_id: productId,
    target_start: '2026-07-01',
    target_end: '2026-07-14',
    ...extra,
  });

  it('lets product Writers add engagements with an active lead; emits engagement_added', async () => {
    const { deps, clients, shop, users } = await setupWorld();
    await setSystemAlert(deps, 'engagement_added');
    const res = await clients.bob.post('/api/engagements', body(shop.id, { lead_id: users.alice.id }));
    expect(res.status).toBe(201);
    const engagement = (await res.json()) as { id: number; status: string; lead_username: string; product_name: string };
    expect(engagement).toMatchObject({ status: 'Not Started', lead_username: 'alice', product_name: 'Shop' });
    expect(await eventRows(deps)).toEqual([
      expect.objectContaining({
        name: 'engagement_added',
        title: 'Engagement Q3 pentest added to Shop',
        url: `/engagements/${engagement.id}`,
        product_id: shop.id,
        engagement_id: engagement.id,
        created_by: users.bob.id,
      }),
    ]);
    for (const who of ['admin', 'alice', 'bob', 'carol'] as const) {
      expect(await alertTitles(deps, users[who].id)).toEqual(['Engagement Q3 pentest added to Shop']);
    }
    expect(await alertTitles(deps, users.dave.id)).toEqual([]);
  });

  it('refuses Readers, invisible products, inactive or unknown leads, and bad dates', async () => {
    const { deps, clients, shop, vpn, users } = await setupWorld();
    expect((await clients.carol.post('/api/engagements', body(shop.id))).status).toBe(403);
    const invisible = await clients.bob.post('/api/engagements', body(vpn.id));
    expect(invisible.status).toBe(400);
    expect((await errorOf(invisible)).message).toContain('product_id');
    const gone = await createUser(deps, { username: 'gone', isActive: false });
    const inactiveLead = await clients.bob.post('/api/engagements', body(shop.id, { lead_id: gone.id }));
    expect(inactiveLead.status).toBe(400);
    expect((await errorOf(inactiveLead)).message).toContain('lead_id');
    expect((await clients.bob.post('/api/engagements', body(shop.id, { lead_id: 9999 }))).status).toBe(400);
    const dates = await clients.bob.post('/api/engagements', body(shop.id, { target_start: '2026-07-10', target_end: '2026-07-01' }));
    expect(dates.status).toBe(400);
    expect((await errorOf(dates)).message).toContain('target_end');
    const format = await clients.bob.post('/api/engagements', body(shop.id, { target_start: '07/01/2026' }));
    expect((await errorOf(format)).message).toContain('target_start');
    expect(await deps.db.get(sql`select count(*) as n from engagements`)).toEqual({ n: 0 });
    expect(users.dave).toBeDefined();
  });

  it('lists only visible engagements and 404s for an invisible product filter or engagement', async () => {
    const { deps, clients, shop, blog, vpn } = await setupWorld();
    const e1 = await insertEngagement(deps, { name: 'Shop review', productId: shop.id });
    await insertEngagement(deps, { name: 'Blog review', productId: blog.id });
    const e3 = await insertEngagement(deps, { name: 'VPN audit', productId: vpn.id });
    expect((await names(await clients.admin.get('/api/engagements'))).sort()).toEqual(['Blog review', 'Shop review', 'VPN audit']);
    expect(await names(await clients.bob.get('/api/engagements'))).toEqual(['Shop review']);
    expect(await names(await clients.bob.get(`/api/engagements?product_id=${shop.id}`))).toEqual(['Shop review']);
    expect((await clients.bob.get(`/api/engagements?product_id=${blog.id}`)).status).toBe(404);
    expect((await clients.bob.get(`/api/engagements/${e1.id}`)).status).toBe(200);
    expect((await clients.bob.get(`/api/engagements/${e3.id}`)).status).toBe(404);
    expect(await (await clients.dave.get('/api/engagements')).json()).toEqual([]);
  });

  it('closes an engagement once, emitting close_engagement; Readers and outsiders cannot', async () => {
    const { deps, clients, shop, users } = await setupWorld();
    await setSystemAlert(deps, 'close_engagement');
    const e = await insertEngagement(deps, { name: 'Shop review', productId: shop.id, leadId: users.bob.id, status: 'In Progress' });
    expect((await clients.carol.post(`/api/engagements/${e.id}/close`)).status).toBe(403);
    expect((await clients.dave.post(`/api/engagements/${e.id}/close`)).status).toBe(404);
    const res = await clients.alice.post(`/api/engagements/${e.id}/close`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('Completed');
    expect(await eventRows(deps)).toEqual([
      expect.objectContaining({
        name: 'close_engagement',
        url: `/engagements/${e.id}`,
        product_id: shop.id,
        engagement_id: e.id,
        created_by: users.alice.id,
      }),
    ]);
    expect(await alertTitles(deps, users.bob.id)).toEqual(['Engagement Shop review closed']);
    expect(await alertTitles(deps, users.dave.id)).toEqual([]);
    const again = await clients.alice.post(`/api/engagements/${e.id}/close`);
    expect(again.status).toBe(409);
    expect((await deps.db.get<{ n: number }>(sql`select count(*) as n from events`))?.n).toBe(1);
  });

  it('shows one engagement with whether the caller may close or reopen it', async () => {
    const { deps, clients, shop, users } = await setupWorld();
    const e = await insertEngagement(deps, { name: 'Shop review', productId: shop.id, leadId: users.bob.id, status: 'In Progress' });
    const as = async (who: keyof typeof clients) =>
      (await (await clients[who].get(`/api/engagements/${e.id}`)).json()) as TEngagementDetail;
    expect(await as('bob')).toMatchObject({ id: e.id, name: 'Shop review', product_name: 'Shop', lead_username: 'bob', can_edit: true });
    expect((await as('alice')).can_edit).toBe(true);
    expect((await as('admin')).can_edit).toBe(true);
    expect((await as('carol')).can_edit).toBe(false);
    expect((await clients.dave.get(`/api/engagements/${e.id}`)).status).toBe(404);
  });

  it('reopens a closed engagement (In Progress) for Writers and up, without an event; anything not closed is a conflict', async () => {
    const { deps, clients, shop, users } = await setupWorld();
    const e = await insertEngagement(deps, { name: 'Shop review', productId: shop.id, leadId: users.bob.id, status: 'Completed' });
    const carol = await clients.carol.post(`/api/engagements/${e.id}/reopen`);
    expect(carol.status).toBe(403);
    expect((await errorOf(carol)).message).toContain('Reopening an engagement needs the Writer role');
    expect((await clients.dave.post(`/api/engagements/${e.id}/reopen`)).status).toBe(404);
    const res = await clients.bob.post(`/api/engagements/${e.id}/reopen`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('In Progress');
    const again = await clients.bob.post(`/api/engagements/${e.id}/reopen`);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toBe('The engagement "Shop review" is not closed (its status is In Progress).');
    expect(await eventRows(deps)).toEqual([]);
    // Closed again, it can be reopened again.
    expect((await clients.bob.post(`/api/engagements/${e.id}/close`)).status).toBe(200);
    expect((await clients.bob.post(`/api/engagements/${e.id}/reopen`)).status).toBe(200);
  });

  it('accepts an API token for writes without a CSRF token', async () => {
    const { app, shop } = await setupWorld();
    const { key } = (await (await (await loginAs(app, 'bob')).post('/api/me/tokens', { name: 'ci' })).json()) as { key: string };
    const res = await app.request('http://localhost/api/engagements', {
      method: 'POST',
      headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body(shop.id)),
    });
    expect(res.status).toBe(201);
  });
});
