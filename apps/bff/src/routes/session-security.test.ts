/**
 * Regressions the security review found untested (security issue §8, the access part), and the token rules of
 * §5: CSRF on cookie writes (no header at all, wrong or missing on DELETE), session lifetime, deactivated
 * accounts, token expiry, revocation on password change and reset, tokens that cannot manage tokens, and
 * integration tokens for service users.
 */
import type { TApiToken, TCreatedIntegrationToken, TCreatedToken, TIntegrationToken } from '@tocsin/contract/auth';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { LAST_USED_PRECISION_MS, SESSION_COOKIE } from '../auth/sessions';
import { dispatchEvent } from '../notifications/dispatch';
import { createUser as createAccount } from '../services/users';
import { createTestApp, createUser, loginAs, sendJson, TEST_PASSWORD, type TTestClient } from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let now: number;
let alice: UserRow;
let asAlice: TTestClient;

type TError = { error: { code: string; message: string } };
const errorOf = async (res: Response) => ((await res.json()) as TError).error;
const count = async (table: string) =>
  (await t.deps.db.get<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)}`))?.n ?? -1;

beforeEach(async () => {
  // 2026-03-10 12:00 UTC; TIME_ZONE is UTC, so token expiry days change at midnight UTC.
  now = Date.UTC(2026, 2, 10, 12);
  t = await createTestApp({ SESSION_TTL_HOURS: 12 });
  t.deps.now = () => now;
  alice = await createUser(t.deps, { username: 'alice' });
  asAlice = await loginAs(t.app, 'alice');
});
afterEach(() => t.deps.cleanup());

/** The session cookie alone: no X-CSRF-Token header at all. */
const withCookieOnly = (client: TTestClient) => ({ cookie: `${SESSION_COOKIE}=${client.cookie}` });

describe('CSRF on cookie-authenticated writes', () => {
  it('refuses a write with no X-CSRF-Token header at all, and changes nothing', async () => {
    const patch = await sendJson(t.app, 'PATCH', '/api/me', { first_name: 'Mallory' }, withCookieOnly(asAlice));
    expect(patch.status).toBe(403);
    expect((await errorOf(patch)).code).toBe('csrf_failed');
    const create = await sendJson(t.app, 'POST', '/api/me/tokens', { name: 'planted' }, withCookieOnly(asAlice));
    expect(create.status).toBe(403);
    expect(await count('api_tokens')).toBe(0);
    const profile = (await (await asAlice.get('/api/me')).json()) as { first_name: string };
    expect(profile.first_name).toBe('');
  });

  it('refuses a DELETE with a wrong or a missing token, and removes nothing', async () => {
    await t.deps.db.run(
      sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${alice.id}, 'other', 1)`,
    );
    await dispatchEvent(t.deps, { event: 'other', title: 'Keep me', recipients: [alice.id] });
    const { token } = (await (await asAlice.post('/api/me/tokens', { name: 'ci' })).json()) as TCreatedToken;

    for (const headers of [{ ...withCookieOnly(asAlice) }, { ...withCookieOnly(asAlice), 'x-csrf-token': 'not-the-token' }]) {
      const clear = await sendJson(t.app, 'DELETE', '/api/alerts', undefined, headers);
      expect(clear.status).toBe(403);
      expect((await errorOf(clear)).code).toBe('csrf_failed');
      const revoke = await sendJson(t.app, 'DELETE', `/api/me/tokens/${token.id}`, undefined, headers);
      expect(revoke.status).toBe(403);
    }
    expect(await count('alerts')).toBe(1);
    expect(await count('api_tokens')).toBe(1);
  });
});

describe('sessions', () => {
  it('a session past its lifetime is refused with 401', async () => {
    expect((await asAlice.get('/api/me')).status).toBe(200);
    now += 12 * 3600_000 - 1;
    expect((await asAlice.get('/api/me')).status).toBe(200);
    now += 1;
    const expired = await asAlice.get('/api/me');
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).code).toBe('unauthorized');
  });
});

