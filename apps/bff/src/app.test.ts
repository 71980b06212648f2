/**
 * What every request meets before a route (security issue §6): security headers, no caching of API answers,
 * authentication before any validation on every route of the OpenAPI document, clear answers for a body that
 * is not JSON or not valid JSON, and sockets that survive (or close cleanly after) an answer to an unread body.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLIC_API_ROUTES } from './app';
import { sendHttp, startTestServer, type TTestServer } from './lib/http-test-server';
import { createTestApp, createUser, loginAs, sendJson } from './test-utils';

type TTestContext = Awaited<ReturnType<typeof createTestApp>>;
let ctx: TTestContext | undefined;
let server: TTestServer | undefined;
let webDist: string | undefined;

async function setup(overrides: Parameters<typeof createTestApp>[0] = {}) {
  ctx = await createTestApp(overrides);
  return ctx;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
  await ctx?.deps.cleanup();
  ctx = undefined;
  if (webDist) fs.rmSync(webDist, { recursive: true, force: true });
  webDist = undefined;
});

type TError = { error: { code: string; message: string; details?: unknown } };
const errorOf = async (res: Response) => ((await res.json()) as TError).error;

describe('security headers', () => {
  it('are on API answers, error answers and the SPA, with a CSP that allows no inline script and no framing', async () => {
    webDist = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-web-'));
    fs.writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
    const { app, deps } = await setup({ WEB_DIST: webDist });
    await createUser(deps, { username: 'alice' });
    const asAlice = await loginAs(app, 'alice');

    const answers = {
      api: await asAlice.get('/api/alerts/summary'),
      error: await sendJson(app, 'GET', '/api/alerts'),
      unknownApi: await asAlice.get('/api/no-such-route'),
      spa: await sendJson(app, 'GET', '/alerts'),
    };
    expect(answers.api.status).toBe(200);
    expect(answers.error.status).toBe(401);
    expect(answers.unknownApi.status).toBe(404);
    expect(answers.spa.status).toBe(200);
    for (const [name, res] of Object.entries(answers)) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).toContain("script-src 'self'");
      expect(csp, name).toContain("default-src 'self'");
      expect(csp, name).toContain("object-src 'none'");
      expect(csp, name).not.toContain('unsafe-inline');
      expect(csp, name).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), name).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options'), name).toBe('DENY');
      // Plain http: no HSTS (browsers ignore it there, and it would pin a host that has no TLS).
      expect(res.headers.get('strict-transport-security'), name).toBeNull();
    }
    for (const name of ['api', 'error', 'unknownApi'] as const) expect(answers[name].headers.get('cache-control'), name).toBe('no-store');
    expect(answers.spa.headers.get('cache-control')).not.toBe('no-store');
  });

  it('adds HSTS when PUBLIC_URL is https', async () => {
    const { app } = await setup({ PUBLIC_URL: 'https://tocsin.example.com' });
    const res = await sendJson(app, 'GET', '/api/openapi.json');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=15552000');
  });
});

type TOpenApi = { paths: Record<string, Record<string, unknown>> };

describe('authentication comes before validation', () => {
  it('answers 401 to an anonymous caller on every route of the OpenAPI document, whatever the body or content type', async () => {
    const { app } = await setup();
    const doc = (await (await sendJson(app, 'GET', '/api/openapi.json')).json()) as TOpenApi;
    const routes = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path: p })),
    );
    expect(routes.length).toBeGreaterThan(40);
    const isPublic = (method: string, p: string) => PUBLIC_API_ROUTES.some((r) => r.method === method && r.path === p);
    let checked = 0;
    for (const route of routes) {
      if (isPublic(route.method, route.path)) continue;
      // Ids that do not exist and a body that fails every schema: a 401 must come first all the same.
      const url = route.path.replace(/\{[^}]+\}/g, '999999');
      const attempts: [unknown, Record<string, string>][] = [
        [{ __proto__bogus: true, ids: 'x' }, {}],
        ['not json', { 'content-type': 'text/plain' }],
        ['{"broken":', { 'content-type': 'application/json' }],
      ];
      for (const [body, headers] of attempts) {
        const res = await sendJson(app, route.method, url, route.method === 'GET' ? undefined : body, headers);
        expect(res.status, `${route.method} ${route.path}`).toBe(401);
        expect((await errorOf(res)).code, `${route.method} ${route.path}`).toBe('unauthorized');
      }
      checked += 1;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('lets the public routes through: login validates, logout without a session is fine, the document is served', async () => {
    const { app } = await setup();
    const login = await sendJson(app, 'POST', '/api/auth/login', { username: '' });
    expect(login.status).toBe(400);
    expect((await sendJson(app, 'POST', '/api/auth/logout')).status).toBe(204);
    expect((await sendJson(app, 'GET', '/api/openapi.json')).status).toBe(200);
  });
});

describe('request bodies', () => {
  it('refuses a body that is not JSON with 415 and says what to send', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'alice' });
    const asAlice = await loginAs(app, 'alice');
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await asAlice.request('POST', '/api/alerts/remove', 'ids=1', { 'content-type': contentType });
      expect(res.status, contentType).toBe(415);
      expect(await errorOf(res)).toEqual({ code: 'unsupported_media_type', message: 'Send JSON with Content-Type: application/json.' });
    }
    // A body with no content type at all, too.
    const bare = await asAlice.request('POST', '/api/alerts/remove', undefined, { 'content-length': '0' });
    expect(bare.status).toBe(415);
  });

  it('answers malformed JSON with 400 invalid_json naming where it breaks', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'alice' });
    const asAlice = await loginAs(app, 'alice');
    const res = await asAlice.request('POST', '/api/me/tokens', '{\n  "name": "ci",\n  "expires_on": }', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_json');
    expect(error.message).toBe(`The request body is not valid JSON at line 3, column 17 (position 34): unexpected "}", expected a value.`);
    expect(error.details).toEqual({ position: 34, line: 3, column: 17 });

    const empty = await asAlice.request('POST', '/api/me/tokens', '', { 'content-type': 'application/json' });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).message).toBe('The request body is not valid JSON at line 1, column 1 (position 0): the body is empty.');

    // application/merge-patch+json and charset parameters are JSON too.
    const charset = await asAlice.request('POST', '/api/me/tokens', JSON.stringify({ name: 'ci' }), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(charset.status).toBe(201);
  });

  it('refuses keys the server does not know, __proto__ included, and text that is not plain', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'admin', isSuperuser: true });
    const asAdmin = await loginAs(app, 'admin');
    const proto = await asAdmin.request('POST', '/api/me/tokens', '{"name":"ci","__proto__":{"isAdmin":true}}', {
      'content-type': 'application/json',
    });
    expect(proto.status).toBe(400);
    expect((await errorOf(proto)).message).toContain('__proto__');

    const bell = await asAdmin.post('/api/me/tokens', { name: 'ci\u0007pipeline' });
    expect(bell.status).toBe(400);
    expect((await errorOf(bell)).message).toMatch(/^name: /);

    const badDate = await asAdmin.post('/api/me/tokens', { name: 'ci', expires_on: '2026-02-30' });
    expect(badDate.status).toBe(400);
    expect((await errorOf(badDate)).message).toBe('expires_on: There is no such day in the calendar');

    const badUser = await asAdmin.post('/api/users', { username: 'two words', email: 'x@example.test', password: 'long-enough-pw' });
    expect(badUser.status).toBe(400);
    expect((await errorOf(badUser)).message).toContain('username');

    const badRecipient = await asAdmin.post('/api/events', { event: 'other', title: 't', recipients: ['line\nbreak'] });
    expect(badRecipient.status).toBe(400);
    expect((await errorOf(badRecipient)).message).toContain('recipients.0');
  });
});

describe('keep-alive sockets and unread bodies', () => {
  it('after a 413 the next request on the same agent gets a proper answer; a normal answer keeps the socket', async () => {
    const { app, deps } = await setup();
    await createUser(deps, { username: 'alice' });
    server = await startTestServer(app);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets: unknown[] = [];
      agent.on('free', (socket) => sockets.push(socket));
      const body = JSON.stringify({ username: 'alice', password: 'x'.repeat(3 * 1024 * 1024) });
      const framings: Record<string, string>[] = [
        { 'content-length': String(Buffer.byteLength(body)) },
        { 'transfer-encoding': 'chunked' },
      ];
      for (const framing of framings) {
        const tooLarge = await sendHttp(server.port, {
          method: 'POST',
          path: '/api/auth/login',
          headers: { 'content-type': 'application/json', ...framing },
          body,
          agent,
        });
        expect(tooLarge.status).toBe(413);
        expect(JSON.parse(tooLarge.body).error.code).toBe('payload_too_large');
        // The server says it will close, so the client does not reuse a socket with half a body on it.
        expect(tooLarge.headers.connection).toBe('close');
        const next = await sendHttp(server.port, { path: '/api/openapi.json', agent });
        expect(next.status).toBe(200);
      }

      // An anonymous write with a body nobody reads (401 before the body) is answered the same way.
      const unread = await sendHttp(server.port, {
        method: 'POST',
        path: '/api/events',
        headers: { 'content-type': 'application/json', 'content-length': String(600_000) },
        body: `{"title":"${'t'.repeat(600_000 - 12)}"}`,
        agent,
      });
      expect(unread.status).toBe(401);
      expect((await sendHttp(server.port, { path: '/api/openapi.json', agent })).status).toBe(200);

      // An ordinary request keeps its socket alive for the next one.
      sockets.length = 0;
      await sendHttp(server.port, { path: '/api/openapi.json', agent });
      await sendHttp(server.port, { path: '/api/openapi.json', agent });
      expect(sockets).toHaveLength(2);
      expect(sockets[0]).toBe(sockets[1]);
    } finally {
      agent.destroy();
    }
  });
});
