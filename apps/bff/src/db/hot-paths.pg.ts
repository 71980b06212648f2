/**
 * PostgreSQL hot paths: arrays bound as one parameter and expanded with unnest, and the claim with
 * FOR UPDATE SKIP LOCKED so that replicas claiming at the same moment take disjoint rows without waiting.
 */
import { sql } from 'drizzle-orm';
import { eventCodeOf } from './event-codes';
import type { TAlertInsert, THotPaths } from './hot-paths';

const param = <T>(value: T) => sql.param(value);

export const pgHotPaths: THotPaths = {
  insertAlerts(db, a, userIds) {
    if (userIds.length === 0) return Promise.resolve(0);
    return db.run(sql`insert into alerts (user_id, event_id, event, event_code, product_id, title, description, url, source, icon, created_at,
        dedupe_key)
      select u, ${a.eventId}::bigint, ${a.event}::text, ${eventCodeOf(a.event)}::int, ${a.productId}::int, ${a.title}::text, ${a.description}::text, ${a.url}::text, ${a.source}::text, ${a.icon}::text,
        ${a.createdAt}::bigint, ${a.dedupeKey ?? null}::text
      from unnest(${param([...userIds])}::int[]) as u`);
  },

  insertDeliveries(db, eventId, now, rows) {
    if (rows.length === 0) return Promise.resolve(0);
    return db.run(sql`insert into deliveries (uuid, event_id, channel, target_kind, user_id, webhook_id, destination_id, status,
        attempts, next_attempt_at, created_at, updated_at)
      select r.uuid, ${eventId}::bigint, r.channel, r.kind, r.user_id, r.webhook_id, r.destination_id, 'queued', 0, ${now}::bigint,
        ${now}::bigint, ${now}::bigint
      from unnest(${param(rows.map((x) => x[0]))}::text[], ${param(rows.map((x) => x[1]))}::text[],
                  ${param(rows.map((x) => x[2]))}::text[], ${param(rows.map((x) => x[3]))}::int[],
                  ${param(rows.map((x) => x[4]))}::int[], ${param(rows.map((x) => x[5] ?? null))}::int[])
        as r(uuid, channel, kind, user_id, webhook_id, destination_id)`);
  },

  insertAlertBatch(db, alerts) {
    const alertIndexes: number[] = [];
    const userIds: number[] = [];
    alerts.forEach((a, i) => {
      for (const userId of a.userIds) {
        alertIndexes.push(i + 1);
        userIds.push(userId);
      }
    });
    if (userIds.length === 0) return Promise.resolve(0);
    const column = <T>(pick: (a: TAlertInsert) => T) => param(alerts.map((a) => pick(a.alert)));
    return db.run(sql`insert into alerts (user_id, event_id, event, event_code, product_id, title, description, url, source, icon, created_at,
        dedupe_key)
      select p.user_id, a.event_id, a.event, a.event_code, a.product_id, a.title, a.description, a.url, a.source, a.icon, a.created_at, a.dedupe_key
      from unnest(${param(alertIndexes)}::int[], ${param(userIds)}::int[]) with ordinality as p(n, user_id, ord)
      join unnest(${column((a) => a.eventId)}::bigint[], ${column((a) => a.event)}::text[], ${column((a) => eventCodeOf(a.event))}::int[],
                  ${column((a) => a.productId)}::int[],
                  ${column((a) => a.title)}::text[], ${column((a) => a.description)}::text[],
                  ${column((a) => a.url)}::text[], ${column((a) => a.source)}::text[], ${column((a) => a.icon)}::text[],
                  ${column((a) => a.createdAt)}::bigint[], ${column((a) => a.dedupeKey ?? null)}::text[])
        with ordinality as a(event_id, event, event_code, product_id, title, description, url, source, icon, created_at, dedupe_key, n) on a.n = p.n
      order by p.ord`);
  },

  insertDeliveryBatch(db, now, rows, dedupeKeys) {
    if (rows.length === 0) return Promise.resolve(0);
    return db.run(sql`insert into deliveries (uuid, event_id, channel, target_kind, user_id, webhook_id, destination_id, status,
        attempts, next_attempt_at, created_at, updated_at, dedupe_key)
      select r.uuid, r.event_id, r.channel, r.kind, r.user_id, r.webhook_id, r.destination_id, 'queued', 0, ${now}::bigint,
        ${now}::bigint, ${now}::bigint, r.dedupe_key
      from unnest(${param(rows.map((x) => x[0]))}::bigint[], ${param(rows.map((x) => x[1]))}::text[],
                  ${param(rows.map((x) => x[2]))}::text[], ${param(rows.map((x) => x[3]))}::text[],
                  ${param(rows.map((x) => x[4]))}::int[], ${param(rows.map((x) => x[5]))}::int[],
                  ${param(rows.map((x) => x[6] ?? null))}::int[], ${param(rows.map((x) => dedupeKeys?.get(x[0]) ?? null))}::text[])
        with ordinality as r(event_id, uuid, channel, kind, user_id, webhook_id, destination_id, dedupe_key, ord)
      order by r.ord`);
  },

  async claimDueDeliveries(db, r) {
    if (r.limit <= 0) return [];
    const notSkipped = sql`(webhook_id is null or webhook_id <> all(${param([...r.skipWebhookIds])}::int[]))
      and (webhook_id is not null or channel <> all(${param([...r.skipChannels])}::text[]))`;
    // One locking scan per state, each walking its index in due order and stepping over rows that another
    // replica has locked (SKIP LOCKED), so concurrent claimers take disjoint rows without waiting and each
    // still gets up to `limit`. The earliest `limit` of the three are leased in the same statement (one round
    // trip per claim); the others are unlocked at commit.
    const leaseEnd = sql`${r.now}::bigint + case d.channel ${sql.join(
      Object.entries(r.leaseMs).map(([channel, ms]) => sql`when ${channel} then ${ms}::bigint`),
      sql` `,
    )} else ${r.defaultLeaseMs}::bigint end`;
    const rows = await db.all<{ id: number; at: number }>(sql`with
      lapsed as (select id, lease_until as at from deliveries where status = 'sending' and lease_until <= ${r.now}::bigint
        and ${notSkipped} order by lease_until, id limit ${r.limit} for update skip locked),
      queued as (select id, next_attempt_at as at from deliveries where status = 'queued' and next_attempt_at <= ${r.now}::bigint
        and ${notSkipped} order by next_attempt_at, id limit ${r.limit} for update skip locked),
      retrying as (select id, next_attempt_at as at from deliveries where status = 'retrying' and next_attempt_at <= ${r.now}::bigint
        and ${notSkipped} order by next_attempt_at, id limit ${r.limit} for update skip locked),
      due as (select id, at from (select * from lapsed union all select * from queued union all select * from retrying) s
        order by at, id limit ${r.limit})
      update deliveries d set status = 'sending', updated_at = ${r.now}::bigint, lease_owner = ${r.owner}::text, lease_until = ${leaseEnd}
      from due where d.id = due.id
      returning d.id, due.at`);
    rows.sort((a, b) => a.at - b.at || a.id - b.id);
    return rows.map((row) => row.id);
  },

  async recordDeliveryAttempt(db, a, change, leased) {
    // One statement, one round trip: data-modifying CTEs always run to completion, so the attempt is logged
    // whether or not the lease still held, and the count says whether the row changed.
    const row = await db.get<{ n: number }>(sql`with changed as (
        update deliveries set ${change} where ${leased} returning id
      ), logged as (
        insert into delivery_attempts (delivery_id, started_at, finished_at, ok, response_code, error, error_summary)
        values (${a.deliveryId}::bigint, ${a.startedAt}::bigint, ${a.finishedAt}::bigint, ${a.ok}, ${a.responseCode}::int,
          ${a.error}::text, ${a.errorSummary}::text)
        returning id
      )
      select (select count(*) from changed)::int as n, (select count(*) from logged)::int as logged`);
    return row?.n === 1;
  },

  async recordSentAttempts(db, rows, given) {
    if (rows.length === 0) return [];
    // The batch's columns are named apart from the table's (in_*), so queue.ts's unqualified SQL reads the row.
    // Data-modifying CTEs always run to completion: every attempt is logged, whatever became of its lease.
    const changed = await db.all<{ id: number }>(sql`with input as (
        select * from unnest(${param(rows.map((r) => r.deliveryId))}::bigint[], ${param(rows.map((r) => r.leaseUntil))}::bigint[],
          ${param(rows.map((r) => r.startedAt))}::bigint[], ${param(rows.map((r) => r.finishedAt))}::bigint[],
          ${param(rows.map((r) => r.responseCode))}::int[])
          with ordinality as i(in_id, in_lease, in_started, in_finished, in_code, in_n)
      ), changed as (
        update deliveries set ${given.change(sql`input.in_code`, sql`input.in_finished`)}
        from input
        where ${given.leased(sql`input.in_id`, sql`input.in_lease`)}
        returning deliveries.id
      ), logged as (
        insert into delivery_attempts (delivery_id, started_at, finished_at, ok, response_code, error, error_summary)
        select in_id, in_started, in_finished, 1, in_code, null, null from input order by in_n
        returning id
      )
      select id from changed`);
    const stored = new Set(changed.map((r) => Number(r.id)));
    return rows.map((r) => stored.has(r.deliveryId));
  },

  async storeDeliveryContents(db, rows) {
    if (rows.length === 0) return;
    await db.run(sql`update deliveries d set content = v.content
      from unnest(${param(rows.map((r) => r.id))}::bigint[], ${param(rows.map((r) => r.content))}::text[]) as v(id, content)
      where d.id = v.id`);
  },
};
