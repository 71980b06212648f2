/**
 * Sessions, tokens and login abuse, tried through the API as an attacker would: a burst of 150 concurrent wrong
 * passwords for one username over real sockets (the password checks are counted), the real user logging in from
 * another address meanwhile, token revocation on a password change, a token trying to mint or revoke tokens, the
 * live stream after logout, and a webhook whose hostile name ends up in the superusers' failure notices.
 */
import type { TAlert } from '@tocsin/contract/alerts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyPassword } from '../auth/passwords';
import { updateSystemSettings } from '../delivery/test-peers/fixtures';
import { startHttpReceiver } from '../delivery/test-peers/http-receiver';
import { runDueDeliveries } from '../delivery/worker';
import { sendHttp, startTestServer, type TTestServer } from '../lib/http-test-server';
import { readSse } from '../test-setup/sse';
import { TEST_PASSWORD, tokenClient } from '../test-utils';
import { createWorld, ok, type TWorld } from './world';

// The real verifyPassword, wrapped so the test can count how many passwords were actually checked.
vi.mock('../auth/passwords', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../auth/passwords')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

let w: TWorld;
beforeAll(async () => {
  w = await createWorld({ LOGIN_MAX_FAILURES: 5, LOGIN_MAX_FAILURES_PER_ADDRESS: 20, DELIVERY_MAX_ATTEMPTS: 1 });
});
afterAll(async () => {
  await w.close();
});

describe('the login burst', () => {
  let server: TTestServer;
  beforeAll(async () => {
    server = await startTestServer(w.app);
  });
  afterAll(async () => {
    await server.close();
  });

  const login = (username: string, password: string, from: string) =>
    sendHttp(server.port, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      localAddress: from,
    });

  it('150 concurrent wrong passwords for one name check at most LOGIN_MAX_FAILURES of them; the user still gets in from elsewhere', async () => {
    const verified = vi.mocked(verifyPassword);
    verified.mockClear();
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => login('reader', `wrong-password-${i}`, '127.0.0.66')));
    const statuses: Record<number, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    expect(verified.mock.calls.length).toBeLessThanOrEqual(5);
    expect(statuses[200]).toBeUndefined();
    expect((statuses[401] ?? 0) + (statuses[429] ?? 0)).toBe(150);
    expect(statuses[429] ?? 0).toBeGreaterThanOrEqual(145);
    for (const a of answers) expect(JSON.parse(a.body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });

    // The attacker's address is locked out of the name, even with the right password, and nothing is checked.
    const checked = verified.mock.calls.length;
    expect((await login('reader', TEST_PASSWORD, '127.0.0.66')).status).toBe(429);
    expect(verified.mock.calls.length).toBe(checked);
    // The real user, from their own machine, is not locked out by a stranger.
    expect((await login('reader', TEST_PASSWORD, '127.0.0.10')).status).toBe(200);
  });

  it('one address spraying many names is stopped after LOGIN_MAX_FAILURES_PER_ADDRESS checks', async () => {
    const verified = vi.mocked(verifyPassword);
    verified.mockClear();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => login(`user-${i}`, 'Summer2026!', '127.0.0.77')));
    expect(verified.mock.calls.length).toBeLessThanOrEqual(20);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(40);
  });
});

