/**
 * Webhook endpoint health (DefectDojo's state machine):
 *   active ──5xx/429/timeout──► inactive_tmp ──60 s later, next request──► active_tmp
 *   active_tmp ──no error for 24 h──► active
 *   any temporary failure while the first error is more than 24 h old ──► inactive_permanent
 *   4xx other than 429 ──► inactive_permanent (only a person reactivates it)
 * The transition functions are pure; the helpers below them persist the result (the deliveries waiting for an
 * endpoint are moved by queue.ts).
 */
import { eq, sql } from 'drizzle-orm';
import { type Deps, withDb } from '../app-context';
import { findRow, updateRows } from '../db/rows';
import { webhooks } from '../db/schema';
import { notFound } from '../lib/errors';
import { makeWebhookDeliveriesDue } from './queue';

export const WEBHOOK_STATUSES = ['active', 'active_tmp', 'inactive_tmp', 'inactive_permanent'] as const;
export type TWebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export type TWebhookHealth = { status: TWebhookStatus; firstErrorAt: number | null; lastErrorAt: number | null };

/** What one request to the endpoint did. */
export type TWebhookHealthEvent = 'succeeded' | 'failed_temporarily' | 'failed_permanently';

/** An inactive_tmp endpoint gets its next request this long after its last error. */
export const WEBHOOK_RETRY_DELAY_MS = 60_000;
/** active_tmp becomes active after this long without an error; errors for longer make it permanent. */
export const WEBHOOK_RECOVERY_MS = 24 * 3600 * 1000;

export function toWebhookStatus(value: string): TWebhookStatus {
  return (WEBHOOK_STATUSES as readonly string[]).includes(value) ? (value as TWebhookStatus) : 'active';
}

const CLEAN: Omit<TWebhookHealth, 'status'> = { firstErrorAt: null, lastErrorAt: null };

/** The state after a request's outcome. */
export function transitionWebhookHealth(current: TWebhookHealth, event: TWebhookHealthEvent, now: number): TWebhookHealth {
  if (current.status === 'inactive_permanent') return current;
  if (event === 'failed_permanently') {
    return { status: 'inactive_permanent', firstErrorAt: current.firstErrorAt ?? now, lastErrorAt: now };
  }
  if (event === 'failed_temporarily') {
    // An active endpoint has no error history: this failure starts a new one.
    const firstErrorAt = current.status === 'active' ? now : (current.firstErrorAt ?? now);
    if (now - firstErrorAt > WEBHOOK_RECOVERY_MS) return { status: 'inactive_permanent', firstErrorAt, lastErrorAt: now };
    return { status: 'inactive_tmp', firstErrorAt, lastErrorAt: now };
  }
  // succeeded
  if (current.status === 'active') return current;
  if (current.status === 'inactive_tmp') return { ...current, status: 'active_tmp' };
  // active_tmp
  if (current.lastErrorAt === null || now - current.lastErrorAt >= WEBHOOK_RECOVERY_MS) return { status: 'active', ...CLEAN };
  return current;
}

export type TWebhookAvailability =
  /** Send now; `health` is the state to store first when time alone changed it (inactive_tmp → active_tmp, active_tmp → active). */
  | { kind: 'send'; health: TWebhookHealth; changed: boolean }
  /** inactive_tmp: wait until its retry time. */
  | { kind: 'wait'; until: number }
  /** inactive_permanent: fail the delivery. */
  | { kind: 'refuse' };

/** May a request go to the endpoint now? Applies the time-based transitions. */
export function checkWebhookAvailability(current: TWebhookHealth, now: number): TWebhookAvailability {
  switch (current.status) {
    case 'inactive_permanent':
      return { kind: 'refuse' };
    case 'inactive_tmp': {
      const retryAt = (current.lastErrorAt ?? now) + WEBHOOK_RETRY_DELAY_MS;
      if (now < retryAt) return { kind: 'wait', until: retryAt };
      return { kind: 'send', health: { ...current, status: 'active_tmp' }, changed: true };
    }
    case 'active_tmp':
      if (current.lastErrorAt === null || now - current.lastErrorAt >= WEBHOOK_RECOVERY_MS) {
        return { kind: 'send', health: { status: 'active', ...CLEAN }, changed: true };
      }
      return { kind: 'send', health: current, changed: false };
    default:
      return { kind: 'send', health: current, changed: false };
  }
}

// ---------------------------------------------------------------------------
// Persistence

type WebhookRow = typeof webhooks.$inferSelect;

export function healthOf(row: Pick<WebhookRow, 'status' | 'firstErrorAt' | 'lastErrorAt'>): TWebhookHealth {
  return { status: toWebhookStatus(row.status), firstErrorAt: row.firstErrorAt, lastErrorAt: row.lastErrorAt };
}

/** Store a request's outcome on the endpoint; returns the new health. `note` explains the last error. */
export async function recordWebhookOutcome(
  deps: Deps,
  webhookId: number,
  event: TWebhookHealthEvent,
  note: string | null,
  now: number,
): Promise<TWebhookHealth | null> {
  return deps.db.transaction(async (tx) => {
    // Lock the row first (a no-op update): outcomes for one endpoint, from concurrent sends here or on another
    // replica, then apply one after the other instead of overwriting each other.
    if ((await tx.run(sql`update webhooks set status = status where id = ${webhookId}`)) === 0) return null;
    const row = await findRow(tx, webhooks, eq(webhooks.id, webhookId));
    if (!row) return null;
    const before = healthOf(row);
    const after = transitionWebhookHealth(before, event, now);
    const isSame = after.status === before.status && after.firstErrorAt === before.firstErrorAt && after.lastErrorAt === before.lastErrorAt;
    if (!isSame || (event !== 'succeeded' && note !== row.note)) {
      const nextNote = event === 'succeeded' ? (after.status === 'active' ? null : row.note) : note;
      await updateRows(tx, webhooks, { ...after, note: nextNote }, eq(webhooks.id, webhookId));
    }
    return after;
  });
}

/** Store a time-based transition found by checkWebhookAvailability. */
export async function storeWebhookHealth(deps: Deps, webhookId: number, health: TWebhookHealth): Promise<void> {
  await updateRows(deps.db, webhooks, { ...health, ...(health.status === 'active' ? { note: null } : {}) }, eq(webhooks.id, webhookId));
}

/**
 * A person reactivates an endpoint: back to active with a clean history, and deliveries waiting for it are
 * due now (the workers are woken).
 */
export async function reactivateWebhook(deps: Deps, webhookId: number): Promise<WebhookRow> {
  return setWebhookStatusByHand(deps, webhookId, { status: 'active', firstErrorAt: null, lastErrorAt: null, note: null });
}

/** A person switches an endpoint off: inactive_permanent; its pending deliveries fail when the worker reaches them, now. */
export async function deactivateWebhook(deps: Deps, webhookId: number, note = 'Deactivated by a superuser.'): Promise<WebhookRow> {
  return setWebhookStatusByHand(deps, webhookId, { status: 'inactive_permanent', note });
}

async function setWebhookStatusByHand(deps: Deps, webhookId: number, patch: Partial<WebhookRow>): Promise<WebhookRow> {
  return deps.db.transaction(async (tx) => {
    const [updated] = await updateRows(tx, webhooks, patch, eq(webhooks.id, webhookId));
    if (!updated) throw notFound(`Webhook ${webhookId}`);
    // Pending deliveries are settled now rather than at their (possibly distant) retry time.
    await makeWebhookDeliveriesDue(withDb(deps, tx), webhookId);
    await deps.bus.publish(tx, { type: 'deliveries-queued' });
    return updated;
  });
}
