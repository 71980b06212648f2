import type { TEffectiveNotifications, TNotificationChangeSets, TTemplateApplyResult } from '@tocsin/contract/notification-admin';
import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { updateRows } from '../db/rows';
import { systemSettings } from '../db/schema';
import { dispatchEvent } from '../notifications/dispatch';
import { createTestApp, createUser, insertProduct, insertProductType, loginAs, type TTestClient } from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let admin: UserRow;
let alice: UserRow;
let bob: UserRow;
let asAdmin: TTestClient;
let asAlice: TTestClient;
let asBob: TTestClient;
let shopId: number;
let blogId: number;

type TErrorBody = { error: { code: string; message: string; details?: unknown } };
const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

beforeEach(async () => {
  t = await createTestApp();
  const pt = await insertProductType(t.deps, 'Web');
  shopId = (await insertProduct(t.deps, 'Shop', pt.id)).id;
  blogId = (await insertProduct(t.deps, 'Blog', pt.id)).id;
  admin = await createUser(t.deps, { username: 'admin', isSuperuser: true });
  alice = await createUser(t.deps, { username: 'alice', products: [{ id: shopId }] });
  bob = await createUser(t.deps, { username: 'bob' });
  asAdmin = await loginAs(t.app, 'admin');
  asAlice = await loginAs(t.app, 'alice');
  asBob = await loginAs(t.app, 'bob');
  await updateRows(t.deps.db, systemSettings, { mailEnabled: true }, eq(systemSettings.id, 1));
});
afterEach(() => t.deps.cleanup());

const personalOf = async (userId: number) =>
  new Map(
    (
      await t.deps.db.all<{ event: string; channels: number }>(
        sql`select event, channels from notification_settings where scope = 'personal' and user_id = ${userId}`,
      )
    ).map((r) => [r.event, Number(r.channels)]),
  );

const countChanges = async () =>
  Number((await t.deps.db.get<{ n: number }>(sql`select count(*) as n from notification_setting_changes`))?.n);

describe('effective notifications', () => {
  it('marks the system alert as received from the system record, and personal mail from the personal record', async () => {
    await asAdmin.put('/api/notifications/settings/system', { settings: { scan_added: ['alert', 'mail'] } });
    await asAlice.put('/api/notifications/settings/personal', { settings: { scan_added: ['mail'] } });
    const res = await asAlice.get('/api/users/me/effective-notifications');
    expect(res.status).toBe(200);
    const body = await json<TEffectiveNotifications>(res);
    const scan = body.events.find((e) => e.event === 'scan_added');
    expect(scan?.channels.alert).toEqual({ is_received: true, sources: ['system'], blocked_by: null });
    expect(scan?.channels.mail).toEqual({ is_received: true, sources: ['personal'], blocked_by: null });
    expect(scan?.system_destinations).toEqual(['mail']);
    expect(body).toMatchObject({ user_id: alice.id, visible_products: 2, sees_everything: false, channels_off: ['slack', 'webhooks'] });
  });

  it('agrees with dispatch: what it says arrives is what an event about the product delivers', async () => {
    await asAdmin.put('/api/notifications/settings/system', { settings: { scan_added: ['alert'] } });
    const view = await json<TEffectiveNotifications>(await asAlice.get(`/api/users/me/effective-notifications?product_id=${shopId}`));
    expect(view.product).toEqual({ id: shopId, name: 'Shop', can_view: true });
    expect(view.events.find((e) => e.event === 'scan_added')?.channels.alert?.is_received).toBe(true);
    await dispatchEvent(t.deps, { event: 'scan_added', title: 'Scan', productId: shopId });
    const alerts = await t.deps.db.get<{ n: number }>(sql`select count(*) as n from alerts where user_id = ${alice.id}`);
    expect(Number(alerts?.n)).toBe(1);

    // Bob sees no product: the view says so, and dispatch agrees.
    const bobs = await json<TEffectiveNotifications>(
      await asAdmin.get(`/api/users/${bob.id}/effective-notifications?product_id=${shopId}`),
    );
    expect(bobs.product?.can_view).toBe(false);
    expect(bobs.events.find((e) => e.event === 'scan_added')?.channels.alert).toEqual({
      is_received: false,
      sources: ['system'],
      blocked_by: 'no_access',
    });
    const bobsAlerts = await t.deps.db.get<{ n: number }>(sql`select count(*) as n from alerts where user_id = ${bob.id}`);
    expect(Number(bobsAlerts?.n)).toBe(0);
    const general = await json<TEffectiveNotifications>(await asBob.get('/api/users/me/effective-notifications'));
    expect(general.visible_products).toBe(0);
  });

  it('answers 404 for my view of a product I cannot see, and for a product that does not exist', async () => {
    expect((await asBob.get(`/api/users/me/effective-notifications?product_id=${shopId}`)).status).toBe(404);
    expect((await asAdmin.get(`/api/users/${alice.id}/effective-notifications?product_id=99999`)).status).toBe(404);
    const bad = await asAlice.get('/api/users/me/effective-notifications?product_id=abc');
    expect(bad.status).toBe(400);
    expect((await json<TErrorBody>(bad)).error.message).toContain('product_id');
  });
});

