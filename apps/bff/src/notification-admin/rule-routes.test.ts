/**
 * A superuser managing another user's personal rules (/api/users/{id}/rules…): the same rules as the user's own
 * routes, with the OWNER's access deciding what a rule may name and what the preview counts, and every change
 * recorded in the owner's change history. Non-superusers are refused as on the other admin routes.
 */
import type { TNotificationChangeSets } from '@tocsin/contract/notification-admin';
import type { TRule, TRuleList, TRulePreview } from '@tocsin/contract/rules';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { updateSystemSettings } from '../delivery/test-peers/fixtures';
import { dispatchFindingEvent } from '../rules/test-helpers';
import { createTestApp, createUser, insertProduct, insertProductType, loginAs, type TTestClient } from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let admin: UserRow;
let alice: UserRow;
let bob: UserRow;
let asAdmin: TTestClient;
let asAlice: TTestClient;
let asBob: TTestClient;
let paymentsId: number;
let vpnId: number;

const json = async <T>(res: Response, status: number): Promise<T> => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
};
const messageOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

beforeEach(async () => {
  t = await createTestApp();
  await updateSystemSettings(t.deps, { mailEnabled: true });
  const web = await insertProductType(t.deps, 'Web');
  const infra = await insertProductType(t.deps, 'Infra');
  paymentsId = (await insertProduct(t.deps, 'Payments API', web.id)).id;
  vpnId = (await insertProduct(t.deps, 'VPN', infra.id)).id;
  admin = await createUser(t.deps, { username: 'admin', isSuperuser: true });
  // alice may see Payments API only; bob is a Maintainer of it (a role that still may not manage others).
  alice = await createUser(t.deps, { username: 'alice', products: [{ id: paymentsId }] });
  bob = await createUser(t.deps, { username: 'bob', products: [{ id: paymentsId, role: 'Maintainer' }] });
  asAdmin = await loginAs(t.app, 'admin');
  asAlice = await loginAs(t.app, 'alice');
  asBob = await loginAs(t.app, 'bob');
});
afterEach(() => t.deps.cleanup());

const criticalOnPayments = {
  name: 'Critical on payments',
  events: ['sla_breach', 'scan_added'],
  channels: ['alert', 'mail'],
  conditions: { product_ids: [] as number[], min_severity: 'Critical' },
};
const auditRows = () =>
  t.deps.db.all<{ userId: number; changedById: number; scope: string; event: string; before: number; after: number; ruleId: number }>(
    sql`select user_id as "userId", changed_by_id as "changedById", scope, event, channels_before as before,
      channels_after as after, rule_id as "ruleId" from notification_setting_changes order by id`,
  );

