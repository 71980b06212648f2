/**
 * Who may raise which event through POST /api/events (security issue §2), one row per case: the role needed to
 * write about a product or product type, context-free events, recipients who cannot see the context, and the
 * record of who raised each event.
 */
import type { TCreatedIntegrationToken } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import type { TCreatedEvent } from '@tocsin/contract/events';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { findRow, findRows } from '../db/rows';
import { alerts, events } from '../db/schema';
import { dispatchEvent } from '../notifications/dispatch';
import { createUser as createAccount } from '../services/users';
import {
  createTestApp,
  createTokenClient,
  createUser,
  insertEngagement,
  insertProduct,
  insertProductType,
  loginAs,
  type TTestClient,
  tokenClient,
} from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let typeId: number;
let productId: number;
let otherTypeId: number;
let admin: UserRow;
let asAdmin: TTestClient;

type TError = { error: { code: string; message: string; details?: Record<string, unknown> } };
const errorOf = async (res: Response) => ((await res.json()) as TError).error;

beforeEach(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://tocsin.example.com/sec' });
  typeId = (await insertProductType(t.deps, 'Web')).id;
  productId = (await insertProduct(t.deps, 'Shop', typeId)).id;
  otherTypeId = (await insertProductType(t.deps, 'Mobile')).id;
  await insertProduct(t.deps, 'Sibling', typeId);
  admin = await createUser(t.deps, { username: 'admin', isSuperuser: true });
  asAdmin = await loginAs(t.app, 'admin');
  // Alerts for every event in the system record, so routing alone decides who gets one.
  await t.deps.db.run(sql`insert into notification_settings (scope, event, channels)
    values ('system', 'scan_added', 1), ('system', 'product_type_added', 1), ('system', 'other', 1),
      ('system', 'user_mentioned', 1), ('system', 'risk_acceptance_expiration', 1)`);
});
afterEach(() => t.deps.cleanup());

type TAccess = {
  globalRole?: TRole;
  isSuperuser?: boolean;
  productRole?: TRole;
  typeRole?: TRole;
  /** A role on the other product of the same type (view of the type, nothing of this product). */
  siblingRole?: TRole;
};

let userCount = 0;
async function clientWith(access: TAccess): Promise<TTestClient> {
  userCount += 1;
  const username = `user${userCount}`;
  const sibling = await t.deps.db.get<{ id: number }>(sql`select id from products where name = 'Sibling'`);
  await createUser(t.deps, {
    username,
    isSuperuser: access.isSuperuser,
    globalRole: access.globalRole ?? null,
    products: [
      ...(access.productRole ? [{ id: productId, role: access.productRole }] : []),
      ...(access.siblingRole && sibling ? [{ id: sibling.id, role: access.siblingRole }] : []),
    ],
    productTypes: access.typeRole ? [{ id: typeId, role: access.typeRole }] : [],
  });
  return loginAs(t.app, username);
}

