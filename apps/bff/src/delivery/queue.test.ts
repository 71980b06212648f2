/** Every transition of a delivery row (queue.ts), on the dialect of the test run. */
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRows } from '../db/rows';
import { deliveryAttempts } from '../db/schema';
import { HttpError } from '../lib/errors';
import { createTestDeps, type TTestDeps } from '../test-utils';
import { computeLeases, renderDeliveryContent } from './channels/registry';
import {
  claim,
  deferWaitingForWebhook,
  destinationOf,
  findNextDueAt,
  makeWebhookDeliveriesDue,
  recordAttempt,
  release,
  releaseOwnLeases,
  releaseWaitingForWebhook,
  retryDeliveryNow,
  type TClaimRequest,
} from './queue';
import { getPublicBaseUrl, getSystemSettings } from './settings';
import { getDelivery, insertDelivery, insertEvent, insertWebhook, updateSystemSettings, waitFor } from './test-peers/fixtures';

const T = 1_800_000_000_000;
const MIN = 60_000;

let deps: TTestDeps;
let clock: number;
let woken: number;

beforeEach(async () => {
  deps = await createTestDeps({ INSTANCE_ID: 'replica-a' });
  clock = T;
  deps.now = () => clock;
  woken = 0;
  deps.bus.subscribe('deliveries-queued', () => woken++);
  await updateSystemSettings(deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 5, teamName: 'Acme' });
});
afterEach(() => deps.cleanup());

async function claimRequest(overrides: Partial<TClaimRequest> = {}): Promise<TClaimRequest> {
  const settings = await getSystemSettings(deps);
  const render = { teamName: settings.teamName, disclaimer: settings.disclaimer, baseUrl: getPublicBaseUrl(deps.env) };
  return {
    limit: 10,
    leases: computeLeases(1000, settings),
    inFlight: new Map(),
    perDestination: 10,
    render: (channel, event, context, uuid) => renderDeliveryContent(channel, event, context, render, uuid),
    ...overrides,
  };
}

async function webhookRows(count: number, values: Partial<Parameters<typeof insertDelivery>[1]> = {}) {
  const hook = await insertWebhook(deps, { url: 'http://127.0.0.1:9/' });
  const event = await insertEvent(deps);
  const rows = [];
  for (let i = 0; i < count; i++) {
    rows.push(await insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id, ...values }));
  }
  return { hook, event, rows };
}

