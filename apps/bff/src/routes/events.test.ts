import type { TCreatedEvent } from '@tocsin/contract/events';
import { EVENT_BODY_MAX_BYTES } from '@tocsin/contract/events';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { findRow, findRows } from '../db/rows';
import { alerts, events } from '../db/schema';
import {
  createTestApp,
  createTokenClient,
  createUser,
  insertEngagement,
  insertProduct,
  insertProductType,
  loginAs,
  sendJson,
  type TTestClient,
} from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let admin: UserRow;
let member: UserRow;
let outsider: UserRow;
let asMember: TTestClient;
let asAdmin: TTestClient;
let asAdminToken: TTestClient;
let productId: number;
let hiddenProductId: number;

type TErrorBody = { error: { code: string; message: string } };

beforeEach(async () => {
  t = await createTestApp();
  const pt = await insertProductType(t.deps, 'Web');
  const otherPt = await insertProductType(t.deps, 'Mobile');
  productId = (await insertProduct(t.deps, 'Shop', pt.id)).id;
  hiddenProductId = (await insertProduct(t.deps, 'App', otherPt.id)).id;
  admin = await createUser(t.deps, { username: 'admin', isSuperuser: true });
  // A Writer on the product type: may raise events about its products.
  member = await createUser(t.deps, { username: 'member', productTypes: [{ id: pt.id, role: 'Writer' }] });
  outsider = await createUser(t.deps, { username: 'outsider' });
  asMember = await loginAs(t.app, 'member');
  asAdmin = await loginAs(t.app, 'admin');
  asAdminToken = await createTokenClient(t.app, t.deps, admin);
  // Everybody wants alerts for every event, so routing alone decides who gets one.
  await t.deps.db.run(
    sql`insert into notification_settings (scope, event, channels) values ('system', 'scan_added', 1), ('system', 'other', 1)`,
  );
  for (const u of [admin, member, outsider]) {
    await t.deps.db.run(
      sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${u.id}, 'user_mentioned', 1)`,
    );
  }
});
afterEach(() => t.deps.cleanup());

const alertUserIds = async (eventId: number) =>
  (await findRows(t.deps.db, alerts, eq(alerts.eventId, eventId))).map((r) => r.userId).sort((a, b) => a - b);

async function errorOf(res: Response): Promise<TErrorBody['error']> {
  return ((await res.json()) as TErrorBody).error;
}

describe('POST /api/events', () => {
  it('accepts an event with a token and routes it by RBAC', async () => {
    const res = await asAdminToken.post('/api/events', { event: 'scan_added', title: 'ZAP scan imported', product_id: productId });
    expect(res.status).toBe(202);
    const body = (await res.json()) as TCreatedEvent;
    expect(body).toMatchObject({
      event: 'scan_added',
      routed_as: 'scan_added',
      alerts_created: 2,
      deliveries_created: 0,
      duplicate: false,
    });
    expect(await alertUserIds(body.id)).toEqual([admin.id, member.id].sort((a, b) => a - b));
    const row = await findRow(t.deps.db, events, eq(events.id, body.id));
    expect(row?.createdBy).toBe(admin.id);
  });

  it('accepts a session with the CSRF token and routes unknown names as `other`', async () => {
    // A context-free event: a superuser's session may raise it.
    const res = await asAdmin.post('/api/events', { event: 'pipeline_done', title: 'Build 12 passed' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as TCreatedEvent;
    expect(body).toMatchObject({ event: 'pipeline_done', routed_as: 'other', alerts_created: 1 });
    expect(await alertUserIds(body.id)).toEqual([admin.id]);
    const csrfless = await asAdmin.post('/api/events', { event: 'other', title: 'x' }, { 'x-csrf-token': '' });
    expect(csrfless.status).toBe(403);
    expect((await errorOf(csrfless)).code).toBe('csrf_failed');
  });

  it('needs a login', async () => {
    const res = await sendJson(t.app, 'POST', '/api/events', { event: 'other', title: 'x' });
    expect(res.status).toBe(401);
  });

  it('resolves recipient usernames (case-insensitive) and rejects unknown ones by name', async () => {
    const ok = await asAdminToken.post('/api/events', { event: 'user_mentioned', title: 'You were mentioned', recipients: ['OUTSIDER'] });
    expect(ok.status).toBe(202);
    const body = (await ok.json()) as TCreatedEvent;
    expect(await alertUserIds(body.id)).toEqual([outsider.id]);

    const bad = await asAdminToken.post('/api/events', {
      event: 'user_mentioned',
      title: 'x',
      recipients: ['outsider', 'ghost', 'nobody'],
    });
    expect(bad.status).toBe(400);
    const error = await errorOf(bad);
    expect(error.message).toContain('recipients');
    expect(error.message).toContain('"ghost"');
    expect(error.message).toContain('"nobody"');
    expect(error.message).not.toContain('"outsider"');
  });

  it('an empty recipients list creates the event and nothing else', async () => {
    const res = await asAdminToken.post('/api/events', { event: 'scan_added', title: 'quiet', product_id: productId, recipients: [] });
    expect(res.status).toBe(202);
    expect((await res.json()) as TCreatedEvent).toMatchObject({ alerts_created: 0, deliveries_created: 0 });
  });

  it('answers 404 naming the field for unknown or invisible context ids', async () => {
    const unknown = await asMember.post('/api/events', { event: 'scan_added', title: 'x', product_id: 9999 });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).toBe('product_id 9999 was not found.');

    const hidden = await asMember.post('/api/events', { event: 'scan_added', title: 'x', product_id: hiddenProductId });
    expect(hidden.status).toBe(404);
    expect((await errorOf(hidden)).message).toBe(`product_id ${hiddenProductId} was not found.`);

    const hiddenEngagement = await insertEngagement(t.deps, { name: 'E', productId: hiddenProductId });
    const eng = await asMember.post('/api/events', { event: 'engagement_added', title: 'x', engagement_id: hiddenEngagement.id });
    expect(eng.status).toBe(404);
    expect((await errorOf(eng)).message).toContain(`engagement_id ${hiddenEngagement.id}`);

    const type = await asMember.post('/api/events', { event: 'product_added', title: 'x', product_type_id: 777 });
    expect(type.status).toBe(404);
    expect((await errorOf(type)).message).toContain('product_type_id 777');

    const visibleEngagement = await insertEngagement(t.deps, { name: 'F', productId });
    const fine = await asMember.post('/api/events', { event: 'engagement_added', title: 'x', engagement_id: visibleEngagement.id });
    expect(fine.status).toBe(202);
  });

  it('validates the body and names each bad field', async () => {
    const missing = await asAdminToken.post('/api/events', { event: 'scan_added' });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toContain('title');

    const wrongTypes = await asAdminToken.post('/api/events', { event: 'scan_added', title: 'x', product_id: 'twelve', alert_only: 'yes' });
    expect(wrongTypes.status).toBe(400);
    const wrong = (await errorOf(wrongTypes)).message;
    expect(wrong).toContain('product_id');
    expect(wrong).toContain('alert_only');

    const badName = await asAdminToken.post('/api/events', { event: 'Scan Added!', title: 'x' });
    expect(badName.status).toBe(400);
    expect((await errorOf(badName)).message).toContain('event');

    const badUrl = await asAdminToken.post('/api/events', { event: 'other', title: 'x', url: 'javascript:alert(1)' });
    expect(badUrl.status).toBe(400);
    expect((await errorOf(badUrl)).message).toContain('url');

    const two = await asAdminToken.post('/api/events', { event: 'other', title: 'x', product_id: productId, product_type_id: 1 });
    expect(two.status).toBe(400);
    expect((await errorOf(two)).message).toContain('at most one');
  });

  it('answers 400 to malformed JSON and 413 to an oversized body', async () => {
    const malformed = await asAdminToken.request('POST', '/api/events', '{"event": "other", "title": ', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).message).toMatch(/JSON/i);

    const big = await asAdminToken.post('/api/events', { event: 'other', title: 'x', description: 'd'.repeat(EVENT_BODY_MAX_BYTES) });
    expect(big.status).toBe(413);
    expect((await errorOf(big)).message).toContain('64 KiB');
  });

  it('truncates an over-long title and description instead of rejecting them', async () => {
    const res = await asAdminToken.post('/api/events', { event: 'other', title: 'T'.repeat(400), description: 'D'.repeat(3000) });
    expect(res.status).toBe(202);
    const body = (await res.json()) as TCreatedEvent;
    const alert = await findRow(t.deps.db, alerts, eq(alerts.eventId, body.id));
    expect(alert?.title).toBe('T'.repeat(250));
    expect(alert?.description).toHaveLength(2000);
  });

  it('honours idempotency keys per caller', async () => {
    const payload = { event: 'scan_added', title: 'Scan', product_id: productId, idempotency_key: 'build-7' };
    const first = (await (await asAdminToken.post('/api/events', payload)).json()) as TCreatedEvent;
    const second = (await (await asAdminToken.post('/api/events', { ...payload, title: 'changed' })).json()) as TCreatedEvent;
    expect(second).toEqual({ ...first, duplicate: true });
    expect(await findRows(t.deps.db, alerts)).toHaveLength(first.alerts_created);
    const byMember = (await (await asMember.post('/api/events', payload)).json()) as TCreatedEvent;
    expect(byMember.duplicate).toBe(false);
  });
});