describe('raising an event about a product needs a role that may write there', () => {
  const rows: [string, number, TAccess][] = [
    ['no access at all: the product is invisible', 404, {}],
    ['a role on another product only', 404, { siblingRole: 'Owner' }],
    ['Reader on the product', 403, { productRole: 'Reader' }],
    ['Reader on the product type', 403, { typeRole: 'Reader' }],
    ['global Reader', 403, { globalRole: 'Reader' }],
    ['Writer on the product', 202, { productRole: 'Writer' }],
    ['Maintainer on the product', 202, { productRole: 'Maintainer' }],
    ['Owner on the product', 202, { productRole: 'Owner' }],
    ['Writer on the product type', 202, { typeRole: 'Writer' }],
    ['Reader on the product, Writer on its type', 202, { productRole: 'Reader', typeRole: 'Writer' }],
    ['global Writer', 202, { globalRole: 'Writer' }],
    ['global Owner', 202, { globalRole: 'Owner' }],
    ['superuser', 202, { isSuperuser: true }],
  ];
  it.each(rows)('%s → %i', async (_, status, access) => {
    const client = await clientWith(access);
    const res = await client.post('/api/events', { event: 'scan_added', title: 'Scan', product_id: productId });
    expect(res.status).toBe(status);
    if (status === 404) expect((await errorOf(res)).message).toBe(`product_id ${productId} was not found.`);
    if (status === 403) expect((await errorOf(res)).message).toMatch(/Writer, Maintainer or Owner/);
    // Nothing was raised unless it was accepted.
    const raised = await findRows(t.deps.db, events);
    expect(raised).toHaveLength(status === 202 ? 1 : 0);
  });

  it('an engagement is written through its product', async () => {
    const engagement = await insertEngagement(t.deps, { name: 'Pentest', productId });
    const reader = await clientWith({ productRole: 'Reader' });
    const readerRes = await reader.post('/api/events', { event: 'engagement_added', title: 'x', engagement_id: engagement.id });
    expect(readerRes.status).toBe(403);
    const outsider = await clientWith({ typeRole: 'Reader' });
    await t.deps.db.run(sql`delete from product_type_members`);
    const hidden = await outsider.post('/api/events', { event: 'engagement_added', title: 'x', engagement_id: engagement.id });
    expect(hidden.status).toBe(404);
    const writer = await clientWith({ productRole: 'Writer' });
    expect((await writer.post('/api/events', { event: 'engagement_added', title: 'x', engagement_id: engagement.id })).status).toBe(202);
  });
});

describe('raising an event about a product type', () => {
  const rows: [string, number, TAccess][] = [
    ['no access', 404, {}],
    ['Reader on the type', 403, { typeRole: 'Reader' }],
    ['Owner of one of its products only (sees the type, may not write it)', 403, { productRole: 'Owner' }],
    ['global Reader', 403, { globalRole: 'Reader' }],
    ['Writer on the type', 202, { typeRole: 'Writer' }],
    ['global Maintainer', 202, { globalRole: 'Maintainer' }],
    ['superuser', 202, { isSuperuser: true }],
  ];
  it.each(rows)('%s → %i', async (_, status, access) => {
    const client = await clientWith(access);
    const res = await client.post('/api/events', { event: 'product_type_added', title: 'Type', product_type_id: typeId });
    expect(res.status).toBe(status);
  });

  it('a role on one type writes nothing on another', async () => {
    const client = await clientWith({ typeRole: 'Owner' });
    const res = await client.post('/api/events', { event: 'product_type_added', title: 'x', product_type_id: otherTypeId });
    expect(res.status).toBe(404);
  });
});

/** An integration token made through the API by the admin session, for `ownerId`. */
async function makeIntegrationToken(ownerId: number, canRaiseContextFree: boolean, name = 'GitLab CI'): Promise<TCreatedIntegrationToken> {
  const res = await asAdmin.post('/api/users/integration-tokens', { name, owner_id: ownerId, can_raise_context_free: canRaiseContextFree });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as TCreatedIntegrationToken;
}

