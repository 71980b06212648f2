/** Webhook channel against loopback receivers: headers, signatures, retries and the endpoint state machine. */
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRows } from '../db/rows';
import { deliveryAttempts } from '../db/schema';
import { createTestDeps, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { pingWebhook } from './channels/webhook';
import { USER_AGENT } from './outcome';
import { sendTestNotification } from './test-notification';
import { getDelivery, getWebhook, insertDelivery, insertEvent, insertWebhook, updateSystemSettings } from './test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver, verifySignature } from './test-peers/http-receiver';
import { WEBHOOK_RETRY_DELAY_MS } from './webhook-health';
import { runDueDeliveries } from './worker';

const SECRET = 'whsec-test-secret';
const HOUR = 3_600_000;

let deps: TTestDeps;
let receiver: THttpReceiver;
let clock: number;

beforeEach(async () => {
  receiver = await startHttpReceiver({ signingSecret: SECRET });
  deps = await createTestDeps({
    // The receivers listen on loopback, which the outbound policy refuses unless it is listed.
    OUTBOUND_ALLOW: '127.0.0.1',
    DELIVERY_BACKOFF_BASE_MS: 10,
    DELIVERY_BACKOFF_MAX_MS: 50,
    DELIVERY_MAX_ATTEMPTS: 5,
    INSTANCE_NAME: 'tocsin-test',
    PUBLIC_URL: 'https://tocsin.test',
  });
  clock = Date.now();
  deps.now = () => clock;
  await updateSystemSettings(deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 1 });
});
afterEach(async () => {
  await receiver.close();
  await deps.cleanup();
});

async function queueWebhook(hookId: number, eventValues: Parameters<typeof insertEvent>[1] = {}) {
  const event = await insertEvent(deps, eventValues);
  return insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hookId });
}

