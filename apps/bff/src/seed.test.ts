import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoData } from './seed';
import { createTestApp, createUser, loginAs } from './test-utils';

let ctx: ReturnType<typeof createTestApp>;
afterEach(() => ctx?.deps.cleanup());

const alertTitles = (ctxDeps: typeof ctx.deps, username: string) =>
  (
    ctxDeps.sqlite
      .prepare('select a.title from alerts a join users u on u.id = a.user_id where u.username = ? order by a.id')
      .all(username) as { title: string }[]
  ).map((r) => r.title);

describe('seedDemoData', () => {
  it('seeds an empty database with working demo logins, access and alerts each user may see', async () => {
    ctx = createTestApp();
    const { app, deps } = ctx;
    const result = await seedDemoData(deps);
    expect(result?.logins.map((l) => l.username)).toEqual(['admin', 'alice', 'bob', 'carol', 'dave']);
    for (const login of result?.logins ?? []) {
      expect(login.password.length).toBeGreaterThanOrEqual(10);
      await loginAs(app, login.username, login.password);
    }

    // Template first, so every demo user has a personal record copied from it.
    const personal = deps.sqlite
      .prepare(
        "select u.username, count(*) as n from notification_settings s join users u on u.id = s.user_id where s.scope = 'personal' group by u.username",
      )
      .all();
    expect(personal).toHaveLength(5);
    for (const row of personal as { n: number }[]) expect(row.n).toBe(EVENT_NAMES.length);

    // Everybody's bell has something, and only what they may see.
    for (const name of ['admin', 'alice', 'bob', 'carol', 'dave']) expect(alertTitles(deps, name).length).toBeGreaterThan(0);
    expect(alertTitles(deps, 'dave').every((t) => /mentioned you|Review requested/.test(t))).toBe(true);
    expect(alertTitles(deps, 'bob').some((t) => t.includes('Customer Portal'))).toBe(false);
    expect(alertTitles(deps, 'bob').some((t) => t.includes('iOS App'))).toBe(true);
    expect(alertTitles(deps, 'alice').some((t) => t.includes('Corporate VPN'))).toBe(false);
    expect(alertTitles(deps, 'carol').some((t) => t.includes('Corporate VPN'))).toBe(true);

    const alice = await loginAs(app, 'alice', 'alice-demo-pass');
    expect(((await (await alice.get('/api/products')).json()) as { name: string }[]).map((p) => p.name)).toEqual([
      'Customer Portal',
      'Payments API',
    ]);
    const bob = await loginAs(app, 'bob', 'bob-demo-pass');
    expect(((await (await bob.get('/api/products')).json()) as { name: string }[]).map((p) => p.name)).toEqual(['iOS App']);
  });

  it('does not seed twice, and lists only demo logins whose password still works', async () => {
    ctx = createTestApp();
    const { app, deps } = ctx;
    await seedDemoData(deps);
    const counts = () => deps.sqlite.prepare('select (select count(*) from users) as u, (select count(*) from events) as e').get();
    const before = counts();
    const admin = await loginAs(app, 'admin', 'admin-demo-pass');
    expect((await admin.post('/api/me/password', { current_password: 'admin-demo-pass', new_password: 'a-real-secret-now' })).status).toBe(
      204,
    );
    const again = await seedDemoData(deps);
    expect(counts()).toEqual(before);
    expect(again?.logins.map((l) => l.username)).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('leaves a database with real users alone', async () => {
    ctx = createTestApp();
    await createUser(ctx.deps, { username: 'owner', isSuperuser: true });
    expect(await seedDemoData(ctx.deps)).toBeNull();
    expect(ctx.deps.sqlite.prepare('select count(*) as n from products').get()).toEqual({ n: 0 });
  });
});
