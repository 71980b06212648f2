import { afterEach, describe, expect, it } from 'vitest';
import { createTestDeps, type TTestDeps } from '../test-utils';
import { getDelivery, getWebhook, insertDelivery, insertEvent, insertWebhook, waitFor } from './test-peers/fixtures';
import {
  checkWebhookAvailability,
  deactivateWebhook,
  reactivateWebhook,
  type TWebhookHealth,
  transitionWebhookHealth,
  WEBHOOK_RECOVERY_MS,
  WEBHOOK_RETRY_DELAY_MS,
} from './webhook-health';

const T = 1_800_000_000_000;
const HOUR = 3_600_000;
const active: TWebhookHealth = { status: 'active', firstErrorAt: null, lastErrorAt: null };

describe('transitionWebhookHealth', () => {
  it('active + success → active', () => {
    expect(transitionWebhookHealth(active, 'succeeded', T)).toEqual(active);
  });
  it('active + 5xx/429/timeout → inactive_tmp, the error history starting now', () => {
    expect(transitionWebhookHealth(active, 'failed_temporarily', T)).toEqual({ status: 'inactive_tmp', firstErrorAt: T, lastErrorAt: T });
  });
  it('active with a stale error history + temporary failure → a new history (not permanent)', () => {
    const stale: TWebhookHealth = { status: 'active', firstErrorAt: T - 48 * HOUR, lastErrorAt: T - 47 * HOUR };
    expect(transitionWebhookHealth(stale, 'failed_temporarily', T)).toEqual({ status: 'inactive_tmp', firstErrorAt: T, lastErrorAt: T });
  });
  it('active + 4xx → inactive_permanent', () => {
    expect(transitionWebhookHealth(active, 'failed_permanently', T)).toEqual({
      status: 'inactive_permanent',
      firstErrorAt: T,
      lastErrorAt: T,
    });
  });
  it('inactive_tmp + success (a request that was already in flight) → active_tmp', () => {
    const h: TWebhookHealth = { status: 'inactive_tmp', firstErrorAt: T - 1000, lastErrorAt: T - 1000 };
    expect(transitionWebhookHealth(h, 'succeeded', T)).toEqual({ ...h, status: 'active_tmp' });
  });
  it('inactive_tmp + temporary failure → inactive_tmp with the later last error, same first error', () => {
    const h: TWebhookHealth = { status: 'inactive_tmp', firstErrorAt: T - 5000, lastErrorAt: T - 5000 };
    expect(transitionWebhookHealth(h, 'failed_temporarily', T)).toEqual({ status: 'inactive_tmp', firstErrorAt: T - 5000, lastErrorAt: T });
  });
  it('inactive_tmp + 4xx → inactive_permanent', () => {
    const h: TWebhookHealth = { status: 'inactive_tmp', firstErrorAt: T - 5000, lastErrorAt: T - 5000 };
    expect(transitionWebhookHealth(h, 'failed_permanently', T).status).toBe('inactive_permanent');
  });
  it('active_tmp + success within 24 h of the last error → stays active_tmp', () => {
    const h: TWebhookHealth = { status: 'active_tmp', firstErrorAt: T - 2 * HOUR, lastErrorAt: T - HOUR };
    expect(transitionWebhookHealth(h, 'succeeded', T)).toEqual(h);
  });
  it('active_tmp + success 24 h after the last error → active, history cleared', () => {
    const h: TWebhookHealth = { status: 'active_tmp', firstErrorAt: T - 30 * HOUR, lastErrorAt: T - WEBHOOK_RECOVERY_MS };
    expect(transitionWebhookHealth(h, 'succeeded', T)).toEqual(active);
  });
  it('active_tmp + temporary failure with the first error less than 24 h old → inactive_tmp', () => {
    const h: TWebhookHealth = { status: 'active_tmp', firstErrorAt: T - 23 * HOUR, lastErrorAt: T - HOUR };
    expect(transitionWebhookHealth(h, 'failed_temporarily', T)).toEqual({
      status: 'inactive_tmp',
      firstErrorAt: T - 23 * HOUR,
      lastErrorAt: T,
    });
  });
  it('active_tmp + temporary failure with the first error more than 24 h old → inactive_permanent', () => {
    const h: TWebhookHealth = { status: 'active_tmp', firstErrorAt: T - 25 * HOUR, lastErrorAt: T - HOUR };
    expect(transitionWebhookHealth(h, 'failed_temporarily', T)).toEqual({
      status: 'inactive_permanent',
      firstErrorAt: T - 25 * HOUR,
      lastErrorAt: T,
    });
  });
  it('inactive_tmp + temporary failure with the first error more than 24 h old → inactive_permanent', () => {
    const h: TWebhookHealth = { status: 'inactive_tmp', firstErrorAt: T - 25 * HOUR, lastErrorAt: T - 2 * 60_000 };
    expect(transitionWebhookHealth(h, 'failed_temporarily', T).status).toBe('inactive_permanent');
  });
  it('active_tmp + 4xx → inactive_permanent', () => {
    const h: TWebhookHealth = { status: 'active_tmp', firstErrorAt: T - HOUR, lastErrorAt: T - HOUR };
    expect(transitionWebhookHealth(h, 'failed_permanently', T).status).toBe('inactive_permanent');
  });
  it('inactive_permanent stays so whatever happens (only a person reactivates it)', () => {
    const h: TWebhookHealth = { status: 'inactive_permanent', firstErrorAt: T - HOUR, lastErrorAt: T - HOUR };
    for (const e of ['succeeded', 'failed_temporarily', 'failed_permanently'] as const) {
      expect(transitionWebhookHealth(h, e, T)).toEqual(h);
    }
  });
});

