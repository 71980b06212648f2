import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, createUser, insertProduct, insertProductType, loginAs } from '../test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await ctx?.deps.cleanup();
  ctx = undefined;
});
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

async function setupAdmin() {
  ctx = await createTestApp();
  const { app, deps } = ctx;
  const admin = await createUser(deps, { username: 'admin', isSuperuser: true });
  const client = await loginAs(app, 'admin');
  return { app, deps, admin, client };
}

const newUser = { username: 'dave', email: 'dave@example.test', password: 'dave-password-1', first_name: 'Dave' };

describe('users (superuser only)', () => {
  it('creates, lists, filters, reads and edits users', async () => {
    const { app, client } = await setupAdmin();
    const created = await client.post('/api/users', newUser);
    expect(created.status).toBe(201);
    const dave = (await created.json()) as { id: number; username: string; is_active: boolean; global_role: string | null };
    expect(dave).toMatchObject({ username: 'dave', is_active: true, global_role: null });
    expect(dave).not.toHaveProperty('password');

    const all = (await (await client.get('/api/users')).json()) as { username: string }[];
    expect(all.map((u) => u.username)).toEqual(['admin', 'dave']);
    const filtered = (await (await client.get('/api/users?q=DAV')).json()) as { username: string }[];
    expect(filtered.map((u) => u.username)).toEqual(['dave']);
    expect(await (await client.get('/api/users?q=%25')).json()).toEqual([]);

    expect((await client.get(`/api/users/${dave.id}`)).status).toBe(200);
    expect((await client.get('/api/users/9999')).status).toBe(404);

    const patched = await client.patch(`/api/users/${dave.id}`, { global_role: 'Reader', last_name: 'Doe', password: 'reset-password-1' });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ global_role: 'Reader', last_name: 'Doe' });
    await loginAs(app, 'dave', 'reset-password-1');

    expect((await client.patch(`/api/users/${dave.id}`, { is_active: false })).status).toBe(200);
    expect(
      (
        await app.request('/api/auth/login', {
          method: 'POST',
          body: JSON.stringify({ username: 'dave', password: 'reset-password-1' }),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(401);
  });

  it('refuses a duplicate username regardless of case with 409', async () => {
    const { client } = await setupAdmin();
    expect((await client.post('/api/users', newUser)).status).toBe(201);
    const dup = await client.post('/api/users', { ...newUser, username: 'DAVE' });
    expect(dup.status).toBe(409);
    expect((await errorOf(dup)).message).toContain('DAVE');
  });

  it('names invalid fields', async () => {
    const { client } = await setupAdmin();
    const res = await client.post('/api/users', { username: 'has space', email: 'x', password: 'short', global_role: 'King' });
    expect(res.status).toBe(400);
    const { message } = await errorOf(res);
    for (const field of ['username', 'email', 'password', 'global_role']) expect(message).toContain(field);
  });

  it('forbids non-superusers, even with a global Owner role', async () => {
    const { app, deps, admin } = await setupAdmin();
    await createUser(deps, { username: 'olivia', globalRole: 'Owner' });
    const olivia = await loginAs(app, 'olivia');
    expect((await olivia.get('/api/users')).status).toBe(403);
    expect((await olivia.post('/api/users', newUser)).status).toBe(403);
    expect((await olivia.post('/api/users', {})).status).toBe(403);
    expect((await olivia.patch(`/api/users/${admin.id}`, { is_active: false })).status).toBe(403);
    expect((await olivia.get(`/api/users/${admin.id}/memberships`)).status).toBe(403);
  });

  it('a superuser cannot remove their own superuser flag or deactivate themselves', async () => {
    const { client, admin, deps } = await setupAdmin();
    const demote = await client.patch(`/api/users/${admin.id}`, { is_superuser: false });
    expect(demote.status).toBe(400);
    expect((await errorOf(demote)).message).toMatch(/your own superuser/);
    const deactivate = await client.patch(`/api/users/${admin.id}`, { is_active: false });
    expect(deactivate.status).toBe(400);
    expect((await errorOf(deactivate)).message).toMatch(/deactivate your own/);
    expect(await deps.db.get(sql`select is_superuser, is_active from users where id = ${admin.id}`)).toEqual({
      is_superuser: 1,
      is_active: 1,
    });
    // Another superuser can.
    const other = await createUser(deps, { username: 'root2', isSuperuser: true });
    expect((await client.patch(`/api/users/${other.id}`, { is_superuser: false })).status).toBe(200);
  });

  it('copies the template notification settings into a new user, in the same step', async () => {
    const { client, deps } = await setupAdmin();
    await deps.db.run(sql`insert into notification_settings (scope, event, channels)
      values ('template', 'scan_added', 3), ('template', 'user_mentioned', 1)`);
    const res = await client.post('/api/users', newUser);
    const { id } = (await res.json()) as { id: number };
    const rows = await deps.db.all(
      sql`select event, channels from notification_settings where scope = 'personal' and user_id = ${id} order by event`,
    );
    expect(rows).toEqual([
      { event: 'scan_added', channels: 3 },
      { event: 'user_mentioned', channels: 1 },
    ]);
  });
});

describe('user search and sessions', () => {
  it('searches usernames, full names and email without regard to case', async () => {
    const { client, deps } = await setupAdmin();
    await createUser(deps, { username: 'grace', firstName: 'Grace', lastName: 'Hopper', email: 'gh@Navy.test' });
    await createUser(deps, { username: 'Ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engine.test' });
    const search = async (q: string) =>
      ((await (await client.get(`/api/users?q=${encodeURIComponent(q)}`)).json()) as { username: string }[]).map((u) => u.username);
    expect(await search('grace HOPPER')).toEqual(['grace']);
    expect(await search('navy.TEST')).toEqual(['grace']);
    expect(await search('ADA')).toEqual(['Ada']);
    expect(await search('_')).toEqual([]);
    // Listed by username ignoring case: Ada, admin, grace.
    expect(await search('')).toEqual(['Ada', 'admin', 'grace']);
  });

  it('deactivating a user ends their sessions and tells the bus', async () => {
    const { app, client, deps } = await setupAdmin();
    const bob = await createUser(deps, { username: 'bob' });
    const asBob = await loginAs(app, 'bob');
    const ended = new Promise<number[]>((resolve) => deps.bus.subscribe('sessions-ended', (message) => resolve(message.userIds)));
    expect((await client.patch(`/api/users/${bob.id}`, { is_active: false })).status).toBe(200);
    expect(await ended).toEqual([bob.id]);
    expect((await asBob.get('/api/auth/me')).status).toBe(401);
    expect(await deps.db.get(sql`select count(*) as n from sessions where user_id = ${bob.id}`)).toEqual({ n: 0 });
  });
});

describe('user options', () => {
  it('lists active people (not service users) for any logged-in user', async () => {
    const { app, deps, client } = await setupAdmin();
    await createUser(deps, { username: 'bob' });
    await createUser(deps, { username: 'gone', isActive: false });
    expect((await client.post('/api/users', { username: 'ci-bot', email: 'ci@example.test', is_service: true })).status).toBe(201);
    const bob = await loginAs(app, 'bob');
    const res = await bob.get('/api/users/options');
    expect(res.status).toBe(200);
    const options = (await res.json()) as { id: number; username: string }[];
    expect(options.map((o) => o.username)).toEqual(['admin', 'bob']);
    expect(Object.keys(options[0] ?? {})).toEqual(['id', 'username']);
    expect((await app.request('/api/users/options')).status).toBe(401);
  });
});

describe('memberships', () => {
  it('replaces all memberships and reads them back', async () => {
    const { client, deps } = await setupAdmin();
    const bob = await createUser(deps, { username: 'bob' });
    const web = await insertProductType(deps, 'Web');
    const mobile = await insertProductType(deps, 'Mobile');
    const shop = await insertProduct(deps, 'Shop', web.id);

    const put1 = await client.put(`/api/users/${bob.id}/memberships`, {
      product_types: [{ id: web.id, role: 'Writer' }],
      products: [{ id: shop.id, role: 'Owner' }],
    });
    expect(put1.status).toBe(200);
    expect(await put1.json()).toEqual({
      product_types: [{ id: web.id, name: 'Web', role: 'Writer' }],
      products: [{ id: shop.id, name: 'Shop', role: 'Owner' }],
    });

    const put2 = await client.put(`/api/users/${bob.id}/memberships`, { product_types: [{ id: mobile.id, role: 'Reader' }], products: [] });
    const expected = { product_types: [{ id: mobile.id, name: 'Mobile', role: 'Reader' }], products: [] };
    expect(await put2.json()).toEqual(expected);
    expect(await (await client.get(`/api/users/${bob.id}/memberships`)).json()).toEqual(expected);
  });

  it('names an unknown product or product type and changes nothing', async () => {
    const { client, deps } = await setupAdmin();
    const bob = await createUser(deps, { username: 'bob' });
    const web = await insertProductType(deps, 'Web');
    await client.put(`/api/users/${bob.id}/memberships`, { product_types: [{ id: web.id, role: 'Reader' }], products: [] });

    const badType = await client.put(`/api/users/${bob.id}/memberships`, { product_types: [{ id: 4242, role: 'Reader' }], products: [] });
    expect(badType.status).toBe(400);
    expect((await errorOf(badType)).message).toContain('product type with id 4242');
    const badProduct = await client.put(`/api/users/${bob.id}/memberships`, { product_types: [], products: [{ id: 77, role: 'Reader' }] });
    expect(badProduct.status).toBe(400);
    expect((await errorOf(badProduct)).message).toContain('product with id 77');
    const badRole = await client.put(`/api/users/${bob.id}/memberships`, { product_types: [{ id: web.id, role: 'Boss' }], products: [] });
    expect(badRole.status).toBe(400);
    expect((await errorOf(badRole)).message).toContain('product_types.0.role');

    const now = (await (await client.get(`/api/users/${bob.id}/memberships`)).json()) as { product_types: unknown[] };
    expect(now.product_types).toHaveLength(1);
    expect((await client.put('/api/users/9999/memberships', { product_types: [], products: [] })).status).toBe(404);
  });
});

describe('the users search query', () => {
  it('is one line of plain text, and unknown parameters are refused by name', async () => {
    const { client } = await setupAdmin();
    const control = await client.get('/api/users?q=da%07ve');
    expect(control.status).toBe(400);
    expect((await errorOf(control)).message).toMatch(/^q: /);
    const unknown = await client.get('/api/users?search=dave');
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).message).toContain('search');
    expect((await client.get('/api/users?q=%20dave%20')).status).toBe(200);
  });
});
