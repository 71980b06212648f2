/** Rows for delivery tests, written directly (no dispatch), and helpers that run the queue dry and wait. */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../../app-context';
import { findRow, findRows, insertRow, updateRows } from '../../db/rows';
import { deliveries, events, systemSettings, webhooks } from '../../db/schema';
import { findNextDueAt } from '../queue';
import { runDueDeliveries, type TRunStats, type TWorkerOptions } from '../worker';

type EventRow = typeof events.$inferSelect;
type DeliveryRow = typeof deliveries.$inferSelect;
type WebhookRow = typeof webhooks.$inferSelect;

export async function updateSystemSettings(deps: Deps, values: Partial<typeof systemSettings.$inferInsert>): Promise<void> {
  await updateRows(deps.db, systemSettings, values, eq(systemSettings.id, 1));
}

export function insertEvent(deps: Deps, values: Partial<typeof events.$inferInsert> = {}): Promise<EventRow> {
  return insertRow(deps.db, events, {
    name: 'scan_added',
    routedAs: 'scan_added',
    title: 'Scan added: 12 findings',
    description: 'A ZAP scan was imported.',
    url: '/alerts',
    icon: 'scan',
    source: 'Scan Added',
    createdAt: deps.now(),
    ...values,
  });
}

/** A delivery row in any state: tests set up what dispatch and the queue would have written. */
export function insertDelivery(
  deps: Deps,
  values: Pick<typeof deliveries.$inferInsert, 'eventId' | 'channel' | 'targetKind'> & Partial<typeof deliveries.$inferInsert>,
): Promise<DeliveryRow> {
  const now = deps.now();
  return insertRow(deps.db, deliveries, {
    uuid: randomUUID(),
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
    ...values,
  });
}

export function insertWebhook(deps: Deps, values: Partial<typeof webhooks.$inferInsert> & { url: string }): Promise<WebhookRow> {
  return insertRow(deps.db, webhooks, { name: `hook-${randomUUID().slice(0, 8)}`, createdAt: deps.now(), ...values });
}

export async function getDelivery(deps: Deps, id: number): Promise<DeliveryRow> {
  const row = await findRow(deps.db, deliveries, eq(deliveries.id, id));
  if (!row) throw new Error(`delivery ${id} not found`);
  return row;
}

export async function getWebhook(deps: Deps, id: number): Promise<WebhookRow> {
  const row = await findRow(deps.db, webhooks, eq(webhooks.id, id));
  if (!row) throw new Error(`webhook ${id} not found`);
  return row;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `check` until it holds; rejects after `timeoutMs`. Bus messages arrive asynchronously on PostgreSQL. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await sleep(10);
  }
}

/**
 * Run the queue until nothing is queued, retrying or sending, sleeping until the next due time
 * in between (real time: keep backoffs small). Rejects when it is not dry within `timeoutMs`.
 */
export async function drainDeliveries(deps: Deps, opts: TWorkerOptions & { timeoutMs?: number } = {}): Promise<TRunStats> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const total: TRunStats = { claimed: 0, sent: 0, retrying: 0, failed: 0, deferred: 0, released: 0, lost: 0 };
  for (;;) {
    const stats = await runDueDeliveries(deps, opts);
    for (const k of Object.keys(total) as (keyof TRunStats)[]) total[k] += stats[k];
    const pending = await findRows(deps.db, deliveries, inArray(deliveries.status, ['queued', 'retrying', 'sending', 'carried']));
    if (pending.length === 0) return total;
    const next = (await findNextDueAt(deps)) ?? deps.now();
    const wait = Math.max(1, next - deps.now());
    if (Date.now() + wait > deadline) {
      throw new Error(`the queue is not dry: ${pending.length} pending, next due in ${wait} ms`);
    }
    await sleep(wait);
  }
}
