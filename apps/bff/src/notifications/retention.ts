/**
 * Alert retention: each user keeps at most env.ALERT_RETENTION newest alerts (-1 keeps everything).
 * It runs as a scheduled job (often: every ALERT_RETENTION_INTERVAL_SECONDS), so lists stay near the cap.
 * Deletes go in bounded batches, each its own short transaction, with a yield to the event loop between
 * them: trimming a million rows never blocks the process (or a replica's writers) for long.
 * Users over the cap are found from alert_counts (a key range), not by counting every alert.
 */
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { Database } from '../db/database';

/** Rows one delete statement (one transaction) removes at most. */
export const DELETE_BATCH = 2_000;
/** Users over the cap handled per pass before looking again. */
const USERS_PER_PASS = 200;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Delete the user's alerts with id <= `upToId` (all of them when null), in batches; publishes the change after
 * each batch so open bells follow. Returns how many were deleted.
 */
export async function deleteAlertsInBatches(deps: Deps, userId: number, upToId: number | null): Promise<number> {
  let deleted = 0;
  // A cursor over ids: each batch starts past the last one, instead of re-walking the index entries the earlier
  // batches deleted (which PostgreSQL keeps until vacuum, making a long clear quadratic).
  let after = 0;
  const bound = upToId === null ? sql`` : sql`and id <= ${upToId}`;
  for (;;) {
    const batch = await deps.db.transaction(async (tx: Database) => {
      const ids = await tx.all<{ id: number }>(
        sql`select id from alerts where user_id = ${userId} and id > ${after} ${bound} order by id limit ${DELETE_BATCH}`,
      );
      if (ids.length === 0) return { removed: 0, last: after };
      const last = ids[ids.length - 1]!.id;
      const removed = await tx.run(sql`delete from alerts where user_id = ${userId} and id > ${after} and id <= ${last}`);
      if (removed > 0) await deps.bus.publish(tx, { type: 'alerts-changed', userIds: [userId] });
      return { removed, last };
    });
    deleted += batch.removed;
    if (batch.last === after || batch.removed < DELETE_BATCH) return deleted;
    after = batch.last;
    await yieldToEventLoop();
  }
}

/** Trim every list to its newest `keep` alerts. Returns how many alerts were deleted. */
export async function trimAlerts(deps: Deps, keep: number): Promise<number> {
  if (keep < 0) return 0;
  let deleted = 0;
  const done = new Set<number>();
  for (;;) {
    const over = await deps.db.all<{ userId: number }>(sql`select user_id as "userId" from alert_counts
      where n > ${keep} order by n desc limit ${USERS_PER_PASS}`);
    const todo = over.filter((o) => !done.has(o.userId));
    if (todo.length === 0) return deleted;
    for (const { userId } of todo) {
      done.add(userId);
      // Everything at or below the id of the (keep+1)-th newest alert goes.
      const cutoff = await deps.db.get<{ id: number }>(
        sql`select id from alerts where user_id = ${userId} order by id desc limit 1 offset ${keep}`,
      );
      if (cutoff) deleted += await deleteAlertsInBatches(deps, userId, cutoff.id);
      await yieldToEventLoop();
    }
  }
}