describe('API tokens', () => {
  async function createToken(body: Record<string, unknown> = { name: 'ci' }): Promise<TCreatedToken> {
    const res = await asAlice.post('/api/me/tokens', body);
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as TCreatedToken;
  }
  const withToken = (key: string) => ({ authorization: `Token ${key}` });

  it('a deactivated user’s token is refused with 401, saying why', async () => {
    const { key } = await createToken();
    expect((await sendJson(t.app, 'GET', '/api/me', undefined, withToken(key))).status).toBe(200);
    await createUser(t.deps, { username: 'admin', isSuperuser: true });
    const asAdmin = await loginAs(t.app, 'admin');
    expect((await asAdmin.patch(`/api/users/${alice.id}`, { is_active: false })).status).toBe(200);
    const refused = await sendJson(t.app, 'GET', '/api/me', undefined, withToken(key));
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).message).toBe('The account "alice" that owns this API token is deactivated.');
    const raise = await sendJson(t.app, 'POST', '/api/events', { event: 'other', title: 'x' }, withToken(key));
    expect(raise.status).toBe(401);
  });

  it('expires after the day it names, with a 401 that says so; the day must not be over already', async () => {
    const { key, token } = await createToken({ name: 'ci', expires_on: '2026-03-11' });
    expect(token).toMatchObject({ expires_on: '2026-03-11', is_expired: false, kind: 'personal' });
    now = Date.UTC(2026, 2, 11, 23, 59);
    expect((await sendJson(t.app, 'GET', '/api/me', undefined, withToken(key))).status).toBe(200);
    now = Date.UTC(2026, 2, 12, 0, 0);
    asAlice = await loginAs(t.app, 'alice'); // the first session has run out meanwhile
    const expired = await sendJson(t.app, 'GET', '/api/me', undefined, withToken(key));
    expect(expired.status).toBe(401);
    expect(await errorOf(expired)).toEqual({
      code: 'token_expired',
      message: 'This API token expired on 2026-03-11. Create a new one on your profile page.',
    });
    const listed = (await (await asAlice.get('/api/me/tokens')).json()) as TApiToken[];
    expect(listed[0]).toMatchObject({ expires_on: '2026-03-11', is_expired: true });

    const past = await asAlice.post('/api/me/tokens', { name: 'late', expires_on: '2026-03-11' });
    expect(past.status).toBe(400);
    expect((await errorOf(past)).message).toBe('expires_on: 2026-03-11 is in the past; choose 2026-03-12 or a later day.');
  });

  it('shows when each token was last used', async () => {
    const { key } = await createToken();
    expect(((await (await asAlice.get('/api/me/tokens')).json()) as TApiToken[])[0]?.last_used_at).toBeNull();
    now += 60_000;
    await sendJson(t.app, 'GET', '/api/alerts/summary', undefined, withToken(key));
    const firstUse = new Date(now).toISOString();
    const lastUsed = async () => ((await (await asAlice.get('/api/me/tokens')).json()) as TApiToken[])[0]?.last_used_at;
    expect(await lastUsed()).toBe(firstUse);
    // Kept to the minute: a request within a minute of the last recorded use writes nothing; a later one does.
    now += LAST_USED_PRECISION_MS - 1;
    await sendJson(t.app, 'GET', '/api/alerts/summary', undefined, withToken(key));
    expect(await lastUsed()).toBe(firstUse);
    now += 1;
    await sendJson(t.app, 'GET', '/api/alerts/summary', undefined, withToken(key));
    expect(await lastUsed()).toBe(new Date(now).toISOString());
  });

  it('changing one’s password revokes every token of the user', async () => {
    const first = await createToken({ name: 'one' });
    const second = await createToken({ name: 'two' });
    const res = await asAlice.post('/api/me/password', { current_password: TEST_PASSWORD, new_password: 'another-password-2' });
    expect(res.status).toBe(204);
    for (const { key } of [first, second]) {
      const refused = await sendJson(t.app, 'GET', '/api/me', undefined, withToken(key));
      expect(refused.status).toBe(401);
      expect((await errorOf(refused)).message).toMatch(/not valid \(it may have been revoked\)/);
    }
    expect(await (await asAlice.get('/api/me/tokens')).json()).toEqual([]);
  });

  it('a superuser resetting the password revokes the user’s tokens too; other users keep theirs', async () => {
    const { key } = await createToken();
    await createUser(t.deps, { username: 'bob' });
    const asBob = await loginAs(t.app, 'bob');
    const bobs = (await (await asBob.post('/api/me/tokens', { name: 'bob-ci' })).json()) as TCreatedToken;
    await createUser(t.deps, { username: 'admin', isSuperuser: true });
    const asAdmin = await loginAs(t.app, 'admin');
    expect((await asAdmin.patch(`/api/users/${alice.id}`, { password: 'reset-password-3' })).status).toBe(200);
    expect((await sendJson(t.app, 'GET', '/api/me', undefined, withToken(key))).status).toBe(401);
    expect((await sendJson(t.app, 'GET', '/api/me', undefined, withToken(bobs.key))).status).toBe(200);
    // Editing anything else leaves tokens alone (the reset ended alice's session: she logs in again).
    asAlice = await loginAs(t.app, 'alice', 'reset-password-3');
    const again = await createToken();
    expect((await asAdmin.patch(`/api/users/${alice.id}`, { first_name: 'Alice' })).status).toBe(200);
    expect((await sendJson(t.app, 'GET', '/api/me', undefined, withToken(again.key))).status).toBe(200);
  });

  it('a token cannot create or revoke tokens (403), whatever the body', async () => {
    const { key, token } = await createToken();
    const create = await sendJson(t.app, 'POST', '/api/me/tokens', { name: 'minted' }, withToken(key));
    expect(create.status).toBe(403);
    expect(await errorOf(create)).toEqual({
      code: 'session_required',
      message: 'An API token cannot create or revoke API tokens. Log in to Tocsin in a browser to do it.',
    });
    expect((await sendJson(t.app, 'POST', '/api/me/tokens', { bogus: true }, withToken(key))).status).toBe(403);
    expect((await sendJson(t.app, 'DELETE', `/api/me/tokens/${token.id}`, undefined, withToken(key))).status).toBe(403);
    expect(await count('api_tokens')).toBe(1);
    // Reading the list is fine.
    expect((await sendJson(t.app, 'GET', '/api/me/tokens', undefined, withToken(key))).status).toBe(200);
  });
});

