import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/sessions';
import { sendHttp, startTestServer, type TTestServer } from '../lib/http-test-server';
import { createTestApp, createUser, loginAs, sendJson, TEST_PASSWORD } from '../test-utils';

type TTestContext = Awaited<ReturnType<typeof createTestApp>>;
let ctx: TTestContext | undefined;
async function setup(overrides: Parameters<typeof createTestApp>[0] = {}) {
  ctx = await createTestApp(overrides);
  return ctx;
}
afterEach(async () => {
  await ctx?.deps.cleanup();
  ctx = undefined;
});

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('POST /api/auth/login', () => {
  it('logs in, sets an HttpOnly SameSite=Lax cookie and returns the user with a CSRF token', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'Alice', firstName: 'Alice' });
    const res = await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { username: string; first_name: string }; csrf_token: string };
    expect(body.user.username).toBe('Alice');
    expect(body.csrf_token.length).toBeGreaterThan(20);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`${SESSION_COOKIE}=`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
    expect(body).not.toHaveProperty('user.password_hash');
  });

  it('marks the cookie Secure when COOKIE_SECURE is set', async () => {
    const { app, deps } = await setup({ COOKIE_SECURE: true });
    await createUser(deps, { username: 'alice' });
    const res = await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: TEST_PASSWORD });
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('marks the cookie Secure when PUBLIC_URL is https, unless COOKIE_SECURE says otherwise', async () => {
    const login = async (overrides: Parameters<typeof setup>[0]) => {
      const { app, deps } = await setup(overrides);
      await createUser(deps, { username: 'alice' });
      const res = await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: TEST_PASSWORD });
      await deps.cleanup();
      ctx = undefined;
      return res.headers.get('set-cookie') ?? '';
    };
    expect(await login({ PUBLIC_URL: 'https://tocsin.example.com' })).toMatch(/; Secure/);
    expect(await login({ PUBLIC_URL: 'http://tocsin.internal:3000' })).not.toMatch(/Secure/);
    expect(await login({ PUBLIC_URL: 'https://tocsin.example.com', COOKIE_SECURE: false })).not.toMatch(/Secure/);
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'alice' });
    const wrong = await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: 'nope-nope-nope' });
    const unknown = await sendJson(app, 'POST', '/api/auth/login', { username: 'nobody', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await errorOf(wrong)).toEqual(await errorOf(unknown));
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('refuses an inactive user with the same message', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'ivan', isActive: false });
    const res = await sendJson(app, 'POST', '/api/auth/login', { username: 'ivan', password: TEST_PASSWORD });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toBe('Invalid username or password.');
  });

  it('names the missing fields', async () => {
    const { app } = await setup();
    const res = await sendJson(app, 'POST', '/api/auth/login', { username: '' });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.message).toContain('username');
    expect(error.message).toContain('password');
  });

  it('locks a username after repeated failures, even the right password, and unlocks after the lock time', async () => {
    const { app, deps } = await setup({ LOGIN_MAX_FAILURES: 3, LOGIN_LOCK_SECONDS: 600 });
    let now = 1_800_000_000_000;
    deps.now = () => now;
    await createUser(deps, { username: 'alice' });
    for (let i = 0; i < 2; i++) {
      const res = await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: 'wrong-password' });
      expect(res.status).toBe(401);
    }
    const third = await sendJson(app, 'POST', '/api/auth/login', { username: 'ALICE', password: 'wrong-password' });
    expect(third.status).toBe(429);
    const locked = await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: TEST_PASSWORD });
    expect(locked.status).toBe(429);
    expect((await errorOf(locked)).message).toMatch(/try again in 10 minutes/i);
    now += 601_000;
    const ok = await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: TEST_PASSWORD });
    expect(ok.status).toBe(200);
  });

  it('locks unknown usernames too, and a success resets the count', async () => {
    const { app, deps } = await setup({ LOGIN_MAX_FAILURES: 2 });
    await createUser(deps, { username: 'alice' });
    await sendJson(app, 'POST', '/api/auth/login', { username: 'ghost', password: 'wrong-password' });
    const ghost = await sendJson(app, 'POST', '/api/auth/login', { username: 'ghost', password: 'wrong-password' });
    expect(ghost.status).toBe(429);

    await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: 'wrong-password' });
    expect((await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: TEST_PASSWORD })).status).toBe(200);
    const again = await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: 'wrong-password' });
    expect(again.status).toBe(401);
  });

  it('refuses a cross-site login but accepts a same-origin one', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'alice' });
    const body = { username: 'alice', password: TEST_PASSWORD };
    const evil = await sendJson(app, 'POST', '/api/auth/login', body, { origin: 'https://evil.example', host: 'localhost' });
    expect(evil.status).toBe(403);
    const same = await sendJson(app, 'POST', '/api/auth/login', body, { origin: 'http://localhost', host: 'localhost' });
    expect(same.status).toBe(200);
  });
});

