/** Rows for delivery tests, written directly (no dispatch), and a helper that runs the queue dry. */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Deps } from '../../app-context';
import { deliveries, events, systemSettings, webhooks } from '../../db/schema';
import { findNextDueAt } from '../claim';
import { runDueDeliveries, type TRunStats, type TWorkerOptions } from '../worker';

type EventRow = typeof events.$inferSelect;
type DeliveryRow = typeof deliveries.$inferSelect;
type WebhookRow = typeof webhooks.$inferSelect;

export function updateSystemSettings(deps: Deps, values: Partial<typeof systemSettings.$inferInsert>): void {
  deps.db.update(systemSettings).set(values).where(eq(systemSettings.id, 1)).run();
}

export function insertEvent(deps: Deps, values: Partial<typeof events.$inferInsert> = {}): EventRow {
  return deps.db
    .insert(events)
    .values({
      name: 'scan_added',
      routedAs: 'scan_added',
      title: 'Scan added: 12 findings',
      description: 'A ZAP scan was imported.',
      url: '/alerts',
      icon: 'scan',
      source: 'Scan Added',
      createdAt: deps.now(),
      ...values,
    })
    .returning()
    .get();
}

export function insertDelivery(
  deps: Deps,
  values: Pick<typeof deliveries.$inferInsert, 'eventId' | 'channel' | 'targetKind'> & Partial<typeof deliveries.$inferInsert>,
): DeliveryRow {
  const now = deps.now();
  return deps.db
    .insert(deliveries)
    .values({ uuid: randomUUID(), status: 'queued', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now, ...values })
    .returning()
    .get();
}

export function insertWebhook(deps: Deps, values: Partial<typeof webhooks.$inferInsert> & { url: string }): WebhookRow {
  return deps.db
    .insert(webhooks)
    .values({ name: `hook-${randomUUID().slice(0, 8)}`, createdAt: deps.now(), ...values })
    .returning()
    .get();
}

export function getDelivery(deps: Deps, id: number): DeliveryRow {
  const row = deps.db.select().from(deliveries).where(eq(deliveries.id, id)).get();
  if (!row) throw new Error(`delivery ${id} not found`);
  return row;
}

export function getWebhook(deps: Deps, id: number): WebhookRow {
  const row = deps.db.select().from(webhooks).where(eq(webhooks.id, id)).get();
  if (!row) throw new Error(`webhook ${id} not found`);
  return row;
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
    const pending = deps.db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(inArray(deliveries.status, ['queued', 'retrying', 'sending']))
      .all();
    if (pending.length === 0) return total;
    const next = findNextDueAt(deps) ?? deps.now();
    const wait = Math.max(1, next - deps.now());
    if (Date.now() + wait > deadline) {
      throw new Error(`the queue is not dry: ${pending.length} pending, next due in ${wait} ms`);
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}
