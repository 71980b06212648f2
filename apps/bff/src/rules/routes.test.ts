/**
 * Personal and system rules through the API: CRUD of one's own rules (another's is 404), ids one may not see
 * refused, the preview counting only events the caller may see, and personal rules in the fan-out (union with
 * the personal record, RBAC still filtering).
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateSystemSettings } from '../delivery/test-peers/fixtures';
import { dispatchEvent } from '../notifications/dispatch';
import { dispatchEvents } from '../notifications/dispatch-batch';
import { createTestApp, createUser, insertProduct, insertProductType, loginAs, type TTestClient } from '../test-utils';
import { dispatchFindingEvent } from './test-helpers';

type TApp = Awaited<ReturnType<typeof createTestApp>>;

let world: TApp;
let admin: TTestClient;
let alice: TTestClient;
let bob: TTestClient;
let payments: { id: number };
let vpn: { id: number };
let aliceId: number;
let bobId: number;

const messageOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

const json = async <T = Record<string, unknown>>(res: Response, status: number): Promise<T> => {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  return (body ? JSON.parse(body) : null) as T;
};

beforeEach(async () => {
  world = await createTestApp();
  const { deps } = world;
  // External channels are sent only while enabled in System Settings.
  await updateSystemSettings(deps, { mailEnabled: true });
  const web = await insertProductType(deps, 'Web');
  const infra = await insertProductType(deps, 'Infra');
  payments = await insertProduct(deps, 'Payments API', web.id);
  vpn = await insertProduct(deps, 'VPN', infra.id);
  await deps.db.run(sql`insert into product_tags (product_id, tag) values (${payments.id}, 'payments'), (${vpn.id}, 'payments')`);
  await createUser(deps, { username: 'root', isSuperuser: true });
  // alice may see Web's products; bob only VPN.
  aliceId = (await createUser(deps, { username: 'alice', productTypes: [{ id: web.id }] })).id;
  bobId = (await createUser(deps, { username: 'bob', products: [{ id: vpn.id }] })).id;
  admin = await loginAs(world.app, 'root');
  alice = await loginAs(world.app, 'alice');
  bob = await loginAs(world.app, 'bob');
});
afterEach(async () => {
  await world.deps.cleanup();
});

const criticalOnPayments = {
  name: 'Critical on payments',
  events: ['sla_breach'],
  channels: ['alert', 'mail'],
  conditions: { product_tags: ['payments'], min_severity: 'Critical' },
};

const alertsOf = (userId: number) =>
  world.deps.db.all<{ title: string }>(sql`select title from alerts where user_id = ${userId} order by id`);
const mailsOf = (userId: number) =>
  world.deps.db.all<{ eventId: number }>(sql`select event_id as "eventId" from deliveries where user_id = ${userId} and channel = 'mail'`);

describe('personal rules', () => {
  it('creates, lists, changes and deletes the caller’s own rules; another user’s rule is 404', async () => {
    const created = await json<{ id: number; conditions: Record<string, unknown>; channels: string[] }>(
      await alice.post('/api/rules', criticalOnPayments),
      201,
    );
    expect(created.channels).toEqual(['alert', 'mail']);
    expect(created.conditions).toMatchObject({ product_tags: ['payments'], min_severity: 'Critical', only_new: false, tool: null });
    expect((await json<{ items: unknown[] }>(await alice.get('/api/rules'), 200)).items).toHaveLength(1);
    expect((await json<{ items: unknown[] }>(await bob.get('/api/rules'), 200)).items).toHaveLength(0);

    expect((await bob.get(`/api/rules/${created.id}`)).status).toBe(404);
    expect((await bob.put(`/api/rules/${created.id}`, criticalOnPayments)).status).toBe(404);
    expect((await bob.delete(`/api/rules/${created.id}`)).status).toBe(404);

    const changed = await json<{ enabled: boolean; name: string }>(
      await alice.put(`/api/rules/${created.id}`, { ...criticalOnPayments, name: 'Renamed', enabled: false }),
      200,
    );
    expect(changed).toMatchObject({ enabled: false, name: 'Renamed' });
    expect((await alice.delete(`/api/rules/${created.id}`)).status).toBe(204);
    expect((await alice.get(`/api/rules/${created.id}`)).status).toBe(404);
  });

  it('refuses bad input with messages that name the field, and products the caller cannot see', async () => {
    const noEvents = await alice.post('/api/rules', { ...criticalOnPayments, events: [] });
    expect(noEvents.status).toBe(400);
    expect(await messageOf(noEvents)).toContain('choose at least one event');
    const teams = await alice.post('/api/rules', { ...criticalOnPayments, channels: ['msteams'] });
    expect(teams.status).toBe(400);
    const tooMany = await alice.post('/api/rules', {
      ...criticalOnPayments,
      conditions: { min_findings: { count: 101, severity: 'High' } },
    });
    expect(tooMany.status).toBe(400);
    expect(await messageOf(tooMany)).toContain('at most 100');
    const hidden = await alice.post('/api/rules', { ...criticalOnPayments, conditions: { product_ids: [vpn.id] } });
    expect(hidden.status).toBe(400);
    expect(await messageOf(hidden)).toBe(
      `conditions.product_ids: there is no product ${vpn.id} that you can see. Remove it from the rule.`,
    );
  });

  it('adds its channels for matching events only, on top of the personal record', async () => {
    await json(await alice.post('/api/rules', criticalOnPayments), 201);
    const { deps } = world;
    const high = await dispatchFindingEvent(deps, payments.id, 'High');
    const critical = await dispatchFindingEvent(deps, payments.id, 'Critical');
    expect(high.alertsCreated).toBe(0);
    expect(critical).toMatchObject({ alertsCreated: 1, deliveriesCreated: 1 });
    expect((await alertsOf(aliceId)).map((a) => a.title)).toEqual([expect.stringContaining('Critical')]);
    expect(await mailsOf(aliceId)).toEqual([{ eventId: critical.eventId }]);

    // The personal record still counts: alert on every sla_breach; the rule adds mail for the Critical ones.
    await deps.db.run(sql`delete from notification_settings where scope = 'personal' and user_id = ${aliceId} and event = 'sla_breach'`);
    await deps.db.run(
      sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${aliceId}, 'sla_breach', 1)`,
    );
    await dispatchFindingEvent(deps, payments.id, 'High');
    const again = await dispatchFindingEvent(deps, payments.id, 'Critical');
    expect(await alertsOf(aliceId)).toHaveLength(3);
    expect((await mailsOf(aliceId)).map((m) => m.eventId)).toEqual([critical.eventId, again.eventId]);
  });

  it('never reaches a product the owner cannot see (RBAC still filters)', async () => {
    // bob's rule matches payments-tagged events, but he may see only VPN.
    await json(await bob.post('/api/rules', criticalOnPayments), 201);
    const onPayments = await dispatchFindingEvent(world.deps, payments.id, 'Critical');
    expect(onPayments.alertsCreated).toBe(0);
    const onVpn = await dispatchFindingEvent(world.deps, vpn.id, 'Critical');
    expect(onVpn.alertsCreated).toBe(1);
    expect((await alertsOf(bobId)).map((a) => a.title)).toHaveLength(1);
    expect(await mailsOf(bobId)).toEqual([{ eventId: onVpn.eventId }]);
  });

  it('is evaluated the same in the batch path as in dispatchEvent', async () => {
    await json(await alice.post('/api/rules', criticalOnPayments), 201);
    const inputs = (['Critical', 'High', 'Critical'] as const).map((severity, i) => ({
      event: 'sla_breach',
      title: `batch ${i} ${severity}`,
      productId: payments.id,
      payload: {
        finding: {
          id: 5000 + i,
          title: 'f',
          severity,
          url: '/findings/1',
          url_ui: '/findings/1',
          url_api: '/api/findings/1',
          status: 'active' as const,
          date_found: '2026-11-01',
          sla_expires_on: null,
          test_id: 0,
        },
      },
    }));
    const results = await dispatchEvents(world.deps, inputs);
    expect(results.map((r) => r.alertsCreated)).toEqual([1, 0, 1]);
    expect((await alertsOf(aliceId)).map((a) => a.title)).toEqual(['batch 0 Critical', 'batch 2 Critical']);
  });

  it('does not apply a disabled rule', async () => {
    await json(await alice.post('/api/rules', { ...criticalOnPayments, enabled: false }), 201);
    expect((await dispatchFindingEvent(world.deps, payments.id, 'Critical')).alertsCreated).toBe(0);
  });
});

describe('rule preview', () => {
  it('counts the last 30 days’ matching events the caller may see, with up to 5 examples, newest first', async () => {
    const { deps } = world;
    const start = deps.now();
    let clock = start - 40 * 24 * 3600 * 1000;
    deps.now = () => clock;
    await dispatchFindingEvent(deps, payments.id, 'Critical', { title: 'too old' });
    clock = start - 3 * 24 * 3600 * 1000;
    for (let i = 0; i < 6; i++) {
      clock += 1000;
      await dispatchFindingEvent(deps, payments.id, 'Critical', { title: `payments critical ${i}` });
    }
    await dispatchFindingEvent(deps, payments.id, 'High', { title: 'payments high' });
    await dispatchFindingEvent(deps, vpn.id, 'Critical', { title: 'vpn critical' });
    await dispatchEvent(deps, { event: 'other', title: 'no context' });
    clock = start;

    const body = { events: ['sla_breach'], conditions: criticalOnPayments.conditions };
    const forAlice = await json<{ considered: number; matched: number; examples: { title: string; product: { name: string } }[] }>(
      await alice.post('/api/rules/preview', body),
      200,
    );
    expect(forAlice.considered).toBe(7);
    expect(forAlice.matched).toBe(6);
    expect(forAlice.examples.map((e) => e.title)).toEqual([5, 4, 3, 2, 1].map((i) => `payments critical ${i}`));
    expect(forAlice.examples[0]!.product.name).toBe('Payments API');

    const forBob = await json<{ matched: number; examples: { title: string }[] }>(await bob.post('/api/rules/preview', body), 200);
    expect(forBob.matched).toBe(1);
    expect(forBob.examples.map((e) => e.title)).toEqual(['vpn critical']);

    const forAdmin = await json<{ matched: number }>(await admin.post('/api/system-rules/preview', body), 200);
    expect(forAdmin.matched).toBe(7);
    expect((await alice.post('/api/system-rules/preview', body)).status).toBe(403);
  });
});