describe('events without product context', () => {
  it('a user with no access cannot push a mention with a link of their choice into every bell', async () => {
    const dave = await clientWith({});
    for (const name of ['admin', 'user1']) {
      await t.deps.db.run(sql`insert into notification_settings (scope, user_id, event, channels)
        select 'personal', id, 'user_mentioned', 1 from users where username = ${name}`);
    }
    const res = await dave.post('/api/events', {
      event: 'user_mentioned',
      title: 'Your session expired, log in again',
      url: 'https://evil.example/login',
      recipients: ['admin'],
    });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toMatch(/only superusers/);
    expect(await findRows(t.deps.db, alerts)).toHaveLength(0);
  });

  it('a global Reader cannot broadcast a forged risk acceptance expiration; a product Writer cannot either', async () => {
    for (const access of [{ globalRole: 'Reader' as const }, { productRole: 'Writer' as const }, { globalRole: 'Owner' as const }]) {
      const client = await clientWith(access);
      const res = await client.post('/api/events', { event: 'risk_acceptance_expiration', title: 'Risk acceptance expired' });
      expect(res.status).toBe(403);
    }
    expect(await findRows(t.deps.db, events)).toHaveLength(0);
  });

  it('a superuser may, by session or by personal token', async () => {
    expect((await asAdmin.post('/api/events', { event: 'other', title: 'Maintenance tonight' })).status).toBe(202);
    const asToken = await createTokenClient(t.app, t.deps, admin, 'admin script');
    expect((await asToken.post('/api/events', { event: 'other', title: 'Maintenance tonight' })).status).toBe(202);
  });

  it('an integration token may when a superuser made it with that permission, and only while its maker is a superuser', async () => {
    const robot = await createAccount(t.deps, { username: 'ci-robot', email: 'ci@example.test', isService: true });
    const allowed = await makeIntegrationToken(robot.id, true);
    const plain = await makeIntegrationToken(robot.id, false, 'Scanner');
    const asAllowed = tokenClient(t.app, robot, allowed.key);
    const asPlain = tokenClient(t.app, robot, plain.key);
    expect((await asAllowed.post('/api/events', { event: 'other', title: 'Nightly build failed' })).status).toBe(202);
    const refused = await asPlain.post('/api/events', { event: 'other', title: 'Nightly build failed' });
    expect(refused.status).toBe(403);

    // The service user has no product role: product events need one, like anybody's.
    expect((await asAllowed.post('/api/events', { event: 'scan_added', title: 'x', product_id: productId })).status).toBe(404);

    // The maker loses superuser status: the permission lapses with it.
    await t.deps.db.run(sql`update users set is_superuser = 0 where id = ${admin.id}`);
    expect((await asAllowed.post('/api/events', { event: 'other', title: 'x' })).status).toBe(403);
  });

  it('a personal token of someone who is not a superuser cannot', async () => {
    const writer = await createUser(t.deps, { username: 'writer', products: [{ id: productId, role: 'Owner' }] });
    const asToken = await createTokenClient(t.app, t.deps, writer);
    expect((await asToken.post('/api/events', { event: 'other', title: 'x' })).status).toBe(403);
    expect((await asToken.post('/api/events', { event: 'scan_added', title: 'x', product_id: productId })).status).toBe(202);
  });
});