describe('webhook requests', () => {
  it('POST JSON with Tocsin headers, the extra header and a signature the receiver verifies', async () => {
    const pt = await insertProductType(deps, 'Web');
    const product = await insertProduct(deps, 'Shop', pt.id);
    const hook = await insertWebhook(deps, {
      url: `${receiver.url}/hooks/tocsin`,
      signingSecret: SECRET,
      headerName: 'X-Api-Key',
      headerValue: 'k-123',
    });
    const d = await queueWebhook(hook.id, { name: 'scan_added', title: 'Scan added', productId: product.id });
    await runDueDeliveries(deps);

    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/tocsin');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^Tocsin\/\d+\.\d+\.\d+/);
    expect(req.headers['x-tocsin-event']).toBe('scan_added');
    expect(req.headers['x-tocsin-instance']).toBe('tocsin-test');
    expect(req.headers['x-tocsin-delivery']).toBe(d.uuid);
    expect(req.headers['x-api-key']).toBe('k-123');
    expect(req.isSignatureValid).toBe(true);
    expect(verifySignature('another-secret', req.body, req.headers['x-tocsin-signature'] as string)).toBe(false);
    expect(req.json).toMatchObject({
      event: 'scan_added',
      delivery_id: d.uuid,
      title: 'Scan added',
      url_api: `https://tocsin.test/api/products/${product.id}`,
      product: { id: product.id, name: 'Shop', url: `https://tocsin.test/products/${product.id}` },
      product_type: { id: pt.id, name: 'Web' },
    });
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'sent', responseCode: 200, attempts: 1 });
  });

  it('sends no signature header when the endpoint has no secret', async () => {
    const hook = await insertWebhook(deps, { url: receiver.url });
    await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    expect(receiver.requests[0]?.headers).not.toHaveProperty('x-tocsin-signature');
  });

  it('a 5xx is retried with backoff, with the same X-Tocsin-Delivery and body, then sent', async () => {
    let calls = 0;
    receiver.respondWith(() => (++calls === 1 ? { status: 503, body: 'maintenance' } : { status: 204 }));
    const hook = await insertWebhook(deps, { url: receiver.url, signingSecret: SECRET });
    const d = await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    let row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'retrying', attempts: 1, responseCode: 503 });
    expect(row.lastError).toMatch(/HTTP 503.*maintenance/);
    // The endpoint rests for 60 s after a temporary failure, so the retry is due then, not sooner.
    expect(row.nextAttemptAt).toBe(clock + WEBHOOK_RETRY_DELAY_MS);
    expect(await getWebhook(deps, hook.id)).toMatchObject({ status: 'inactive_tmp', firstErrorAt: clock, lastErrorAt: clock });

    clock += WEBHOOK_RETRY_DELAY_MS;
    await runDueDeliveries(deps);
    row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, responseCode: 204, lastError: null });
    expect(receiver.requests.map((r) => r.headers['x-tocsin-delivery'])).toEqual([d.uuid, d.uuid]);
    expect(receiver.requests[1]?.body).toBe(receiver.requests[0]?.body);
    expect(receiver.requests.every((r) => r.isSignatureValid)).toBe(true);
    expect((await getWebhook(deps, hook.id)).status).toBe('active_tmp');
    const attempts = await findRows(deps.db, deliveryAttempts, eq(deliveryAttempts.deliveryId, d.id), {
      orderBy: sql`${deliveryAttempts.id}`,
    });
    expect(attempts.map((a) => [a.ok, a.responseCode])).toEqual([
      [false, 503],
      [true, 204],
    ]);
  });

  it('a 4xx fails at once without retry, and the endpoint becomes inactive_permanent', async () => {
    receiver.respondWith({ status: 410, body: 'gone' });
    const hook = await insertWebhook(deps, { url: receiver.url });
    const d = await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'failed', attempts: 1, responseCode: 410 });
    expect(await getWebhook(deps, hook.id)).toMatchObject({ status: 'inactive_permanent' });
    expect((await getWebhook(deps, hook.id)).note).toMatch(/HTTP 410/);

    // Later deliveries to it fail permanently with a clear error, and nothing is sent.
    receiver.respondWith({ status: 200 });
    const later = await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    expect(receiver.requests).toHaveLength(1);
    const row = await getDelivery(deps, later.id);
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/is permanently inactive.*HTTP 410.*reactivate it on the Webhooks page/);
  });

  it('a 429 is transient and honours Retry-After', async () => {
    receiver.respondWith({ status: 429, headers: { 'retry-after': '120' } });
    const hook = await insertWebhook(deps, { url: receiver.url });
    const d = await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'retrying', responseCode: 429, nextAttemptAt: clock + 120_000 });
    expect((await getWebhook(deps, hook.id)).status).toBe('inactive_tmp');
  });

  it('a receiver that hangs past the timeout is a transient failure', async () => {
    receiver.respondWith('hang');
    const hook = await insertWebhook(deps, { url: receiver.url });
    const d = await queueWebhook(hook.id);
    const started = Date.now();
    await runDueDeliveries(deps);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const row = await getDelivery(deps, d.id);
    expect(row.status).toBe('retrying');
    expect(row.lastError).toMatch(/did not answer within 1 s/);
    expect((await getWebhook(deps, hook.id)).status).toBe('inactive_tmp');
  });

  it('a refused connection is transient', async () => {
    const closed = await startHttpReceiver();
    const url = closed.url;
    await closed.close();
    const hook = await insertWebhook(deps, { url });
    const d = await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    expect((await getDelivery(deps, d.id)).status).toBe('retrying');
    expect((await getDelivery(deps, d.id)).lastError).toMatch(/connection refused/);
  });
});