describe('session, CSRF and logout', () => {
  it('GET /api/auth/me answers 401 without a session and the session with one', async () => {
    const { app, deps } = await setup();
    expect((await sendJson(app, 'GET', '/api/auth/me')).status).toBe(401);
    await createUser(deps, { username: 'alice' });
    const client = await loginAs(app, 'alice');
    const res = await client.get('/api/auth/me');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { username: string }; csrf_token: string };
    expect(body.user.username).toBe('alice');
    expect(body.csrf_token).toBe(client.csrfToken);
  });

  it('requires the CSRF token on cookie-authenticated writes', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'alice' });
    const client = await loginAs(app, 'alice');
    const res = await client.post('/api/auth/logout', undefined, { 'x-csrf-token': 'wrong' });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('csrf_failed');
    expect((await client.get('/api/auth/me')).status).toBe(200);
  });

  it('logout ends the session, clears the cookie and tells the bus', async () => {
    const { app, deps } = await setup();
    const alice = await createUser(deps, { username: 'alice' });
    const client = await loginAs(app, 'alice');
    const ended = new Promise<number[]>((resolve) => deps.bus.subscribe('sessions-ended', (message) => resolve(message.userIds)));
    const res = await client.post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`${SESSION_COOKIE}=;`));
    expect((await client.get('/api/auth/me')).status).toBe(401);
    expect(await ended).toEqual([alice.id]);
  });

  it('a deactivated user loses their session', async () => {
    const { app, deps } = await setup();
    const alice = await createUser(deps, { username: 'alice' });
    const client = await loginAs(app, 'alice');
    await deps.db.run(sql`update users set is_active = 0 where id = ${alice.id}`);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });
});

describe('the login throttle over a real socket', () => {
  let server: TTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const login = (port: number, username: string, password: string, options: { from?: string; forwardedFor?: string } = {}) =>
    sendHttp(port, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json', ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}) },
      body: JSON.stringify({ username, password }),
      localAddress: options.from,
    });

  it('locks the attacker’s address only: the real user logs in from another machine', async () => {
    const { app, deps } = await setup({ LOGIN_MAX_FAILURES: 3 });
    await createUser(deps, { username: 'alice' });
    server = await startTestServer(app);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(server.port, 'alice', 'wrong-password', { from: '127.0.0.66' })).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
    expect((await login(server.port, 'alice', TEST_PASSWORD, { from: '127.0.0.66' })).status).toBe(429);
    expect((await login(server.port, 'alice', TEST_PASSWORD, { from: '127.0.0.10' })).status).toBe(200);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: a sprayer cannot pose as many addresses', async () => {
    const { app } = await setup({ LOGIN_MAX_FAILURES_PER_ADDRESS: 5 });
    server = await startTestServer(app);
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      const res = await login(server.port, `name${i}`, 'wrong-password', { from: '127.0.0.66', forwardedFor: `198.51.100.${i}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const rows = await ctx?.deps.db.all<{ address: string }>(sql`select address from login_address_throttle`);
    expect(rows).toEqual([{ address: '127.0.0.66' }]);
  });

  it('honours X-Forwarded-For from a trusted proxy: two clients behind it are throttled apart', async () => {
    const { app, deps } = await setup({ LOGIN_MAX_FAILURES: 2, TRUST_PROXY: '127.0.0.1, 127.0.0.2' });
    await createUser(deps, { username: 'alice' });
    server = await startTestServer(app);
    // The proxy (127.0.0.1) forwards the attacker (198.51.100.66), who also wrote an address of their own choosing.
    for (let i = 0; i < 2; i++) {
      await login(server.port, 'alice', 'wrong-password', { from: '127.0.0.1', forwardedFor: `10.9.9.${i}, 198.51.100.66` });
    }
    const attacker = await login(server.port, 'alice', TEST_PASSWORD, { from: '127.0.0.1', forwardedFor: '10.9.9.9, 198.51.100.66' });
    expect(attacker.status).toBe(429);
    const alice = await login(server.port, 'alice', TEST_PASSWORD, { from: '127.0.0.1', forwardedFor: '203.0.113.10' });
    expect(alice.status).toBe(200);
    // A peer that is not a trusted proxy is the client itself, whatever it forwards.
    const direct = await login(server.port, 'alice', 'wrong-password', { from: '127.0.0.77', forwardedFor: '203.0.113.10' });
    expect(direct.status).toBe(401);
    const rows = await deps.db.all<{ key: string }>(sql`select key from login_throttle order by key`);
    expect(rows.map((r) => r.key.split('\n')[1])).toEqual(['127.0.0.77', '198.51.100.66']);
  });
});