describe('delivery timing in the effective view', () => {
  it('says per channel whether it is immediate or a digest, and the quiet hours; dispatch agrees', async () => {
    const before = await json<TEffectiveNotifications>(await asAlice.get('/api/users/me/effective-notifications'));
    expect(before.delivery).toEqual({
      time_zone: 'UTC',
      quiet_hours: null,
      channels: {
        mail: { mode: 'immediate', daily_at: null, held_by_quiet_hours: false },
        slack: { mode: 'immediate', daily_at: null, held_by_quiet_hours: false },
        webhooks: { mode: 'immediate', daily_at: null, held_by_quiet_hours: false },
      },
    });
    const quiet = { start: '22:00', end: '07:00', critical_passes: true };
    const saved = await asAlice.put('/api/delivery-preferences/me', {
      time_zone: 'Europe/Paris',
      channels: {
        mail: { mode: 'daily', daily_at: '08:30' },
        slack: { mode: 'hourly', daily_at: '08:00' },
        webhooks: { mode: 'immediate', daily_at: '08:00' },
      },
      quiet_hours: quiet,
    });
    expect(saved.status).toBe(200);
    const want = {
      time_zone: 'Europe/Paris',
      quiet_hours: quiet,
      channels: {
        mail: { mode: 'daily', daily_at: '08:30', held_by_quiet_hours: false },
        slack: { mode: 'hourly', daily_at: null, held_by_quiet_hours: false },
        webhooks: { mode: 'immediate', daily_at: null, held_by_quiet_hours: true },
      },
    };
    expect((await json<TEffectiveNotifications>(await asAlice.get('/api/users/me/effective-notifications'))).delivery).toEqual(want);
    // The superuser's view of alice, with or without a product, says the same.
    expect((await json<TEffectiveNotifications>(await asAdmin.get(`/api/users/${alice.id}/effective-notifications`))).delivery).toEqual(
      want,
    );
    const forShop = await json<TEffectiveNotifications>(
      await asAdmin.get(`/api/users/${alice.id}/effective-notifications?product_id=${shopId}`),
    );
    expect(forShop.delivery).toEqual(want);

    // Dispatch agrees: alice's mail about the event becomes a digest item, not a delivery sent on its own.
    await asAlice.put('/api/notifications/settings/personal', { settings: { scan_added: ['mail'] } });
    await dispatchEvent(t.deps, { event: 'scan_added', title: 'Scan', productId: shopId });
    const items = await t.deps.db.all<{ channel: string }>(sql`select channel from digest_items where user_id = ${alice.id}`);
    expect(items).toEqual([{ channel: 'mail' }]);
    const sent = await t.deps.db.get<{ n: number }>(sql`select count(*) as n from deliveries where user_id = ${alice.id}`);
    expect(Number(sent?.n)).toBe(0);
  });
});

