/** The Delivery log's "Retry now": a failed delivery goes back to the queue, due now, with a fresh attempt budget. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { deliveries } from '../db/schema';
import { conflict, notFound } from '../lib/errors';

type DeliveryRow = typeof deliveries.$inferSelect;

/**
 * failed → queued (attempts back to 0, so transient errors are retried again; the attempt history stays),
 * retrying → due now. Sent, queued and in-flight rows are left alone (409). Wakes the worker.
 */
export function retryDeliveryNow(deps: Deps, id: number): DeliveryRow {
  const now = deps.now();
  const row = deps.db.transaction((tx) => {
    const current = tx.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.id, id)).get();
    if (!current) throw notFound(`Delivery ${id}`);
    if (current.status === 'failed') {
      return tx
        .update(deliveries)
        .set({ status: 'queued', attempts: 0, nextAttemptAt: now, leaseUntil: null, updatedAt: now })
        .where(and(eq(deliveries.id, id), eq(deliveries.status, 'failed')))
        .returning()
        .get();
    }
    if (current.status === 'retrying') {
      return tx
        .update(deliveries)
        .set({ nextAttemptAt: now, updatedAt: now })
        .where(and(eq(deliveries.id, id), inArray(deliveries.status, ['retrying'])))
        .returning()
        .get();
    }
    throw conflict(`Only failed or retrying deliveries can be retried; this one is ${current.status}.`);
  });
  if (!row) throw conflict(`Delivery ${id} changed while it was being retried; reload and try again.`);
  deps.bus.emit('deliveries-queued');
  return row;
}
