/**
 * Webhook requests as a receiver checks them: Standard Webhooks signatures verified with the `standardwebhooks`
 * library itself (a ping, a delivery, and its retry with the same webhook-id), the generated whsec_ secret, and
 * the extra header: reserved names refused by the API and never sent, even when stored by hand.
 */
import type { TSavedWebhook } from '@tocsin/contract/webhooks';
import { WEBHOOK_RESERVED_HEADER_PREFIXES, WEBHOOK_RESERVED_HEADERS } from '@tocsin/contract/webhooks';
import { sql } from 'drizzle-orm';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, createUser, loginAs } from '../test-utils';
import { generateSigningSecret } from './channels/webhook';
import { getDelivery, insertDelivery, insertEvent, insertWebhook, updateSystemSettings } from './test-peers/fixtures';
import { startHttpReceiver, type TReceivedRequest, verifySignature } from './test-peers/http-receiver';
import { runDueDeliveries } from './worker';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await ctx?.deps.cleanup();
  ctx = undefined;
});

async function setup() {
  // The receivers listen on loopback, which the outbound policy refuses unless it is listed.
  ctx = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1', DELIVERY_BACKOFF_BASE_MS: 10, DELIVERY_BACKOFF_MAX_MS: 20 });
  await createUser(ctx.deps, { username: 'admin', isSuperuser: true });
  const admin = await loginAs(ctx.app, 'admin');
  await updateSystemSettings(ctx.deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
  const receiver = await startHttpReceiver();
  closers.push(receiver.close);
  return { deps: ctx.deps, admin, receiver };
}

/** What a receiver does with the standardwebhooks library: the headers as they arrived, the raw body. */
function verifyWithLibrary(secret: string, req: TReceivedRequest): unknown {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
  return new Webhook(secret).verify(req.body, headers);
}

describe('Standard Webhooks signatures', () => {
  it('generates a whsec_ secret on create, shows it once, and signs the ping with it', async () => {
    const { admin, receiver } = await setup();
    const res = await admin.post('/api/webhooks', { name: 'SIEM', url: `${receiver.url}/hook` });
    expect(res.status).toBe(201);
    const created = (await res.json()) as TSavedWebhook;
    expect(created.signing_secret_set).toBe(true);
    const secret = created.new_signing_secret!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);

    // Shown once: never again, in any answer.
    for (const path of ['/api/webhooks', `/api/webhooks/${created.id}`]) {
      const text = await (await admin.get(path)).text();
      expect(text).not.toContain(secret.slice(6, 30));
    }
    const renamed = await admin.patch(`/api/webhooks/${created.id}`, { name: 'SIEM 2' });
    expect(((await renamed.json()) as TSavedWebhook).new_signing_secret).toBeNull();

    const [ping, pingAfterRename] = receiver.requests;
    expect(verifyWithLibrary(secret, ping!)).toMatchObject({ event: 'ping' });
    expect(verifyWithLibrary(secret, pingAfterRename!)).toMatchObject({ event: 'ping' });
    // The Tocsin signature keeps working, keyed with the secret's text.
    expect(verifySignature(secret, ping!.body, ping!.headers['x-tocsin-signature'] as string)).toBe(true);
    expect(() => verifyWithLibrary(generateSigningSecret(), ping!)).toThrow(WebhookVerificationError);
  });

  it('signs real deliveries; a retry keeps its webhook-id and gets a new timestamp and signature that still verify', async () => {
    const { deps, receiver } = await setup();
    const secret = generateSigningSecret();
    let calls = 0;
    receiver.respondWith(() => (++calls === 1 ? { status: 503, body: 'busy' } : { status: 204 }));
    const hook = await insertWebhook(deps, { url: `${receiver.url}/hook`, signingSecret: deps.secretBox.seal(secret) });
    const event = await insertEvent(deps, { title: 'Scan added' });
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });

    await runDueDeliveries(deps);
    // The endpoint rests after a 503; make it (and the row) due again now, a second later.
    const later = Date.now() + 1500;
    deps.now = () => later;
    await deps.db.run(sql`update webhooks set status = 'active', first_error_at = null, last_error_at = null where id = ${hook.id}`);
    await deps.db.run(sql`update deliveries set next_attempt_at = 0 where id = ${d.id}`);
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'sent', attempts: 2 });

    const [first, retry] = receiver.requests;
    expect(first!.headers['webhook-id']).toBe(d.uuid);
    expect(retry!.headers['webhook-id']).toBe(d.uuid);
    expect(Number(retry!.headers['webhook-timestamp'])).toBeGreaterThan(Number(first!.headers['webhook-timestamp']));
    expect(retry!.headers['webhook-signature']).not.toBe(first!.headers['webhook-signature']);
    expect(retry!.body).toBe(first!.body);
    for (const req of [first!, retry!]) {
      expect(verifyWithLibrary(secret, req)).toMatchObject({ event: 'scan_added', delivery_id: d.uuid, title: 'Scan added' });
      expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    // A changed body or id no longer verifies.
    expect(() => verifyWithLibrary(secret, { ...first!, body: first!.body.replace('Scan added', 'Scan edited') })).toThrow(
      WebhookVerificationError,
    );
    expect(() => verifyWithLibrary(secret, { ...first!, headers: { ...first!.headers, 'webhook-id': 'other' } })).toThrow(
      WebhookVerificationError,
    );
  });

  it('a secret of another form signs with its text as the key (the library’s raw format)', async () => {
    const { deps, receiver } = await setup();
    const hook = await insertWebhook(deps, { url: receiver.url, signingSecret: deps.secretBox.seal('my own secret, not base64') });
    const event = await insertEvent(deps);
    await insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
    await runDueDeliveries(deps);
    const req = receiver.requests[0]!;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    expect(new Webhook('my own secret, not base64', { format: 'raw' }).verify(req.body, headers)).toMatchObject({ event: 'scan_added' });
  });

  it('refuses a whsec_ secret that is not base64 of 24 to 64 bytes, naming the field', async () => {
    const { admin, receiver } = await setup();
    for (const bad of ['whsec_not base64!', `whsec_${Buffer.alloc(8).toString('base64')}`]) {
      const res = await admin.post('/api/webhooks', { name: 'Bad', url: receiver.url, signing_secret: bad });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('signing_secret');
    }
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('the extra header', () => {
  it('refuses reserved names (Tocsin’s, Standard Webhooks’, the connection’s) and accepts Authorization', async () => {
    const { admin, receiver } = await setup();
    const reserved = [
      'X-Tocsin-Signature',
      'x-tocsin-anything',
      'Webhook-Id',
      'webhook-signature',
      'Content-Type',
      'Host',
      'Content-Length',
      'User-Agent',
      'Connection',
      'Transfer-Encoding',
      'Proxy-Authorization',
    ];
    for (const name of reserved) {
      const res = await admin.post('/api/webhooks', { name: `H ${name}`, url: receiver.url, header_name: name, header_value: 'v' });
      expect(res.status, name).toBe(400);
      const { message } = ((await res.json()) as { error: { message: string } }).error;
      expect(message).toContain('header_name');
      expect(message).toContain('Tocsin sets this header itself');
    }
    expect(WEBHOOK_RESERVED_HEADERS).toContain('content-length');
    expect(WEBHOOK_RESERVED_HEADER_PREFIXES).toEqual(['x-tocsin-', 'webhook-', 'proxy-']);
    expect(receiver.requests).toHaveLength(0);

    const ok = await admin.post('/api/webhooks', {
      name: 'Bearer',
      url: receiver.url,
      header_name: 'Authorization',
      header_value: 'Bearer t0ken-abc',
    });
    expect(ok.status).toBe(201);
    expect(receiver.requests[0]?.headers.authorization).toBe('Bearer t0ken-abc');
  });

  it('never sends a reserved header that is stored anyway (written by hand into the database)', async () => {
    const { deps, receiver } = await setup();
    const event = await insertEvent(deps);
    for (const [name, value] of [
      ['X-Tocsin-Signature', 'sha256=forged'],
      ['webhook-id', 'forged-id'],
      ['Host', 'internal.example'],
      ['Content-Type', 'text/html'],
    ]) {
      const hook = await insertWebhook(deps, { url: receiver.url, headerName: name, headerValue: deps.secretBox.seal(value!) });
      await insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
    }
    await runDueDeliveries(deps);
    expect(receiver.requests).toHaveLength(4);
    for (const req of receiver.requests) {
      expect(req.headers['x-tocsin-signature']).toBeUndefined();
      expect(req.headers['webhook-id']).toBe(req.headers['x-tocsin-delivery']);
      expect(req.headers.host).toBe(`127.0.0.1:${receiver.port}`);
      expect(req.headers['content-type']).toBe('application/json');
      expect(JSON.stringify(req.headers)).not.toContain('forged');
    }
  });

  it('refuses a line break or control character in a header value or signing secret (no header injection)', async () => {
    const { admin, receiver } = await setup();
    const bodies = [
      { header_name: 'X-Api-Key', header_value: 'key\r\nX-Injected: 1' },
      { header_name: 'X-Api-Key', header_value: 'key\nX-Injected: 1' },
      { header_name: 'X-Api-Key', header_value: 'key\u0000' },
      { signing_secret: 'secret\r\nX-Injected: 1' },
      { signing_secret: 'secret\u0007' },
    ];
    for (const extra of bodies) {
      const res = await admin.post('/api/webhooks', { name: 'Injected', url: receiver.url, ...extra });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      const { message } = ((await res.json()) as { error: { message: string } }).error;
      expect(message).toMatch(/header_value|signing_secret/);
    }
    expect(receiver.requests).toHaveLength(0);
  });
});
