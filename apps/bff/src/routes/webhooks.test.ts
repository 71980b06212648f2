import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TWebhook, TWebhookList } from '@tocsin/contract/webhooks';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, createUser, loginAs } from '../test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await ctx?.deps.cleanup();
  ctx = undefined;
});

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

/** A loopback HTTP receiver; `status` can be changed between requests. Records every request. */
async function startReceiver(initialStatus = 200) {
  const state = { status: initialStatus };
  const requests: { method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', headers: req.headers, body: text });
      res.writeHead(state.status, { 'content-type': 'text/plain' });
      res.end(state.status < 400 ? 'ok' : 'receiver exploded');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, requests, state };
}

async function setup() {
  // The receivers listen on loopback, which the outbound policy refuses unless it is listed.
  ctx = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1' });
  const { app, deps } = ctx;
  const adminUser = await createUser(deps, { username: 'admin', isSuperuser: true });
  const aliceUser = await createUser(deps, { username: 'alice' });
  const bobUser = await createUser(deps, { username: 'bob' });
  const admin = await loginAs(app, 'admin');
  const alice = await loginAs(app, 'alice');
  const bob = await loginAs(app, 'bob');
  return { app, deps, admin, alice, bob, adminUser, aliceUser, bobUser };
}

const HEADER_VALUE = 'hdr-value-secret-1234';
const SIGNING_SECRET = 'signing-secret-5678';