describe('tokens', () => {
  it('a password change revokes every token of the user', async () => {
    const { key } = await ok<{ key: string }>(w.clients.maintainer.post('/api/me/tokens', { name: 'script' }));
    const token = tokenClient(w.app, w.users.maintainer, key);
    expect((await token.get('/api/me')).status).toBe(200);
    await ok(w.clients.maintainer.post('/api/me/password', { current_password: TEST_PASSWORD, new_password: 'a-brand-new-password-1' }));
    expect((await token.get('/api/me')).status).toBe(401);
    expect((await w.send('anonymous', 'GET', '/api/me', undefined, { authorization: `Token ${w.keys.tokens.maintainer}` })).status).toBe(
      401,
    );
  });

  it('a token can neither create nor revoke tokens, personal or for integrations; nothing changes', async () => {
    const asWriter = tokenClient(w.app, w.users.writer, w.keys.tokens.writer);
    const asRoot = tokenClient(w.app, w.users.superuser, w.keys.tokens.superuser);
    const tokenIds = async () => (await ok<{ id: number }[]>(w.clients.writer.get('/api/me/tokens'))).map((t) => t.id);
    const integrationIds = async () =>
      (await ok<{ id: number }[]>(w.clients.superuser.get('/api/users/integration-tokens'))).map((t) => t.id);
    const before = { personal: await tokenIds(), integration: await integrationIds() };
    for (const [client, method, path, body] of [
      [asWriter, 'POST', '/api/me/tokens', { name: 'minted' }],
      [asWriter, 'DELETE', `/api/me/tokens/${w.ids.tokens.writer}`, undefined],
      [asRoot, 'POST', '/api/users/integration-tokens', { name: 'minted', owner_id: w.users.superuser.id }],
      [asRoot, 'DELETE', `/api/users/integration-tokens/${w.ids.integrationToken}`, undefined],
    ] as const) {
      const res = await client.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('session_required');
    }
    expect({ personal: await tokenIds(), integration: await integrationIds() }).toEqual(before);
    expect((await asWriter.get('/api/me')).status).toBe(200);
  });
});

describe('the live stream', () => {
  it('ends when its session logs out', async () => {
    const res = await w.clients.stranger.get('/api/alerts/stream');
    expect(res.status).toBe(200);
    const stream = readSse(res);
    await stream.next();
    expect((await w.clients.stranger.post('/api/auth/logout')).status).toBeLessThan(300);
    await expect(stream.next()).rejects.toThrow('stream ended');
    expect((await w.clients.stranger.get('/api/alerts/stream')).status).toBe(401);
  });
});

describe('failure notices', () => {
  it('a webhook named with markdown, links and newlines: the newline is refused, the rest reaches the superuser as inert text', async () => {
    const receiver = await startHttpReceiver({ respond: (req) => (/"ping"/.test(req.body) ? { status: 204 } : { status: 500 }) });
    try {
      const withNewline = await w.clients.writer.post('/api/webhooks', { name: 'Hook\n# Owned', url: `${receiver.url}/a` });
      expect(withNewline.status).toBe(400);
      expect(((await withNewline.json()) as { error: { message: string } }).error.message).toMatch(/^name: /);

      const hostile = '[Reset your password](https://evil.example/reset) **now** <img src=x onerror=alert(1)> `code` _x_';
      await ok(w.clients.writer.post('/api/webhooks', { name: hostile, url: `${receiver.url}/b` }));
      await ok(w.clients.writer.put('/api/notifications/settings/personal', { settings: { scan_added: ['webhooks'] } }));
      await updateSystemSettings(w.deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
      await ok(
        w.clients.writer.post('/api/events', { event: 'scan_added', title: 'Scan [x](https://evil.example)', product_id: w.ids.product }),
      );
      await runDueDeliveries(w.deps);

      const notices = (await ok<{ items: TAlert[] }>(w.clients.superuser.get('/api/alerts'))).items.filter((a) =>
        a.title.includes('Reset'),
      );
      expect(notices.length).toBeGreaterThan(0);
      for (const notice of notices) {
        // The title is plain text: the name as written, on one line.
        expect(notice.title).not.toMatch(/[\r\n]/);
        expect(notice.title).toContain('[Reset your password]');
        // The description is markdown: nothing in it may be a link, a heading, emphasis from the name, or HTML.
        expect(notice.description).not.toMatch(/(^|[^\\])\[[^\]]*\]\(/);
        expect(notice.description).not.toMatch(/^\s{0,3}#/m);
        expect(notice.description).not.toMatch(/(^|[^\\])<[a-z/]/i);
        expect(notice.description).not.toMatch(/(^|[^\\])\*\*now/);
        expect(notice.description).not.toContain('https://evil.example');
      }
      // Nobody else is told about the writer's failing endpoint.
      const others = (await ok<{ items: TAlert[] }>(w.clients.reader.get('/api/alerts'))).items;
      expect(others.filter((a) => a.title.includes('Reset'))).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