describe("a superuser managing another user's settings", () => {
  it('reads, saves and records each changed event for the user to see', async () => {
    const read = await asAdmin.get(`/api/users/${alice.id}/notification-settings`);
    expect(read.status).toBe(200);
    expect((await json<TSettingsRecord>(read)).scope).toBe('personal');

    const saved = await asAdmin.put(`/api/users/${alice.id}/notification-settings`, {
      settings: { scan_added: ['alert', 'mail'], sla_breach: ['mail'] },
    });
    expect(saved.status).toBe(200);
    expect((await personalOf(alice.id)).get('scan_added')).toBe(3);

    const mine = await json<TNotificationChangeSets>(await asAlice.get('/api/users/me/notification-changes'));
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({
      source: 'admin',
      scope: 'personal',
      product: null,
      changed_by: { id: admin.id, username: 'admin' },
    });
    expect(mine.items[0]?.changes).toEqual([
      { event: 'scan_added', before: [], after: ['alert', 'mail'], added: ['alert', 'mail'], removed: [] },
      { event: 'sla_breach', before: [], after: ['mail'], added: ['mail'], removed: [] },
    ]);
    // The admin sees the same history on the user's page.
    const theirs = await json<TNotificationChangeSets>(await asAdmin.get(`/api/users/${alice.id}/notification-changes`));
    expect(theirs.items.map((s) => s.id)).toEqual(mine.items.map((s) => s.id));
  });

  it("records nothing when the user edits their own settings, or when the admin's save changes nothing", async () => {
    await asAlice.put('/api/notifications/settings/personal', { settings: { scan_added: ['mail'] } });
    await asAdmin.put(`/api/users/${admin.id}/notification-settings`, { settings: { scan_added: ['mail'] } });
    await asAdmin.put(`/api/users/${alice.id}/notification-settings`, { settings: { scan_added: ['mail'] } });
    expect(await countChanges()).toBe(0);
  });

  it('edits per-product settings for a product the user can see, and refuses one they cannot', async () => {
    const ok = await asAdmin.put(`/api/users/${alice.id}/notification-settings/products/${shopId}`, { settings: { scan_added: ['mail'] } });
    expect(ok.status).toBe(200);
    const sets = await json<TNotificationChangeSets>(await asAlice.get('/api/users/me/notification-changes'));
    expect(sets.items[0]).toMatchObject({ scope: 'product', product: { id: shopId, name: 'Shop' } });

    const refused = await asAdmin.put(`/api/users/${alice.id}/notification-settings/products/${blogId}`, {
      settings: { scan_added: ['mail'] },
    });
    expect(refused.status).toBe(400);
    expect((await json<TErrorBody>(refused)).error.message).toBe(
      `alice cannot view product ${blogId}, so settings for it would never reach them. Give them access to the product first.`,
    );
    expect((await asAdmin.get(`/api/users/${alice.id}/notification-settings/products/99999`)).status).toBe(404);
  });

  it('refuses the same rules as the user form (Teams is not personal)', async () => {
    const res = await asAdmin.put(`/api/users/${alice.id}/notification-settings`, { settings: { scan_added: ['msteams'] } });
    expect(res.status).toBe(400);
    expect((await json<TErrorBody>(res)).error.message).toContain('Personal settings cannot use msteams');
    expect(await countChanges()).toBe(0);
  });

  it('is refused to non-superusers, before the body is looked at, on every route', async () => {
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/users/${bob.id}/effective-notifications`],
      ['GET', `/api/users/${bob.id}/notification-changes`],
      ['GET', `/api/users/${bob.id}/notification-settings`],
      ['PUT', `/api/users/${bob.id}/notification-settings`, { settings: { scan_added: ['alert'] } }],
      ['PUT', `/api/users/${alice.id}/notification-settings`, { nonsense: true }],
      ['GET', `/api/users/${alice.id}/notification-settings/products/${shopId}`],
      ['PUT', `/api/users/${alice.id}/notification-settings/products/${shopId}`, { settings: {} }],
      ['POST', '/api/notifications/template/preview', { mode: 'merge', users: 'all' }],
      ['POST', '/api/notifications/template/apply', { mode: 'merge', users: 'all' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await asAlice.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await countChanges()).toBe(0);
    expect((await personalOf(bob.id)).get('scan_added') ?? 0).toBe(0);
  });

  it('answers 404 for a user that does not exist', async () => {
    expect((await asAdmin.get('/api/users/99999/notification-settings')).status).toBe(404);
    expect((await asAdmin.put('/api/users/99999/notification-settings', { settings: {} })).status).toBe(404);
    expect((await asAdmin.get('/api/users/99999/effective-notifications')).status).toBe(404);
  });
});

describe('the template applied to existing users', () => {
  beforeEach(async () => {
    // Alice already has mail for scans; bob has nothing; the template asks for alert + mail on scans and alerts on SLA breaches.
    await asAlice.put('/api/notifications/settings/personal', { settings: { scan_added: ['mail'], jira_update: ['alert'] } });
    await asAdmin.put('/api/notifications/settings/template', { settings: { scan_added: ['alert', 'mail'], sla_breach: ['alert'] } });
  });

  it('previews merge: counts people and settings that change, per user on request, and changes nothing', async () => {
    const res = await asAdmin.post('/api/notifications/template/preview', { mode: 'merge', users: 'all', include_users: true });
    expect(res.status).toBe(200);
    const preview = await json<TTemplateApplyResult>(res);
    // admin, alice, bob; alice gains 2 (scan alert, sla alert), admin and bob 3 each.
    expect(preview).toMatchObject({ mode: 'merge', users_considered: 3, users_changed: 3, settings_changed: 8 });
    expect(preview.users).toEqual([
      { id: admin.id, username: 'admin', settings_changed: 3 },
      { id: alice.id, username: 'alice', settings_changed: 2 },
      { id: bob.id, username: 'bob', settings_changed: 3 },
    ]);
    expect(await countChanges()).toBe(0);
    expect((await personalOf(bob.id)).get('scan_added') ?? 0).toBe(0);
  });

  it('applies merge (adds, keeps what the user had) and records it for each user', async () => {
    const res = await asAdmin.post('/api/notifications/template/apply', { mode: 'merge', users: [alice.id, bob.id] });
    expect(res.status).toBe(200);
    const result = await json<TTemplateApplyResult>(res);
    expect(result).toMatchObject({ users_considered: 2, users_changed: 2, settings_changed: 5 });
    const a = await personalOf(alice.id);
    expect([a.get('scan_added'), a.get('sla_breach'), a.get('jira_update')]).toEqual([3, 1, 1]);
    expect((await personalOf(bob.id)).get('scan_added')).toBe(3);
    expect((await personalOf(admin.id)).get('scan_added') ?? 0).toBe(0);

    const sets = await json<TNotificationChangeSets>(await asAlice.get('/api/users/me/notification-changes'));
    expect(sets.items).toHaveLength(1);
    expect(sets.items[0]).toMatchObject({ id: result.change_set_id, source: 'template', changed_by: { username: 'admin' } });
    expect(sets.items[0]?.changes.map((c) => [c.event, c.added, c.removed])).toEqual([
      ['scan_added', ['alert'], []],
      ['sla_breach', ['alert'], []],
    ]);
    // Applying again changes nothing and records nothing.
    const again = await json<TTemplateApplyResult>(
      await asAdmin.post('/api/notifications/template/apply', { mode: 'merge', users: [alice.id, bob.id] }),
    );
    expect(again).toMatchObject({ users_changed: 0, settings_changed: 0 });
    expect(await countChanges()).toBe(4);
  });

  it('applies replace: the personal record becomes the template', async () => {
    const result = await json<TTemplateApplyResult>(
      await asAdmin.post('/api/notifications/template/apply', { mode: 'replace', users: [alice.id] }),
    );
    // scan +alert, sla +alert, jira -alert
    expect(result).toMatchObject({ users_changed: 1, settings_changed: 3 });
    const a = await personalOf(alice.id);
    expect([a.get('scan_added'), a.get('sla_breach'), a.get('jira_update')]).toEqual([3, 1, 0]);
  });

  it('never includes service users, and refuses them or unknown ids by name', async () => {
    const svc = await createUser(t.deps, { username: 'ci-bot' });
    await t.deps.db.run(sql`update users set is_service = 1 where id = ${svc.id}`);
    const all = await json<TTemplateApplyResult>(
      await asAdmin.post('/api/notifications/template/preview', { mode: 'replace', users: 'all' }),
    );
    expect(all.users_considered).toBe(3);

    const refused = await asAdmin.post('/api/notifications/template/apply', { mode: 'merge', users: [alice.id, svc.id] });
    expect(refused.status).toBe(400);
    expect((await json<TErrorBody>(refused)).error.message).toBe('users: "ci-bot" is a service user; the template applies to people only.');
    const unknown = await asAdmin.post('/api/notifications/template/preview', { mode: 'merge', users: [99999] });
    expect(unknown.status).toBe(400);
    expect((await json<TErrorBody>(unknown)).error.message).toBe('users: no user has the id 99999.');
    const badMode = await asAdmin.post('/api/notifications/template/preview', { mode: 'overwrite', users: 'all' });
    expect(badMode.status).toBe(400);
    expect((await json<TErrorBody>(badMode)).error.message).toContain('choose "merge"');
    expect(await countChanges()).toBe(0);
  });

  it('is atomic: a failure part-way through (writing the second user) changes nobody', async () => {
    // A trigger that refuses bob's audit rows: admin and alice (before bob by username) are written when it fires.
    if (t.deps.db.dialect === 'sqlite') {
      await t.deps.db.run(
        sql.raw(`create trigger fail_bob before insert on notification_setting_changes
        when new.user_id = ${bob.id} begin select raise(abort, 'refused for the test'); end`),
      );
    } else {
      await t.deps.db.run(
        sql.raw(`create function fail_bob() returns trigger language plpgsql as $$
        begin if new.user_id = ${bob.id} then raise exception 'refused for the test'; end if; return new; end $$`),
      );
      await t.deps.db.run(
        sql.raw(`create trigger fail_bob before insert on notification_setting_changes
        for each row execute function fail_bob()`),
      );
    }
    const before = await personalOf(alice.id);
    const res = await asAdmin.post('/api/notifications/template/apply', { mode: 'replace', users: 'all' });
    expect(res.status).toBe(500);
    expect(await personalOf(alice.id)).toEqual(before);
    expect((await personalOf(admin.id)).get('scan_added') ?? 0).toBe(0);
    expect((await personalOf(bob.id)).get('scan_added') ?? 0).toBe(0);
    expect(await countChanges()).toBe(0);
  });
});