describe("a superuser managing another user's rules", () => {
  it("creates, changes and deletes the user's rule; the user sees it, and each change with who and when", async () => {
    const body = { ...criticalOnPayments, conditions: { ...criticalOnPayments.conditions, product_ids: [paymentsId] } };
    const created = await json<TRule>(await asAdmin.post(`/api/users/${alice.id}/rules`, body), 201);
    expect(created).toMatchObject({ scope: 'personal', owner_id: alice.id, name: 'Critical on payments', channels: ['alert', 'mail'] });

    // The rule is alice's own: she lists, reads and could edit it through her own routes.
    expect((await json<TRuleList>(await asAlice.get('/api/rules'), 200)).items.map((r) => r.id)).toEqual([created.id]);
    expect((await json<TRuleList>(await asAdmin.get(`/api/users/${alice.id}/rules`), 200)).items.map((r) => r.id)).toEqual([created.id]);
    expect((await json<TRule>(await asAdmin.get(`/api/users/${alice.id}/rules/${created.id}`), 200)).name).toBe('Critical on payments');
    // The superuser's own rule list is not alice's.
    expect((await json<TRuleList>(await asAdmin.get('/api/rules'), 200)).items).toEqual([]);

    // One audit row per event the rule is about: the channels it adds there, before and after.
    expect(await auditRows()).toEqual([
      { userId: alice.id, changedById: admin.id, scope: 'rule', event: 'scan_added', before: 0, after: 3, ruleId: created.id },
      { userId: alice.id, changedById: admin.id, scope: 'rule', event: 'sla_breach', before: 0, after: 3, ruleId: created.id },
    ]);
    let mine = await json<TNotificationChangeSets>(await asAlice.get('/api/users/me/notification-changes'), 200);
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({
      source: 'admin',
      scope: 'rule',
      product: null,
      changed_by: { id: admin.id, username: 'admin' },
      rule: { id: created.id, name: 'Critical on payments', action: 'created', before: null, after: { id: created.id } },
    });
    expect(mine.items[0]?.changes).toEqual([
      { event: 'scan_added', before: [], after: ['alert', 'mail'], added: ['alert', 'mail'], removed: [] },
      { event: 'sla_breach', before: [], after: ['alert', 'mail'], added: ['alert', 'mail'], removed: [] },
    ]);

    // Changing it: mail dropped, scan_added no longer covered.
    const changed = await json<TRule>(
      await asAdmin.put(`/api/users/${alice.id}/rules/${created.id}`, {
        ...body,
        name: 'Critical only',
        events: ['sla_breach'],
        channels: ['alert'],
      }),
      200,
    );
    expect(changed).toMatchObject({ name: 'Critical only', events: ['sla_breach'], channels: ['alert'] });
    mine = await json<TNotificationChangeSets>(await asAlice.get('/api/users/me/notification-changes'), 200);
    expect(mine.items).toHaveLength(2);
    expect(mine.items[0]?.rule).toMatchObject({
      action: 'changed',
      name: 'Critical only',
      before: { name: 'Critical on payments', channels: ['alert', 'mail'] },
      after: { name: 'Critical only', channels: ['alert'] },
    });
    expect(mine.items[0]?.changes).toEqual([
      { event: 'scan_added', before: ['alert', 'mail'], after: [], added: [], removed: ['alert', 'mail'] },
      { event: 'sla_breach', before: ['alert', 'mail'], after: ['alert'], added: [], removed: ['mail'] },
    ]);

    expect((await asAdmin.delete(`/api/users/${alice.id}/rules/${created.id}`)).status).toBe(204);
    expect((await json<TRuleList>(await asAlice.get('/api/rules'), 200)).items).toEqual([]);
    mine = await json<TNotificationChangeSets>(await asAlice.get('/api/users/me/notification-changes'), 200);
    expect(mine.items[0]?.rule).toMatchObject({ id: created.id, action: 'deleted', name: 'Critical only', after: null });
    expect(mine.items[0]?.changes).toEqual([{ event: 'sla_breach', before: ['alert'], after: [], added: [], removed: ['alert'] }]);
    // The superuser's view of alice's history is the same.
    const seen = await json<TNotificationChangeSets>(await asAdmin.get(`/api/users/${alice.id}/notification-changes`), 200);
    expect(seen.items.map((s) => s.rule?.action)).toEqual(['deleted', 'changed', 'created']);
  });

  it('records nothing when the rule owner acts, through either route', async () => {
    const own = await json<TRule>(await asAdmin.post(`/api/users/${admin.id}/rules`, criticalOnPayments), 201);
    await json(await asAdmin.put(`/api/users/${admin.id}/rules/${own.id}`, { ...criticalOnPayments, name: 'Mine' }), 200);
    await json(await asAlice.post('/api/rules', criticalOnPayments), 201);
    expect(await auditRows()).toEqual([]);
  });

  it("validates as the user's own routes do, against what the OWNER may see", async () => {
    // The superuser sees VPN; alice does not: a rule of hers may not name it.
    const hidden = await asAdmin.post(`/api/users/${alice.id}/rules`, { ...criticalOnPayments, conditions: { product_ids: [vpnId] } });
    expect(hidden.status).toBe(400);
    expect(await messageOf(hidden)).toBe(
      `conditions.product_ids: there is no product ${vpnId} that alice can see. Remove it from the rule.`,
    );
    const noEvents = await asAdmin.post(`/api/users/${alice.id}/rules`, { ...criticalOnPayments, events: [] });
    expect(noEvents.status).toBe(400);
    expect(await messageOf(noEvents)).toContain('choose at least one event');
    const teams = await asAdmin.post(`/api/users/${alice.id}/rules`, { ...criticalOnPayments, channels: ['msteams'] });
    expect(teams.status).toBe(400);
    // Nothing was written, nor recorded.
    expect((await json<TRuleList>(await asAlice.get('/api/rules'), 200)).items).toEqual([]);
    expect(await auditRows()).toEqual([]);
  });

  it('previews for the owner: only the events the owner may see count', async () => {
    await dispatchFindingEvent(t.deps, paymentsId, 'Critical', { title: 'payments critical' });
    await dispatchFindingEvent(t.deps, vpnId, 'Critical', { title: 'vpn critical' });
    const body = { events: ['sla_breach'], conditions: { min_severity: 'Critical' } };
    const forAlice = await json<TRulePreview>(await asAdmin.post(`/api/users/${alice.id}/rules/preview`, body), 200);
    expect(forAlice).toMatchObject({ considered: 1, matched: 1 });
    expect(forAlice.examples.map((e) => e.title)).toEqual(['payments critical']);
    // The superuser's own preview sees both.
    expect((await json<TRulePreview>(await asAdmin.post('/api/rules/preview', body), 200)).matched).toBe(2);
  });

  it("an admin's rule reaches the owner through dispatch, and RBAC still filters", async () => {
    await json(await asAdmin.post(`/api/users/${alice.id}/rules`, { ...criticalOnPayments, channels: ['alert'] }), 201);
    const onPayments = await dispatchFindingEvent(t.deps, paymentsId, 'Critical');
    await dispatchFindingEvent(t.deps, vpnId, 'Critical');
    await dispatchFindingEvent(t.deps, paymentsId, 'High');
    // Only the Critical event about the product alice may see reaches her.
    const alerts = await t.deps.db.all<{ eventId: number }>(sql`select event_id as "eventId" from alerts where user_id = ${alice.id}`);
    expect(alerts.map((a) => a.eventId)).toEqual([onPayments.eventId]);
  });

  it('refuses everyone but superusers before looking at the user or the body; unknown users and rules are 404', async () => {
    const bobsRule = await json<TRule>(await asBob.post('/api/rules', criticalOnPayments), 201);
    for (const client of [asAlice, asBob]) {
      expect((await client.get(`/api/users/${alice.id}/rules`)).status).toBe(403);
      expect((await client.post(`/api/users/${alice.id}/rules`, criticalOnPayments)).status).toBe(403);
      expect((await client.post(`/api/users/${alice.id}/rules`, { nonsense: true })).status).toBe(403);
      expect((await client.post(`/api/users/999999/rules/preview`, { events: ['sla_breach'] })).status).toBe(403);
      expect((await client.put(`/api/users/${bob.id}/rules/${bobsRule.id}`, criticalOnPayments)).status).toBe(403);
      expect((await client.delete(`/api/users/${bob.id}/rules/${bobsRule.id}`)).status).toBe(403);
    }
    expect((await asAdmin.get('/api/users/999999/rules')).status).toBe(404);
    expect((await asAdmin.post('/api/users/999999/rules', criticalOnPayments)).status).toBe(404);
    // bob's rule named under alice does not exist.
    expect((await asAdmin.get(`/api/users/${alice.id}/rules/${bobsRule.id}`)).status).toBe(404);
    expect((await asAdmin.put(`/api/users/${alice.id}/rules/${bobsRule.id}`, criticalOnPayments)).status).toBe(404);
    expect((await asAdmin.delete(`/api/users/${alice.id}/rules/${bobsRule.id}`)).status).toBe(404);
    expect((await json<TRule>(await asBob.get(`/api/rules/${bobsRule.id}`), 200)).name).toBe('Critical on payments');
    expect(await auditRows()).toEqual([]);
  });
});