describe('webhooks', () => {
  it('pings before saving, lists the webhook and never returns its secrets', async () => {
    const { admin } = await setup();
    const receiver = await startReceiver(200);
    const bodies: string[] = [];
    const res = await admin.post('/api/webhooks', {
      name: 'SIEM',
      url: receiver.url,
      header_name: 'X-Api-Key',
      header_value: HEADER_VALUE,
      signing_secret: SIGNING_SECRET,
    });
    bodies.push(await res.clone().text());
    expect(res.status).toBe(201);
    const created = (await res.json()) as TWebhook;
    expect(created).toMatchObject({
      name: 'SIEM',
      url: receiver.url,
      header_name: 'X-Api-Key',
      header_value_set: true,
      signing_secret_set: true,
      owner_id: null,
      owner_username: null,
      status: 'active',
      status_label: 'Active',
    });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.method).toBe('POST');
    expect(receiver.requests[0]!.headers['x-api-key']).toBe(HEADER_VALUE);

    const list = await admin.get('/api/webhooks');
    bodies.push(await list.clone().text());
    expect(((await list.json()) as TWebhookList).items.map((w) => w.name)).toEqual(['SIEM']);
    bodies.push(await (await admin.post(`/api/webhooks/${created.id}/deactivate`)).text());
    bodies.push(await (await admin.post(`/api/webhooks/${created.id}/activate`)).text());
    bodies.push(await (await admin.patch(`/api/webhooks/${created.id}`, { name: 'SIEM 2' })).text());
    for (const body of bodies) {
      expect(body).not.toContain(HEADER_VALUE);
      expect(body).not.toContain(SIGNING_SECRET);
    }
  });

  it('saves nothing when the ping fails and shows the receiver’s error', async () => {
    const { admin } = await setup();
    const receiver = await startReceiver(500);
    const res = await admin.post('/api/webhooks', { name: 'Broken', url: receiver.url });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('ping_failed');
    expect(error.message).toMatch(/^The endpoint did not accept the ping: /);
    expect(error.message).toContain('500');
    expect(receiver.requests).toHaveLength(1);
    expect(((await (await admin.get('/api/webhooks')).json()) as TWebhookList).items).toEqual([]);
  });

  it('reports an unreachable endpoint', async () => {
    const { admin } = await setup();
    const res = await admin.post('/api/webhooks', { name: 'Nowhere', url: 'http://127.0.0.1:1/hook' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/^The endpoint did not accept the ping: /);
  });

  it('validates the URL, the header pair and the name', async () => {
    const { admin } = await setup();
    const badUrl = await admin.post('/api/webhooks', { name: 'Ftp', url: 'ftp://example.com/x' });
    expect(badUrl.status).toBe(400);
    expect((await errorOf(badUrl)).message).toContain('url: Enter an http:// or https:// URL');
    const noName = await admin.post('/api/webhooks', { name: ' ', url: 'http://127.0.0.1:1/' });
    expect((await errorOf(noName)).message).toContain('name');
    const valueWithoutName = await admin.post('/api/webhooks', { name: 'A', url: 'http://127.0.0.1:1/', header_value: 'x' });
    expect(valueWithoutName.status).toBe(400);
    expect((await errorOf(valueWithoutName)).message).toContain('header_name');
    const badHeader = await admin.post('/api/webhooks', {
      name: 'A',
      url: 'http://127.0.0.1:1/',
      header_name: 'Bad Header',
      header_value: 'x',
    });
    expect((await errorOf(badHeader)).message).toContain('header_name');
  });

  it('refuses a duplicate name regardless of case with 409, without pinging', async () => {
    const { admin } = await setup();
    const receiver = await startReceiver(200);
    expect((await admin.post('/api/webhooks', { name: 'SIEM', url: receiver.url })).status).toBe(201);
    const dup = await admin.post('/api/webhooks', { name: 'siem', url: receiver.url });
    expect(dup.status).toBe(409);
    expect((await errorOf(dup)).message).toContain('siem');
    expect(receiver.requests).toHaveLength(1);
  });

  it('lets users manage only their own webhooks; superusers manage all', async () => {
    const { admin, alice, bob, aliceUser, bobUser } = await setup();
    const receiver = await startReceiver(200);

    const own = await alice.post('/api/webhooks', { name: 'Alice hook', url: receiver.url });
    expect(own.status).toBe(201);
    const aliceHook = (await own.json()) as TWebhook;
    expect(aliceHook).toMatchObject({ owner_id: aliceUser.id, owner_username: 'alice' });
    expect((await alice.post('/api/webhooks', { name: 'System?', url: receiver.url, owner_id: null })).status).toBe(403);
    expect((await alice.post('/api/webhooks', { name: 'For Bob', url: receiver.url, owner_id: bobUser.id })).status).toBe(403);

    const forBob = await admin.post('/api/webhooks', { name: 'Bob hook', url: receiver.url, owner_id: bobUser.id });
    expect(forBob.status).toBe(201);
    const bobHook = (await forBob.json()) as TWebhook;
    expect((await admin.post('/api/webhooks', { name: 'System', url: receiver.url })).status).toBe(201);
    const ghost = await admin.post('/api/webhooks', { name: 'Ghost', url: receiver.url, owner_id: 9999 });
    expect(ghost.status).toBe(400);
    expect((await errorOf(ghost)).message).toContain('owner_id');

    const names = async (client: typeof admin) =>
      ((await (await client.get('/api/webhooks')).json()) as TWebhookList).items.map((w) => w.name);
    expect(await names(admin)).toEqual(['Alice hook', 'Bob hook', 'System']);
    expect(await names(alice)).toEqual(['Alice hook']);
    expect(await names(bob)).toEqual(['Bob hook']);

    // Another user's webhook is invisible: 404 everywhere.
    expect((await alice.patch(`/api/webhooks/${bobHook.id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await alice.delete(`/api/webhooks/${bobHook.id}`)).status).toBe(404);
    expect((await alice.post(`/api/webhooks/${bobHook.id}/deactivate`)).status).toBe(404);
    expect((await alice.post(`/api/webhooks/${bobHook.id}/test`)).status).toBe(404);
    // Alice cannot give her webhook away.
    expect((await alice.patch(`/api/webhooks/${aliceHook.id}`, { owner_id: bobUser.id })).status).toBe(403);
    // A superuser can turn a user's webhook into a system one.
    const moved = await admin.patch(`/api/webhooks/${aliceHook.id}`, { owner_id: null });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ owner_id: null, owner_username: null });
    expect(await names(alice)).toEqual([]);
  });

  it('edits after a successful ping; a failed ping changes nothing; secrets kept unless cleared', async () => {
    const { admin, deps } = await setup();
    const receiver = await startReceiver(200);
    const created = (await (
      await admin.post('/api/webhooks', {
        name: 'SIEM',
        url: receiver.url,
        header_name: 'X-Key',
        header_value: HEADER_VALUE,
        signing_secret: SIGNING_SECRET,
      })
    ).json()) as TWebhook;
    const raw = () =>
      deps.db.get<Record<string, string | null>>(
        sql`select name, url, header_name, header_value, signing_secret from webhooks where id = ${created.id}`,
      );
    // Secrets are sealed at rest; opened, they are what was entered.
    const stored = async () => {
      const row = (await raw())!;
      const open = (v: string | null | undefined) => (v == null ? null : deps.secretBox.open(v));
      return { ...row, header_value: open(row.header_value), signing_secret: open(row.signing_secret) };
    };
    expect((await raw())?.header_value).toMatch(/^enc:v1:/);
    expect((await raw())?.signing_secret).toMatch(/^enc:v1:/);

    const renamed = await admin.patch(`/api/webhooks/${created.id}`, { name: 'SIEM prod' });
    expect(renamed.status).toBe(200);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.headers['x-key']).toBe(HEADER_VALUE);
    expect(await stored()).toEqual({
      name: 'SIEM prod',
      url: receiver.url,
      header_name: 'X-Key',
      header_value: HEADER_VALUE,
      signing_secret: SIGNING_SECRET,
    });

    receiver.state.status = 503;
    const failed = await admin.patch(`/api/webhooks/${created.id}`, { name: 'Should not stick', url: `${receiver.url}?v=2` });
    expect(failed.status).toBe(400);
    expect((await errorOf(failed)).message).toContain('503');
    expect(await stored()).toMatchObject({ name: 'SIEM prod', url: receiver.url });

    receiver.state.status = 200;
    const cleared = await admin.patch(`/api/webhooks/${created.id}`, { signing_secret: '', header_name: '' });
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toMatchObject({ signing_secret_set: false, header_value_set: false, header_name: null });
    expect(await stored()).toMatchObject({ header_name: null, header_value: null, signing_secret: null });
  });

  it('deactivates and reactivates', async () => {
    const { admin, deps } = await setup();
    const receiver = await startReceiver(200);
    const created = (await (await admin.post('/api/webhooks', { name: 'SIEM', url: receiver.url })).json()) as TWebhook;
    await deps.db.run(sql`update webhooks set first_error_at = 1000, last_error_at = 2000 where id = ${created.id}`);

    const off = await admin.post(`/api/webhooks/${created.id}/deactivate`);
    expect(off.status).toBe(200);
    const offBody = (await off.json()) as TWebhook;
    expect(offBody).toMatchObject({ status: 'inactive_permanent', status_label: 'Permanently inactive' });
    expect(offBody.note).toContain('admin');

    const on = await admin.post(`/api/webhooks/${created.id}/activate`);
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ status: 'active', note: null, first_error_at: null, last_error_at: null });
  });

  it('sends a test ping on demand and reports failures without changing the webhook', async () => {
    const { admin } = await setup();
    const receiver = await startReceiver(200);
    const created = (await (await admin.post('/api/webhooks', { name: 'SIEM', url: receiver.url })).json()) as TWebhook;
    const ok = await admin.post(`/api/webhooks/${created.id}/test`);
    expect(await ok.json()).toMatchObject({ ok: true });
    expect(receiver.requests).toHaveLength(2);
    receiver.state.status = 500;
    const bad = (await (await admin.post(`/api/webhooks/${created.id}/test`)).json()) as {
      ok: boolean;
      message: string;
      response_code: number;
    };
    expect(bad.ok).toBe(false);
    expect(bad.response_code).toBe(500);
    expect(bad.message).toContain('500');
  });

  it('deletes a webhook', async () => {
    const { admin, alice } = await setup();
    const receiver = await startReceiver(200);
    const created = (await (await alice.post('/api/webhooks', { name: 'Mine', url: receiver.url })).json()) as TWebhook;
    expect((await alice.delete(`/api/webhooks/${created.id}`)).status).toBe(204);
    expect(((await (await admin.get('/api/webhooks')).json()) as TWebhookList).items).toEqual([]);
    expect((await alice.delete(`/api/webhooks/${created.id}`)).status).toBe(404);
  });
});