describe('integration tokens', () => {
  let admin: UserRow;
  let asAdmin: TTestClient;
  let robot: UserRow;
  beforeEach(async () => {
    admin = await createUser(t.deps, { username: 'admin', isSuperuser: true });
    asAdmin = await loginAs(t.app, 'admin');
    robot = await createAccount(t.deps, { username: 'gitlab-ci', email: 'ci@example.test', isService: true });
  });

  it('a superuser makes one for a service user or for themselves, lists and revokes it; the key is shown once', async () => {
    const res = await asAdmin.post('/api/users/integration-tokens', {
      name: 'GitLab CI',
      owner_id: robot.id,
      can_raise_context_free: true,
      expires_on: '2026-12-31',
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as TCreatedIntegrationToken;
    expect(created.token).toMatchObject({
      name: 'GitLab CI',
      kind: 'integration',
      owner: { id: robot.id, username: 'gitlab-ci' },
      created_by: 'admin',
      can_raise_context_free: true,
      expires_on: '2026-12-31',
      is_expired: false,
    });
    const own = await asAdmin.post('/api/users/integration-tokens', { name: 'Admin script', owner_id: admin.id });
    expect(own.status).toBe(201);

    const list = (await (await asAdmin.get('/api/users/integration-tokens')).json()) as TIntegrationToken[];
    expect(list.map((x) => x.name)).toEqual(['Admin script', 'GitLab CI']);
    expect(JSON.stringify(list)).not.toContain(created.key);
    // Integration tokens are not personal tokens: the admin's profile list stays empty.
    expect(await (await asAdmin.get('/api/me/tokens')).json()).toEqual([]);

    const asRobot = { authorization: `Token ${created.key}` };
    const summary = await sendJson(t.app, 'GET', '/api/alerts/summary', undefined, asRobot);
    expect(summary.status).toBe(200);

    expect((await asAdmin.delete(`/api/users/integration-tokens/${created.token.id}`)).status).toBe(204);
    expect((await sendJson(t.app, 'GET', '/api/alerts/summary', undefined, asRobot)).status).toBe(401);
    expect((await asAdmin.delete(`/api/users/integration-tokens/${created.token.id}`)).status).toBe(404);
  });

  it('refuses a person as owner, and anyone but a superuser at a browser', async () => {
    const person = await asAdmin.post('/api/users/integration-tokens', { name: 'x', owner_id: alice.id });
    expect(person.status).toBe(400);
    expect((await errorOf(person)).message).toMatch(/"alice" is a person, not a service user/);
    const nobody = await asAdmin.post('/api/users/integration-tokens', { name: 'x', owner_id: 9999 });
    expect(nobody.status).toBe(400);

    const notSuper = await asAlice.post('/api/users/integration-tokens', { name: 'x', owner_id: robot.id });
    expect(notSuper.status).toBe(403);
    expect((await asAlice.get('/api/users/integration-tokens')).status).toBe(403);

    const adminToken = (await (await asAdmin.post('/api/me/tokens', { name: 'admin' })).json()) as TCreatedToken;
    const viaToken = await sendJson(
      t.app,
      'POST',
      '/api/users/integration-tokens',
      { name: 'x', owner_id: robot.id },
      { authorization: `Token ${adminToken.key}` },
    );
    expect(viaToken.status).toBe(403);
    expect((await errorOf(viaToken)).code).toBe('session_required');
    expect(await count('api_tokens')).toBe(1);
  });

  it('service users have no password, cannot log in and cannot be superusers', async () => {
    const created = await asAdmin.post('/api/users', { username: 'scanner-bot', email: 'bot@example.test', is_service: true });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ username: 'scanner-bot', is_service: true, is_superuser: false });
    const withPassword = await asAdmin.post('/api/users', {
      username: 'bot2',
      email: 'bot2@example.test',
      is_service: true,
      password: 'a-long-password',
    });
    expect(withPassword.status).toBe(400);
    const person = await asAdmin.post('/api/users', { username: 'carol', email: 'carol@example.test' });
    expect(person.status).toBe(400);
    expect((await errorOf(person)).message).toBe('password: Enter a password');

    // Even with a password set by a reset, login refuses a service user like a wrong password.
    expect((await asAdmin.patch(`/api/users/${robot.id}`, { password: 'known-password-1' })).status).toBe(200);
    const login = await sendJson(t.app, 'POST', '/api/auth/login', { username: 'gitlab-ci', password: 'known-password-1' });
    expect(login.status).toBe(401);
    expect((await asAdmin.patch(`/api/users/${robot.id}`, { is_superuser: true })).status).toBe(400);
  });
});
