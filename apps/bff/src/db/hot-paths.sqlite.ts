/**
 * SQLite hot paths: JSON arrays expanded with json_each carry a whole fan-out in one bound parameter, and the
 * claim relies on the writer lock of BEGIN IMMEDIATE (one writer at a time), so no row locks are needed.
 */
import { sql } from 'drizzle-orm';
import { eventCodeOf } from './event-codes';
import type { THotPaths } from './hot-paths';

export const sqliteHotPaths: THotPaths = {
  insertAlerts(db, a, userIds) {
    if (userIds.length === 0) return Promise.resolve(0);
    return db.run(sql`insert into alerts (user_id, event_id, event, event_code, product_id, title, description, url, source, icon, created_at,
        dedupe_key)
      select j.value, ${a.eventId}, ${a.event}, ${eventCodeOf(a.event)}, ${a.productId}, ${a.title}, ${a.description}, ${a.url}, ${a.source}, ${a.icon}, ${a.createdAt},
        ${a.dedupeKey ?? null}
      from json_each(${JSON.stringify(userIds)}) j`);
  },

  insertDeliveries(db, eventId, now, rows) {
    if (rows.length === 0) return Promise.resolve(0);
    return db.run(sql`insert into deliveries (uuid, event_id, channel, target_kind, user_id, webhook_id, destination_id, status,
        attempts, next_attempt_at, created_at, updated_at)
      select j.value ->> 0, ${eventId}, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, 'queued', 0, ${now},
        ${now}, ${now}
      from json_each(${JSON.stringify(rows)}) j`);
  },

  // A statement per alert: in-process SQLite has no round trip to save, and a join of two json_each tables
  // would re-read the JSON for every row.
  async insertAlertBatch(db, alerts) {
    let inserted = 0;
    for (const a of alerts) inserted += await sqliteHotPaths.insertAlerts(db, a.alert, a.userIds);
    return inserted;
  },

  insertDeliveryBatch(db, now, rows, dedupeKeys) {
    if (rows.length === 0) return Promise.resolve(0);
    const withKeys = rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], r[6] ?? null, dedupeKeys?.get(r[0]) ?? null]);
    return db.run(sql`insert into deliveries (uuid, event_id, channel, target_kind, user_id, webhook_id, destination_id, status,
        attempts, next_attempt_at, created_at, updated_at, dedupe_key)
      select j.value ->> 1, j.value ->> 0, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, 'queued', 0, ${now},
        ${now}, ${now}, j.value ->> 7
      from json_each(${JSON.stringify(withKeys)}) j order by j.key`);
  },

  async claimDueDeliveries(db, r) {
    if (r.limit <= 0) return [];
    const skip = JSON.stringify(r.skipWebhookIds);
    const notSkipped = sql`(webhook_id is null or webhook_id not in (select value from json_each(${skip})))
      and (webhook_id is not null or channel not in (select value from json_each(${JSON.stringify(r.skipChannels)})))`;
    // One statement per state, so each walks the (status, next_attempt_at) index in due order.
    const due = await db.all<{ id: number; at: number }>(sql`
      select id, at from (
        select id, lease_until as at from deliveries
        where status = 'sending' and lease_until <= ${r.now} and ${notSkipped} order by lease_until, id limit ${r.limit})
      union all
      select id, at from (
        select id, next_attempt_at as at from deliveries
        where status = 'queued' and next_attempt_at <= ${r.now} and ${notSkipped} order by next_attempt_at, id limit ${r.limit})
      union all
      select id, at from (
        select id, next_attempt_at as at from deliveries
        where status = 'retrying' and next_attempt_at <= ${r.now} and ${notSkipped} order by next_attempt_at, id limit ${r.limit})
      order by at, id limit ${r.limit}`);
    if (due.length === 0) return [];
    const ids = due.map((d) => d.id);
    await db.run(sql`update deliveries set status = 'sending', updated_at = ${r.now}, lease_owner = ${r.owner},
        lease_until = ${r.now} + case channel ${sql.join(
          Object.entries(r.leaseMs).map(([channel, ms]) => sql`when ${channel} then ${ms}`),
          sql` `,
        )} else ${r.defaultLeaseMs} end
      where id in (select value from json_each(${JSON.stringify(ids)}))`);
    return ids;
  },

  async recordDeliveryAttempt(db, a, change, leased) {
    // In-process: four statements cost what one does; the transaction keeps them together.
    return db.transaction(async (tx) => {
      await tx.run(sql`insert into delivery_attempts (delivery_id, started_at, finished_at, ok, response_code, error, error_summary)
        values (${a.deliveryId}, ${a.startedAt}, ${a.finishedAt}, ${a.ok ? 1 : 0}, ${a.responseCode}, ${a.error}, ${a.errorSummary})`);
      return (await tx.run(sql`update deliveries set ${change} where ${leased}`)) === 1;
    });
  },

  async recordSentAttempts(db, rows, given) {
    if (rows.length === 0) return [];
    // One commit for the batch; each row as recordDeliveryAttempt records it.
    return db.transaction(async (tx) => {
      const stored: boolean[] = [];
      for (const r of rows) {
        const attempt = { ...r, ok: true, error: null, errorSummary: null };
        const change = given.change(sql`${r.responseCode}`, sql`${r.finishedAt}`);
        stored.push(
          await sqliteHotPaths.recordDeliveryAttempt(tx, attempt, change, given.leased(sql`${r.deliveryId}`, sql`${r.leaseUntil}`)),
        );
      }
      return stored;
    });
  },

  async storeDeliveryContents(db, rows) {
    for (const row of rows) await db.run(sql`update deliveries set content = ${row.content} where id = ${row.id}`);
  },
};
