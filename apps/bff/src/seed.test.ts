import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deps } from './app-context';
import { seedDemoData } from './seed';
import { createTestApp, createUser, loginAs } from './test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await ctx?.deps.cleanup();
  ctx = undefined;
});

const alertTitles = async (deps: Deps, username: string) =>
  (
    await deps.db.all<{ title: string }>(
      sql`select a.title from alerts a join users u on u.id = a.user_id where u.username = ${username} order by a.id`,
    )
  ).map((r) => r.title);

describe('seedDemoData', () => {
  it('seeds an empty database with working demo logins, access and alerts each user may see', async () => {
    ctx = await createTestApp();
    const { app, deps } = ctx;
    const result = await seedDemoData(deps);
    expect(result?.logins.map((l) => l.username)).toEqual(['admin', 'alice', 'bob', 'carol', 'dave']);
    for (const login of result?.logins ?? []) {
      expect(login.password.length).toBeGreaterThanOrEqual(10);
      await loginAs(app, login.username, login.password);
    }

    // Template first, so every demo user has a personal record copied from it.
    const personal = await deps.db.all(
      sql`select u.username, count(*) as n from notification_settings s join users u on u.id = s.user_id where s.scope = 'personal' group by u.username`,
    );
    expect(personal).toHaveLength(5);
    for (const row of personal as { n: number }[]) expect(row.n).toBe(EVENT_NAMES.length);

    // Everybody with access has a bell full of what they may see; dave, who may see nothing, hears nothing.
    for (const name of ['admin', 'alice', 'bob', 'carol']) expect((await alertTitles(deps, name)).length).toBeGreaterThan(0);
    expect(await alertTitles(deps, 'dave')).toEqual([]);
    // Every kind of event is in the superuser's bell on the first start, each raised by the real code.
    const sources = new Set(
      (
        await deps.db.all<{ source: string }>(
          sql`select a.source from alerts a join users u on u.id = a.user_id where u.username = 'admin'`,
        )
      ).map((r) => r.source),
    );
    for (const kind of [
      'Product Type Added',
      'Product Added',
      'Engagement Added',
      'Close Engagement',
      'Test Added',
      'Scan Added',
      'Scan Added (Empty)',
      'User Mentioned',
      'Review Requested',
      'SLA Breach',
      'SLA Breach (Combined)',
      'Risk Acceptance Expiration',
    ]) {
      expect(sources, kind).toContain(kind);
    }
    // Findings of every severity, some on each side of their SLA, a risk acceptance, notes and a pending review.
    const severities = await deps.db.all<{ severity: string }>(sql`select distinct severity from findings order by severity`);
    expect(severities.map((r) => r.severity)).toEqual(['Critical', 'High', 'Info', 'Low', 'Medium']);
    expect(await deps.db.get(sql`select count(*) as n from risk_acceptances`)).toEqual({ n: 1 });
    expect(await deps.db.get(sql`select count(*) as n from finding_reviews where status = 'pending'`)).toEqual({ n: 2 });
    expect((await alertTitles(deps, 'carol')).some((t) => t.startsWith('alice mentioned you on finding'))).toBe(true);
    expect((await alertTitles(deps, 'bob')).some((t) => t.includes('Customer Portal'))).toBe(false);
    expect((await alertTitles(deps, 'bob')).some((t) => t.includes('Customer Portal'))).toBe(false);
    expect((await alertTitles(deps, 'bob')).some((t) => t.includes('iOS App'))).toBe(true);
    expect((await alertTitles(deps, 'alice')).some((t) => t.includes('Corporate VPN'))).toBe(false);
    expect((await alertTitles(deps, 'carol')).some((t) => t.includes('Corporate VPN'))).toBe(true);

    const alice = await loginAs(app, 'alice', 'alice-demo-pass');
    expect(((await (await alice.get('/api/products')).json()) as { name: string }[]).map((p) => p.name)).toEqual([
      'Customer Portal',
      'Payments API',
    ]);
    const bob = await loginAs(app, 'bob', 'bob-demo-pass');
    expect(((await (await bob.get('/api/products')).json()) as { name: string }[]).map((p) => p.name)).toEqual(['iOS App']);
  });

  it('does not seed twice, and lists only demo logins whose password still works', async () => {
    ctx = await createTestApp();
    const { app, deps } = ctx;
    await seedDemoData(deps);
    const counts = () => deps.db.get(sql`select (select count(*) from users) as u, (select count(*) from events) as e`);
    const before = await counts();
    const admin = await loginAs(app, 'admin', 'admin-demo-pass');
    expect((await admin.post('/api/me/password', { current_password: 'admin-demo-pass', new_password: 'a-real-secret-now' })).status).toBe(
      204,
    );
    const again = await seedDemoData(deps);
    expect(await counts()).toEqual(before);
    expect(again?.logins.map((l) => l.username)).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('leaves a database with real users alone', async () => {
    ctx = await createTestApp();
    const { deps } = ctx;
    await createUser(deps, { username: 'owner', isSuperuser: true });
    expect(await seedDemoData(deps)).toBeNull();
    expect(await deps.db.get(sql`select count(*) as n from products`)).toEqual({ n: 0 });
  });
});