describe('claim', () => {
  it('leases the due rows, oldest due first, under this instance, and renders and stores their content once', async () => {
    const event = await insertEvent(deps, { title: 'Scan added' });
    const hook = await insertWebhook(deps, { url: 'http://127.0.0.1:9/' });
    const at = (offset: number) => ({ eventId: event.id, nextAttemptAt: T + offset });
    const queued = await insertDelivery(deps, { ...at(-5 * MIN), channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
    const retrying = await insertDelivery(deps, {
      ...at(-10 * MIN),
      channel: 'mail',
      targetKind: 'system',
      status: 'retrying',
      attempts: 2,
    });
    const lapsed = await insertDelivery(deps, {
      ...at(-20 * MIN),
      channel: 'slack',
      targetKind: 'system',
      status: 'sending',
      leaseUntil: T - 1,
    });
    const later = await insertDelivery(deps, { ...at(MIN), channel: 'mail', targetKind: 'system' });
    const leased = await insertDelivery(deps, {
      ...at(-MIN),
      channel: 'mail',
      targetKind: 'system',
      status: 'sending',
      leaseUntil: T + MIN,
    });
    const done = await insertDelivery(deps, { ...at(-MIN), channel: 'mail', targetKind: 'system', status: 'sent' });
    const unknown = await insertDelivery(deps, { ...at(-MIN), channel: 'pager', targetKind: 'system' });

    const claimed = await claim(deps, await claimRequest());
    expect(claimed.map((c) => c.id).sort((a, b) => a - b)).toEqual([queued.id, retrying.id, lapsed.id, unknown.id].sort((a, b) => a - b));
    for (const c of claimed) {
      expect(await getDelivery(deps, c.id)).toMatchObject({ status: 'sending', leaseUntil: c.leaseUntil, leaseOwner: 'replica-a' });
    }
    for (const untouched of [later, leased, done]) {
      expect(await getDelivery(deps, untouched.id)).toMatchObject({ status: untouched.status, leaseUntil: untouched.leaseUntil });
    }
    const webhook = claimed.find((c) => c.id === queued.id)!;
    expect(webhook).toMatchObject({ attempts: 0, eventTitle: 'Scan added', content: { channel: 'webhooks', event: 'scan_added' } });
    // Stored before anything is sent: a retry sends the same bytes.
    expect(JSON.parse((await getDelivery(deps, queued.id)).content!)).toEqual(webhook.content);
    expect(claimed.find((c) => c.id === retrying.id)).toMatchObject({ attempts: 2, content: { channel: 'mail' } });
    // Nothing renders an unknown channel: a placeholder, failed later with the reason, and nothing stored.
    expect(claimed.find((c) => c.id === unknown.id)?.content.channel).toBe('(none)');
    expect((await getDelivery(deps, unknown.id)).content).toBeNull();
  });

  it('keeps stored content as it is, and gives damaged content a placeholder instead of failing the claim', async () => {
    const event = await insertEvent(deps);
    const stored = { channel: 'mail', subject: 'Rendered before', text: 't', html: 'h' };
    const kept = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system', content: JSON.stringify(stored) });
    const damaged = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system', content: '{not json' });
    const claimed = await claim(deps, await claimRequest());
    expect(claimed.find((c) => c.id === kept.id)?.content).toEqual(stored);
    expect(claimed.find((c) => c.id === damaged.id)?.content.channel).toBe('(none)');
  });

  it('leaves the rows of a destination at its cap, and puts back the ones over it untouched', async () => {
    const full = await webhookRows(3);
    const open = await webhookRows(4);
    const fullKey = destinationOf({ channel: 'webhooks', webhookId: full.hook.id });
    const openKey = destinationOf({ channel: 'webhooks', webhookId: open.hook.id });
    expect([fullKey, openKey]).toEqual([`webhook:${full.hook.id}`, `webhook:${open.hook.id}`]);
    expect(destinationOf({ channel: 'mail', webhookId: null })).toBe('mail');

    // `full` has its 2 sends in flight; `open` has 1, so room for 1 more.
    const claimed = await claim(
      deps,
      await claimRequest({
        perDestination: 2,
        inFlight: new Map([
          [fullKey, 2],
          [openKey, 1],
        ]),
      }),
    );
    expect(claimed.map((c) => c.id)).toEqual([open.rows[0]!.id]);
    for (const row of [...full.rows, ...open.rows.slice(1)]) {
      expect(await getDelivery(deps, row.id)).toMatchObject({
        status: 'queued',
        leaseUntil: null,
        leaseOwner: null,
        attempts: 0,
        nextAttemptAt: row.nextAttemptAt,
      });
    }
  });

  it('fills the limit from other destinations when the oldest rows are over their cap', async () => {
    const crowded = await webhookRows(6);
    const other = await webhookRows(3);
    const claimed = await claim(deps, await claimRequest({ limit: 5, perDestination: 2 }));
    const byHook = (hookId: number) => claimed.filter((c) => c.webhookId === hookId).length;
    expect(byHook(crowded.hook.id)).toBe(2);
    expect(byHook(other.hook.id)).toBe(2);
    expect(claimed).toHaveLength(4);
  });
});

describe('recordAttempt', () => {
  async function claimOne(values: Partial<Parameters<typeof insertDelivery>[1]> = {}) {
    await webhookRows(1, values);
    const [claimed] = await claim(deps, await claimRequest());
    return claimed!;
  }
  const attempt = (ok: boolean, responseCode: number | null, error: string | null) => ({
    startedAt: T,
    finishedAt: T + 50,
    ok,
    responseCode,
    error,
  });

  it('sending → sent: counts the attempt, clears the error and the lease', async () => {
    const c = await claimOne({ lastError: 'Waiting: the webhook rests' });
    expect(await recordAttempt(deps, c, attempt(true, 200, null), { status: 'sent' })).toBe(true);
    expect(await getDelivery(deps, c.id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      responseCode: 200,
      lastError: null,
      sentAt: T + 50,
      leaseUntil: null,
      leaseOwner: null,
      updatedAt: T + 50,
    });
    const attempts = await findRows(deps.db, deliveryAttempts, eq(deliveryAttempts.deliveryId, c.id));
    expect(attempts).toMatchObject([{ startedAt: T, finishedAt: T + 50, ok: true, responseCode: 200, error: null }]);
  });

  it('sending → retrying at the given time, with the error', async () => {
    const c = await claimOne();
    expect(await recordAttempt(deps, c, attempt(false, 503, 'HTTP 503'), { status: 'retrying', nextAttemptAt: T + MIN })).toBe(true);
    expect(await getDelivery(deps, c.id)).toMatchObject({
      status: 'retrying',
      attempts: 1,
      nextAttemptAt: T + MIN,
      lastError: 'HTTP 503',
      responseCode: 503,
      leaseUntil: null,
      sentAt: null,
    });
  });

  it('sending → failed, with the error', async () => {
    const c = await claimOne({ status: 'retrying', attempts: 4 });
    expect(await recordAttempt(deps, c, attempt(false, 410, 'HTTP 410 gone'), { status: 'failed' })).toBe(true);
    expect(await getDelivery(deps, c.id)).toMatchObject({
      status: 'failed',
      attempts: 5,
      lastError: 'HTTP 410 gone',
      responseCode: 410,
      leaseUntil: null,
    });
  });

  it('changes nothing once the lease is lost: taken over by another claimer, or held by another instance', async () => {
    const c = await claimOne();
    await deps.db.run(sql`update deliveries set lease_until = ${c.leaseUntil + 1} where id = ${c.id}`);
    expect(await recordAttempt(deps, c, attempt(true, 200, null), { status: 'sent' })).toBe(false);
    expect(await getDelivery(deps, c.id)).toMatchObject({ status: 'sending', attempts: 0, leaseUntil: c.leaseUntil + 1 });

    await deps.db.run(sql`update deliveries set lease_until = ${c.leaseUntil}, lease_owner = 'replica-b' where id = ${c.id}`);
    expect(await recordAttempt(deps, c, attempt(false, 500, 'x'), { status: 'failed' })).toBe(false);
    expect(await release(deps, c, T)).toBe(false);
    expect(await getDelivery(deps, c.id)).toMatchObject({ status: 'sending', attempts: 0, leaseOwner: 'replica-b' });
  });
});

describe('release', () => {
  it('puts a never-attempted row back queued, due then, with the reason it waits', async () => {
    await webhookRows(1);
    const [c] = await claim(deps, await claimRequest());
    expect(await release(deps, c!, T + MIN, 'Waiting: the webhook rests.')).toBe(true);
    expect(await getDelivery(deps, c!.id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      nextAttemptAt: T + MIN,
      lastError: 'Waiting: the webhook rests.',
      leaseUntil: null,
      leaseOwner: null,
    });
    expect(await findRows(deps.db, deliveryAttempts)).toHaveLength(0);
  });

  it('puts an attempted row back retrying and keeps its real error', async () => {
    await webhookRows(1, { status: 'retrying', attempts: 2, lastError: 'HTTP 502' });
    const [c] = await claim(deps, await claimRequest());
    expect(await release(deps, c!, T, 'Waiting: the webhook rests.')).toBe(true);
    expect(await getDelivery(deps, c!.id)).toMatchObject({ status: 'retrying', attempts: 2, nextAttemptAt: T, lastError: 'HTTP 502' });
  });
});

describe('releaseOwnLeases', () => {
  it("puts this instance's in-flight rows back at once, without counting an attempt, and wakes the workers", async () => {
    const { rows } = await webhookRows(4);
    const [mine, mineRetried, theirs, done] = rows;
    const lease = T + 10 * MIN;
    const lease_ = (id: number, owner: string, attempts = 0) =>
      deps.db.run(sql`update deliveries set status = 'sending', lease_until = ${lease}, lease_owner = ${owner}, attempts = ${attempts}
        where id = ${id}`);
    await lease_(mine!.id, 'replica-a');
    await lease_(mineRetried!.id, 'replica-a', 3);
    await lease_(theirs!.id, 'replica-b');
    await deps.db.run(sql`update deliveries set status = 'sent', lease_owner = 'replica-a' where id = ${done!.id}`);

    expect(await releaseOwnLeases(deps)).toBe(2);
    expect(await getDelivery(deps, mine!.id)).toMatchObject({ status: 'queued', attempts: 0, leaseUntil: null, leaseOwner: null });
    expect(await getDelivery(deps, mineRetried!.id)).toMatchObject({ status: 'retrying', attempts: 3, leaseUntil: null });
    // Due at once: they keep their (past) due time.
    expect((await getDelivery(deps, mine!.id)).nextAttemptAt).toBeLessThanOrEqual(T);
    expect(await getDelivery(deps, theirs!.id)).toMatchObject({ status: 'sending', leaseUntil: lease, leaseOwner: 'replica-b' });
    expect((await getDelivery(deps, done!.id)).status).toBe('sent');
    await waitFor(() => woken > 0);
    expect(woken).toBe(1);
    expect(await releaseOwnLeases(deps)).toBe(0);
  });
});

describe('webhook moves', () => {
  it("defers an endpoint's waiting rows to its retry time, noting why on rows never attempted", async () => {
    const { hook, rows } = await webhookRows(2);
    const [fresh, tried] = rows;
    await deps.db.run(sql`update deliveries set status = 'retrying', attempts = 1, last_error = 'HTTP 503' where id = ${tried!.id}`);
    const elsewhere = await webhookRows(1);
    expect(await deferWaitingForWebhook(deps, hook.id, T + MIN, T)).toBe(2);
    expect(await getDelivery(deps, fresh!.id)).toMatchObject({
      nextAttemptAt: T + MIN,
      lastError: expect.stringMatching(/^Waiting: the webhook/),
    });
    expect(await getDelivery(deps, tried!.id)).toMatchObject({ nextAttemptAt: T + MIN, lastError: 'HTTP 503' });
    expect((await getDelivery(deps, elsewhere.rows[0]!.id)).nextAttemptAt).toBe(T);
  });

  it('makes everything waiting for a recovered endpoint due now, except the probe, and wakes the workers', async () => {
    const { hook, rows } = await webhookRows(3, { nextAttemptAt: T + 10 * MIN });
    const [probe, waiting, sent] = rows;
    await deps.db.run(sql`update deliveries set status = 'sent' where id = ${sent!.id}`);
    expect(await releaseWaitingForWebhook(deps, hook.id, probe!.id, T)).toBe(1);
    expect((await getDelivery(deps, waiting!.id)).nextAttemptAt).toBe(T);
    expect((await getDelivery(deps, probe!.id)).nextAttemptAt).toBe(T + 10 * MIN);
    expect((await getDelivery(deps, sent!.id)).nextAttemptAt).toBe(T + 10 * MIN);
    await waitFor(() => woken > 0);
  });

  it('makes every pending row of a reactivated or deactivated endpoint due now', async () => {
    const { hook, rows } = await webhookRows(2, { status: 'retrying', attempts: 1, nextAttemptAt: T + 10 * MIN });
    clock = T + MIN;
    expect(await makeWebhookDeliveriesDue(deps, hook.id)).toBe(2);
    for (const row of rows) expect((await getDelivery(deps, row.id)).nextAttemptAt).toBe(T + MIN);
  });
});

describe('retryDeliveryNow', () => {
  const statusOf = async (err: Promise<unknown>) => {
    try {
      await err;
    } catch (e) {
      return e instanceof HttpError ? { status: e.status, message: e.message } : { status: 0, message: String(e) };
    }
    return null;
  };

  it('failed → queued with a fresh attempt budget; retrying → due now; wakes the workers', async () => {
    const { rows } = await webhookRows(2);
    const [failed, retrying] = rows;
    await deps.db.run(sql`update deliveries set status = 'failed', attempts = 8, last_error = 'Gave up' where id = ${failed!.id}`);
    await deps.db.run(
      sql`update deliveries set status = 'retrying', attempts = 2, next_attempt_at = ${T + 30 * MIN} where id = ${retrying!.id}`,
    );
    clock = T + MIN;
    expect(await retryDeliveryNow(deps, failed!.id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      nextAttemptAt: T + MIN,
      lastError: 'Gave up',
    });
    expect(await retryDeliveryNow(deps, retrying!.id)).toMatchObject({ status: 'retrying', attempts: 2, nextAttemptAt: T + MIN });
    await waitFor(() => woken >= 2);
  });

  it('refuses sent, queued and in-flight rows (409), and unknown ids (404)', async () => {
    const { rows } = await webhookRows(3);
    await deps.db.run(sql`update deliveries set status = 'sent' where id = ${rows[0]!.id}`);
    await deps.db.run(sql`update deliveries set status = 'sending', lease_until = ${T + MIN} where id = ${rows[2]!.id}`);
    expect(await statusOf(retryDeliveryNow(deps, rows[0]!.id))).toEqual({
      status: 409,
      message: 'Only failed or retrying deliveries can be retried; this one is sent.',
    });
    expect(await statusOf(retryDeliveryNow(deps, rows[1]!.id))).toMatchObject({
      status: 409,
      message: expect.stringMatching(/this one is queued/),
    });
    expect(await statusOf(retryDeliveryNow(deps, rows[2]!.id))).toMatchObject({
      status: 409,
      message: expect.stringMatching(/this one is sending/),
    });
    expect(await statusOf(retryDeliveryNow(deps, 999_999))).toMatchObject({ status: 404 });
  });

  it('refuses a delivery to a deactivated webhook (409): it must be reactivated first', async () => {
    const { hook, rows } = await webhookRows(1);
    await deps.db.run(sql`update deliveries set status = 'failed', attempts = 1 where id = ${rows[0]!.id}`);
    await deps.db.run(sql`update webhooks set status = 'inactive_permanent', name = 'SIEM' where id = ${hook.id}`);
    const refused = await statusOf(retryDeliveryNow(deps, rows[0]!.id));
    expect(refused).toMatchObject({
      status: 409,
      message: expect.stringMatching(/webhook "SIEM" is deactivated.*reactivate the webhook first/),
    });
    expect(await getDelivery(deps, rows[0]!.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(woken).toBe(0);
  });
});

describe('findNextDueAt', () => {
  it('is the earliest due time of a queued or retrying row or a lease, or null when nothing is pending', async () => {
    expect(await findNextDueAt(deps)).toBeNull();
    const { rows } = await webhookRows(3, { nextAttemptAt: T + 10 * MIN });
    expect(await findNextDueAt(deps)).toBe(T + 10 * MIN);
    await deps.db.run(sql`update deliveries set status = 'retrying', next_attempt_at = ${T + 5 * MIN} where id = ${rows[0]!.id}`);
    expect(await findNextDueAt(deps)).toBe(T + 5 * MIN);
    await deps.db.run(sql`update deliveries set status = 'sending', lease_until = ${T + 2 * MIN} where id = ${rows[1]!.id}`);
    expect(await findNextDueAt(deps)).toBe(T + 2 * MIN);
    await deps.db.run(sql`update deliveries set status = 'sent'`);
    expect(await findNextDueAt(deps)).toBeNull();
  });
});