describe('endpoint health through the worker', () => {
  it('walks active → inactive_tmp → (waits) → active_tmp → active', async () => {
    receiver.respondWith({ status: 500 });
    const hook = await insertWebhook(deps, { url: receiver.url });
    const first = await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    expect((await getWebhook(deps, hook.id)).status).toBe('inactive_tmp');

    // While inactive_tmp, deliveries to it wait (no request, no attempt counted) until its retry time.
    receiver.respondWith({ status: 200 });
    const waiting = await queueWebhook(hook.id);
    clock += 10_000;
    await runDueDeliveries(deps);
    expect(receiver.requests).toHaveLength(1);
    const waitingRow = await getDelivery(deps, waiting.id);
    expect(waitingRow).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: clock - 10_000 + WEBHOOK_RETRY_DELAY_MS });
    expect(waitingRow.lastError).toMatch(/temporarily inactive/);

    // 60 s after the error: retried as active_tmp, one request at a time, and both are sent.
    clock += WEBHOOK_RETRY_DELAY_MS;
    await runDueDeliveries(deps);
    expect((await getDelivery(deps, first.id)).status).toBe('sent');
    expect((await getDelivery(deps, waiting.id)).status).toBe('sent');
    expect((await getWebhook(deps, hook.id)).status).toBe('active_tmp');

    // No error for 24 h: active again, history cleared.
    clock += 24 * HOUR;
    await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    expect(await getWebhook(deps, hook.id)).toMatchObject({ status: 'active', firstErrorAt: null, lastErrorAt: null, note: null });
  });

  it('active_tmp failing again → inactive_tmp; failing when the first error is over 24 h old → inactive_permanent', async () => {
    const hook = await insertWebhook(deps, {
      url: receiver.url,
      status: 'active_tmp',
      firstErrorAt: clock - 2 * HOUR,
      lastErrorAt: clock - HOUR,
    });
    receiver.respondWith({ status: 502 });
    const a = await queueWebhook(hook.id);
    await runDueDeliveries(deps);
    expect(await getWebhook(deps, hook.id)).toMatchObject({ status: 'inactive_tmp', firstErrorAt: clock - 2 * HOUR, lastErrorAt: clock });
    expect((await getDelivery(deps, a.id)).status).toBe('retrying');

    clock += 23 * HOUR;
    await runDueDeliveries(deps);
    // First error 25 h ago: permanent, and the delivery fails instead of retrying.
    expect((await getWebhook(deps, hook.id)).status).toBe('inactive_permanent');
    const row = await getDelivery(deps, a.id);
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/more than 24 hours.*reactivate/);
  });

  it('deliveries to a webhook that answers 5xx forever fail after DELIVERY_MAX_ATTEMPTS', async () => {
    receiver.respondWith({ status: 500 });
    const hook = await insertWebhook(deps, { url: receiver.url });
    const d = await queueWebhook(hook.id);
    for (let i = 0; i < 5; i++) {
      await runDueDeliveries(deps);
      clock += WEBHOOK_RETRY_DELAY_MS;
    }
    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 5 });
    expect(row.lastError).toMatch(/^Gave up after 5 attempts\. Last error: The webhook answered HTTP 500/);
    expect(receiver.requests).toHaveLength(5);
  });
});

describe('pingWebhook and test notifications', () => {
  it('pings with a signed `ping` event and reports the answer', async () => {
    const ok = await pingWebhook(deps, { url: `${receiver.url}/p`, signingSecret: SECRET });
    expect(ok).toMatchObject({ ok: true, responseCode: 200 });
    const req = receiver.requests[0]!;
    expect(req.headers['x-tocsin-event']).toBe('ping');
    expect(req.isSignatureValid).toBe(true);
    expect(req.json).toMatchObject({ event: 'ping', delivery_id: req.headers['x-tocsin-delivery'] });

    receiver.respondWith({ status: 401, body: 'bad token' });
    const bad = await pingWebhook(deps, { url: receiver.url });
    expect(bad).toMatchObject({ ok: false, responseCode: 401 });
    expect(bad.message).toMatch(/HTTP 401.*bad token/);
    expect(await pingWebhook(deps, { url: 'not a url' })).toMatchObject({ ok: false });
  });

  it('sendTestNotification pings one endpoint without changing its state', async () => {
    receiver.respondWith({ status: 503 });
    const hook = await insertWebhook(deps, { url: receiver.url });
    const result = await sendTestNotification(deps, 'webhooks', { webhookId: hook.id });
    expect(result).toMatchObject({ ok: false, responseCode: 503 });
    expect((await getWebhook(deps, hook.id)).status).toBe('active');
  });
});
