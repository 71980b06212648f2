/** Microsoft Teams channel against a loopback incoming-webhook receiver. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, createUser, type TTestDeps } from '../test-utils';
import { sendTestNotification } from './test-notification';
import { getDelivery, insertDelivery, insertEvent, updateSystemSettings } from './test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from './test-peers/http-receiver';
import { runDueDeliveries } from './worker';

let deps: TTestDeps;
let teams: THttpReceiver;

beforeEach(async () => {
  teams = await startHttpReceiver({ respond: { status: 200, body: '1' } });
  deps = await createTestDeps({
    OUTBOUND_ALLOW: '127.0.0.1',
    DELIVERY_BACKOFF_BASE_MS: 10,
    DELIVERY_BACKOFF_MAX_MS: 50,
    PUBLIC_URL: 'https://tocsin.test',
  });
  await updateSystemSettings(deps, {
    msteamsEnabled: true,
    msteamsUrl: `${teams.url}/webhookb2/abc`,
    teamName: 'Acme',
    disclaimer: 'Do not forward.',
  });
});
afterEach(async () => {
  await teams.close();
  await deps.cleanup();
});

describe('Microsoft Teams deliveries', () => {
  it('posts an Adaptive Card message to the incoming webhook', async () => {
    const event = await insertEvent(deps, { title: 'SLA breach', description: 'Finding 12 breached its SLA', url: '/products/2' });
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'msteams', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect(teams.requests).toHaveLength(1);
    const req = teams.requests[0]!;
    expect(req.path).toBe('/webhookb2/abc');
    expect(req.headers['content-type']).toBe('application/json');
    const msg = req.json as { type: string; attachments: { contentType: string; content: Record<string, unknown> }[] };
    expect(msg.type).toBe('message');
    expect(msg.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = msg.attachments[0]!.content as {
      type: string;
      version: string;
      body: { text?: string }[];
      actions: { type: string; url: string }[];
    };
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.4');
    expect(card.body.map((b) => b.text)).toEqual(expect.arrayContaining(['SLA breach', 'Finding 12 breached its SLA', 'Do not forward.']));
    expect(card.actions[0]).toMatchObject({ type: 'Action.OpenUrl', url: 'https://tocsin.test/products/2' });
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'sent', responseCode: 200 });
  });

  it('never sends a personal Teams notification, whatever the row says', async () => {
    const alice = await createUser(deps, { username: 'alice' });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'msteams', targetKind: 'user', userId: alice.id });
    await runDueDeliveries(deps);
    expect(teams.requests).toHaveLength(0);
    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toBe('Microsoft Teams only has a shared channel: personal Teams notifications are never sent.');
  });

  it('retries a 5xx and fails a 4xx at once', async () => {
    // A stopped clock: the retry is not due within the first run, however long its statements take.
    let clock = Date.now();
    deps.now = () => clock;
    teams.respondWith({ status: 502, body: 'bad gateway' });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'msteams', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'retrying', responseCode: 502 });
    teams.respondWith({ status: 400, body: 'Bad payload' });
    clock += 60;
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'failed', responseCode: 400, attempts: 2 });
    expect(row.lastError).toMatch(/HTTP 400.*Bad payload/);
  });

  it('reads the error text legacy connectors answer with HTTP 200', async () => {
    teams.respondWith({
      status: 200,
      body: 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429',
    });
    const result = await sendTestNotification(deps, 'msteams');
    expect(result).toMatchObject({ ok: false, responseCode: 429 });
    teams.respondWith({ status: 202 });
    expect(await sendTestNotification(deps, 'msteams')).toMatchObject({ ok: true, responseCode: 202 });
  });
});