describe('checkWebhookAvailability', () => {
  it('active → send, unchanged', () => {
    expect(checkWebhookAvailability(active, T)).toEqual({ kind: 'send', health: active, changed: false });
  });
  it('inactive_tmp within 60 s of its last error → wait until then', () => {
    const h: TWebhookHealth = { status: 'inactive_tmp', firstErrorAt: T - 10_000, lastErrorAt: T - 10_000 };
    expect(checkWebhookAvailability(h, T)).toEqual({ kind: 'wait', until: T - 10_000 + WEBHOOK_RETRY_DELAY_MS });
  });
  it('inactive_tmp 60 s after its last error → send as active_tmp', () => {
    const h: TWebhookHealth = { status: 'inactive_tmp', firstErrorAt: T - 60_000, lastErrorAt: T - 60_000 };
    expect(checkWebhookAvailability(h, T)).toEqual({ kind: 'send', health: { ...h, status: 'active_tmp' }, changed: true });
  });
  it('active_tmp with an error in the last 24 h → send, unchanged', () => {
    const h: TWebhookHealth = { status: 'active_tmp', firstErrorAt: T - HOUR, lastErrorAt: T - HOUR };
    expect(checkWebhookAvailability(h, T)).toEqual({ kind: 'send', health: h, changed: false });
  });
  it('active_tmp with no error for 24 h → active', () => {
    const h: TWebhookHealth = { status: 'active_tmp', firstErrorAt: T - 25 * HOUR, lastErrorAt: T - 24 * HOUR };
    expect(checkWebhookAvailability(h, T)).toEqual({ kind: 'send', health: active, changed: true });
  });
  it('inactive_permanent → refuse', () => {
    expect(checkWebhookAvailability({ status: 'inactive_permanent', firstErrorAt: T, lastErrorAt: T }, T)).toEqual({ kind: 'refuse' });
  });
});

describe('reactivateWebhook / deactivateWebhook', () => {
  let deps: TTestDeps;
  afterEach(() => deps.cleanup());

  it('reactivate clears the history and makes waiting deliveries due now; deactivate makes them due to fail now', async () => {
    deps = await createTestDeps();
    let woken = 0;
    deps.bus.subscribe('deliveries-queued', () => woken++);
    const now = deps.now();
    const hook = await insertWebhook(deps, {
      url: 'http://127.0.0.1:9/',
      status: 'inactive_tmp',
      firstErrorAt: now - 1000,
      lastErrorAt: now - 1000,
      note: 'HTTP 503',
    });
    const event = await insertEvent(deps);
    const waiting = await insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      status: 'retrying',
      attempts: 1,
      nextAttemptAt: now + HOUR,
    });
    const sent = await insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      status: 'sent',
      nextAttemptAt: now - HOUR,
    });

    const row = await reactivateWebhook(deps, hook.id);
    expect(row).toMatchObject({ status: 'active', firstErrorAt: null, lastErrorAt: null, note: null });
    expect((await getDelivery(deps, waiting.id)).nextAttemptAt).toBeLessThanOrEqual(deps.now());
    expect((await getDelivery(deps, sent.id)).nextAttemptAt).toBe(now - HOUR);
    // The bus is heard after the commit (through PostgreSQL's NOTIFY on a PostgreSQL run).
    await waitFor(() => woken >= 1);
    expect(woken).toBe(1);

    await deactivateWebhook(deps, hook.id, 'Deactivated by admin');
    expect(await getWebhook(deps, hook.id)).toMatchObject({ status: 'inactive_permanent', note: 'Deactivated by admin' });
    await waitFor(() => woken >= 2);
    expect(woken).toBe(2);
    await expect(reactivateWebhook(deps, 9999)).rejects.toThrow(/was not found/);
  });
});