describe('recipients must be able to view the context', () => {
  beforeEach(async () => {
    await createUser(t.deps, { username: 'viewer', products: [{ id: productId }] });
    await createUser(t.deps, { username: 'stranger' });
    await createUser(t.deps, { username: 'elsewhere', productTypes: [{ id: otherTypeId }] });
    await createUser(t.deps, { username: 'auditor', globalRole: 'Reader' });
  });

  it('names every recipient who cannot view the product, and raises nothing', async () => {
    const writer = await clientWith({ productRole: 'Writer' });
    const res = await writer.post('/api/events', {
      event: 'user_mentioned',
      title: 'Look at this finding',
      product_id: productId,
      recipients: ['viewer', 'stranger', 'Elsewhere', 'auditor'],
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('recipients_cannot_view');
    expect(error.message).toContain('"stranger"');
    expect(error.message).toContain('"elsewhere"');
    expect(error.message).not.toContain('"viewer"');
    expect(error.message).not.toContain('"auditor"');
    expect(error.details).toMatchObject({ path: 'recipients', cannot_view: ['stranger', 'elsewhere'] });
    expect(await findRows(t.deps.db, events)).toHaveLength(0);
  });

  it('unknown usernames are named before access is looked at', async () => {
    const writer = await clientWith({ productRole: 'Writer' });
    const res = await writer.post('/api/events', {
      event: 'user_mentioned',
      title: 'x',
      product_id: productId,
      recipients: ['stranger', 'ghost'],
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('recipients: no user named "ghost".');
  });

  it('accepts recipients who can view the product (members, global roles, superusers) and alerts only them', async () => {
    await t.deps.db.run(sql`insert into notification_settings (scope, user_id, event, channels)
      select 'personal', id, 'user_mentioned', 1 from users`);
    const writer = await clientWith({ typeRole: 'Writer' });
    const res = await writer.post('/api/events', {
      event: 'user_mentioned',
      title: 'Look at this finding',
      product_id: productId,
      recipients: ['viewer', 'auditor', 'admin'],
    });
    expect(res.status).toBe(202);
    const created = (await res.json()) as TCreatedEvent;
    const alerted = await t.deps.db.all<{ username: string }>(sql`select u.username from alerts a join users u on u.id = a.user_id
      where a.event_id = ${created.id} order by u.username`);
    expect(alerted.map((r) => r.username)).toEqual(['admin', 'auditor', 'viewer']);
  });

  it('a context-free event from a superuser may name anyone', async () => {
    const res = await asAdmin.post('/api/events', { event: 'user_mentioned', title: 'x', recipients: ['stranger', 'elsewhere'] });
    expect(res.status).toBe(202);
  });
});

describe('who raised it', () => {
  const labelOf = async (eventId: number) => (await findRow(t.deps.db, events, eq(events.id, eventId)))?.raisedByLabel;

  it('records the user, the token and a label; Tocsin for its own code', async () => {
    const alice = await createUser(t.deps, { username: 'alice', productTypes: [{ id: typeId, role: 'Maintainer' }] });
    const asAlice = await loginAs(t.app, 'alice');
    const bySession = (await (
      await asAlice.post('/api/events', { event: 'scan_added', title: 'a', product_id: productId })
    ).json()) as TCreatedEvent;
    expect(await labelOf(bySession.id)).toBe('alice');
    const sessionRow = await findRow(t.deps.db, events, eq(events.id, bySession.id));
    expect(sessionRow).toMatchObject({ raisedByUserId: alice.id, raisedByTokenId: null });

    const asToken = await createTokenClient(t.app, t.deps, alice, 'GitLab CI');
    const byToken = (await (
      await asToken.post('/api/events', { event: 'scan_added', title: 'b', product_id: productId })
    ).json()) as TCreatedEvent;
    expect(await labelOf(byToken.id)).toBe("alice via token 'GitLab CI'");
    const tokenRow = await findRow(t.deps.db, events, eq(events.id, byToken.id));
    expect(tokenRow?.raisedByUserId).toBe(alice.id);
    expect(tokenRow?.raisedByTokenId).not.toBeNull();

    const own = await dispatchEvent(t.deps, { event: 'other', title: 'Job finished' });
    expect(await labelOf(own.eventId)).toBe('Tocsin');

    // Revoking the token keeps the record of what it raised.
    await t.deps.db.run(sql`delete from api_tokens`);
    expect(await labelOf(byToken.id)).toBe("alice via token 'GitLab CI'");
  });

  it('stores a link under PUBLIC_URL as an app path and keeps other links as sent', async () => {
    const inApp = (await (
      await asAdmin.post('/api/events', { event: 'other', title: 'a', url: 'https://tocsin.example.com/sec/products/1?tab=2#top' })
    ).json()) as TCreatedEvent;
    expect((await findRow(t.deps.db, events, eq(events.id, inApp.id)))?.url).toBe('/products/1?tab=2#top');
    for (const url of [
      'https://jira.example.com/browse/SEC-1',
      'https://tocsin.example.com/other-app/x',
      'http://tocsin.example.com/sec/products/1',
    ]) {
      const kept = (await (await asAdmin.post('/api/events', { event: 'other', title: 'b', url })).json()) as TCreatedEvent;
      expect((await findRow(t.deps.db, events, eq(events.id, kept.id)))?.url).toBe(url);
    }
  });
});
