/**
 * The delivery queue: the one module that changes a `deliveries` row once it exists (dispatch creates rows,
 * through db.hot.insertDeliveries). Every transition is one function here:
 *
 *   queued/retrying, due ──claim──► sending, leased to this instance (lease_until, lease_owner)
 *   sending ──recordAttempt──► sent | retrying (due at its backoff) | failed      only while the lease is ours
 *   sending ──release──► queued/retrying, no attempt counted (a resting webhook, a probe in flight, a stop)
 *   sending under this instance's own lease, at start ──releaseOwnLeases──► queued/retrying, due at once
 *   queued/retrying of one webhook ──deferWaitingForWebhook / releaseWaitingForWebhook / makeWebhookDeliveriesDue──►
 *     due when the endpoint may be tried again / due now
 *   failed ──retryDeliveryNow──► queued with a fresh attempt budget; retrying ──► due now
 *   queued, never rendered, of a chat destination whose pace slot a claim took ──claim──► carried (carried_by: the
 *     claimed row, the carrier): its event rides in the carrier's merged post, and every outcome of the carrier is
 *     its outcome too (sent and failed with the same answer; retrying stays carried, due with its carrier)
 *
 * A row is due when it is queued or retrying with next_attempt_at <= now, or 'sending' with a lapsed lease (its
 * worker died). The claim leases rows inside a transaction (db.hot.claimDueDeliveries: the writer lock on SQLite,
 * FOR UPDATE SKIP LOCKED on PostgreSQL), so two claimers, in one process or on two replicas, never take the same
 * row. Content is rendered and stored in the same transaction, before anything is sent, so every retry sends the
 * bytes of the first attempt. Outcome writes check the lease: a claimer that lost its row changes nothing.
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import { and, eq, gt, inArray, ne, type SQL, sql } from 'drizzle-orm';
import { type Deps, withDb } from '../app-context';
import type { Database } from '../db/database';
import type { TClaimRequest as THotClaimRequest } from '../db/hot-paths';
import { findRows, updateRows } from '../db/rows';
import { deliveries } from '../db/schema';
import { conflict, notFound } from '../lib/errors';
import { applyPacing, rowsOfDestination, type TPacingResult } from './pacing';
import { loadEventContext, type TDeliveryContent, type TEventContext, type TMergedItem, type TRenderEvent } from './render';

type DeliveryRow = typeof deliveries.$inferSelect;

export type TClaimedDelivery = {
  id: number;
  uuid: string;
  eventId: number;
  channel: string;
  targetKind: string;
  userId: number | null;
  webhookId: number | null;
  /** targetKind 'destination': the named destination (rules/, destinations/). */
  destinationId?: number | null;
  /** Attempts made before this one. */
  attempts: number;
  /** The lease this claim holds; outcome writes check it so a claimer that lost its lease changes nothing. */
  leaseUntil: number;
  content: TDeliveryContent;
  eventName: string;
  eventTitle: string;
  /** Other deliveries riding in this one's merged post (status 'carried'): its outcome is theirs. */
  carries?: number;
};

/** The lease part of a claimed row: what every outcome write is guarded by (and the rows it carries). */
export type TLease = Pick<TClaimedDelivery, 'id' | 'leaseUntil' | 'carries'>;

/** How long a row stays leased: at least `minMs`, and longer when its channel's slowest send is longer. */
export type TLeases = { minMs: number; byChannel: Record<TExternalChannel, number> };

/**
 * Sends in flight are capped per destination, so that one hanging receiver holds a few worker slots, not all:
 * a webhook endpoint, or the one service behind each other channel (the SMTP server, Slack, the Teams webhook).
 */
export function destinationOf(row: Pick<TClaimedDelivery, 'channel' | 'webhookId'>): string {
  return row.webhookId === null ? row.channel : `webhook:${row.webhookId}`;
}

const WEBHOOK_DESTINATION = /^webhook:(\d+)$/;

export type TClaimRequest = {
  limit: number;
  leases: TLeases;
  /** Sends in flight in this process, per destination (destinationOf). */
  inFlight: ReadonlyMap<string, number>;
  /** Sends allowed in flight per destination: rows of a destination at its cap are not claimed. */
  perDestination: number;
  /** The message of a row without content; null when no channel can render it. */
  render: (channel: string, event: TRenderEvent, context: TEventContext, deliveryUuid: string) => TDeliveryContent | null;
  /**
   * Merging (pacing.ts takes one row per chat destination and pace slot): the claimed row takes up to `max - 1` more
   * queued, never rendered rows of its destination with it, and they go out as one message. Absent: no merging.
   */
  merge?: TMergeRequest;
};

export type TMergeRequest = {
  /** Channels that merge (their adapters can render several events as one message). */
  channels: ReadonlySet<string>;
  /** Deliveries one message carries at most (the carrier included). */
  max: number;
  render: (channel: string, items: readonly TMergedItem[]) => TDeliveryContent | null;
};

/** Claim rounds per call: rows over their destination's cap go back, and the next round looks past them. */
const MAX_CLAIM_ROUNDS = 4;

type TClaimRow = Omit<TClaimedDelivery, 'content'> & { content: string | null; coalescedCount?: number };

/** Statuses of a row waiting for its (first or next) attempt, for the claim and the merge alike. */
const WAITING = sql`('queued', 'retrying')`;

/**
 * Lease up to `limit` due deliveries for this instance, oldest due first, at most `perDestination` in flight per
 * destination, and render the content of those that have none. Rows whose channel nothing can render get a
 * placeholder content, and fail with a clear reason when processed.
 */
export async function claim(deps: Deps, request: TClaimRequest): Promise<TClaimedDelivery[]> {
  if (request.limit <= 0) return [];
  const now = deps.now();
  const { minMs, byChannel } = request.leases;
  // Each row is leased for at least as long as its channel's slowest send.
  const leaseMs: Record<string, number> = {};
  for (const [channel, ms] of Object.entries(byChannel)) leaseMs[channel] = Math.max(minMs, ms);

  return deps.db.transaction(async (tx) => {
    const inFlight = new Map(request.inFlight);
    const isAtCap = (destination: string) => (inFlight.get(destination) ?? 0) >= request.perDestination;
    const taken: TClaimRow[] = [];
    for (let round = 0; round < MAX_CLAIM_ROUNDS && taken.length < request.limit; round++) {
      const want = request.limit - taken.length;
      const full = [...inFlight.keys()].filter(isAtCap);
      const hotRequest: THotClaimRequest = {
        now,
        limit: want,
        owner: deps.instanceId,
        leaseMs,
        defaultLeaseMs: minMs,
        skipWebhookIds: full.flatMap((d) => {
          const match = WEBHOOK_DESTINATION.exec(d);
          return match ? [Number(match[1])] : [];
        }),
        skipChannels: full.filter((d) => !WEBHOOK_DESTINATION.test(d)),
      };
      const ids = await tx.hot.claimDueDeliveries(tx, hotRequest);
      if (ids.length === 0) break;
      const over: number[] = [];
      let accepted = 0;
      for (const row of await findClaimedRows(tx, ids)) {
        const destination = destinationOf(row);
        if (isAtCap(destination)) {
          over.push(row.id);
          continue;
        }
        inFlight.set(destination, (inFlight.get(destination) ?? 0) + 1);
        taken.push(row);
        accepted += 1;
      }
      // Over the cap: back as they were, still due; the next round skips their destination.
      if (over.length > 0) await putBack(tx, over, now);
      if (ids.length < want || accepted === 0) break;
    }
    // Pacing per destination (pacing.ts): rows whose slot lies ahead go back, due at their slot, unless they
    // can ride in the message that takes the slot now.
    const paced = await applyPacing(tx, deps.env, now, taken);
    const carriers = request.merge ? await mergeIntoCarriers(tx, now, paced, request.merge) : new Set<number>();
    if (paced.deferred.size > 0) await putBackUntilSlots(tx, paced.deferred, now);
    return renderMissingContent(withDb(deps, tx), paced.keep, request.render, carriers, request.merge);
  });
}

/** A row can carry others, or ride in another's post, only before anything of it was rendered or sent. */
const isMergeable = (row: TClaimRow) => row.attempts === 0 && row.content === null && !(row.carries && row.carries > 0);

/**
 * For each row that took a chat destination's pace slot: the other claimed rows of that destination, then the
 * oldest queued rows of it that are due, up to `max - 1`, become 'carried' by it. Their leases (the claimed ones')
 * end; the carrier's lease covers the one post. On PostgreSQL rows another claim holds are skipped, not waited for
 * (that claim finds the slot taken and puts them back). Returns the carriers that took any.
 */
async function mergeIntoCarriers(db: Database, now: number, paced: TPacingResult<TClaimRow>, merge: TMergeRequest): Promise<Set<number>> {
  const carriers = new Set<number>();
  for (const carrier of paced.keep) {
    const slot = paced.slots.get(carrier.id);
    if (!slot || !merge.channels.has(carrier.channel) || !isMergeable(carrier) || merge.max <= 1) continue;
    const riders = slot.others.filter(isMergeable).slice(0, merge.max - 1);
    let count = 0;
    if (riders.length > 0) {
      for (const r of riders) paced.deferred.delete(r.id);
      count += await db.run(sql`update deliveries set status = 'carried', carried_by = ${carrier.id}, lease_until = null,
          lease_owner = null, updated_at = ${now}
        where ${db.fragments.inIds(
          sql`id`,
          riders.map((r) => r.id),
        )}`);
    }
    const want = merge.max - 1 - riders.length;
    const rows = rowsOfDestination(slot.key);
    if (want > 0 && rows) {
      // The outer conditions are checked again on the locked row (another claim may have taken it meanwhile).
      count += await db.run(sql`update deliveries set status = 'carried', carried_by = ${carrier.id}, updated_at = ${now}
        where id in (select id from deliveries
            where status in ${WAITING} and next_attempt_at <= ${now} and attempts = 0 and content is null and ${rows}
            order by next_attempt_at, id limit ${want} ${db.fragments.skipLocked()})
          and status in ${WAITING} and attempts = 0 and content is null`);
    }
    if (count > 0) {
      carriers.add(carrier.id);
      carrier.carries = count;
    }
  }
  return carriers;
}

async function findClaimedRows(db: Database, ids: readonly number[]): Promise<TClaimRow[]> {
  return db.all<TClaimRow>(sql`select d.id, d.uuid, d.event_id as "eventId", d.channel, d.target_kind as "targetKind",
      d.user_id as "userId", d.webhook_id as "webhookId", d.destination_id as "destinationId", d.attempts, d.lease_until as "leaseUntil", d.content,
      d.coalesced_count as "coalescedCount",
      (select count(*) from deliveries c where c.carried_by = d.id and c.status = 'carried') as carries,
      e.name as "eventName", e.title as "eventTitle"
    from deliveries d join events e on e.id = d.event_id
    where ${db.fragments.inIds(sql`d.id`, ids)}
    order by d.next_attempt_at, d.id`);
}

/** Claimed rows back to the queue, each due when its destination's pace lets the next message through. */
async function putBackUntilSlots(db: Database, slots: ReadonlyMap<number, number>, now: number): Promise<void> {
  const bySlot = new Map<number, number[]>();
  for (const [id, slot] of slots) bySlot.set(slot, [...(bySlot.get(slot) ?? []), id]);
  for (const [slot, ids] of bySlot) {
    await db.run(sql`update deliveries set status = case when attempts = 0 then 'queued' else 'retrying' end,
        next_attempt_at = ${slot}, lease_until = null, lease_owner = null, updated_at = ${now}
      where ${db.fragments.inIds(sql`id`, ids)}`);
  }
}

/** Undo a claim in its own transaction: the rows are as they were before it (their due time untouched). */
async function putBack(db: Database, ids: readonly number[], now: number): Promise<void> {
  await db.run(sql`update deliveries set status = case when attempts = 0 then 'queued' else 'retrying' end,
      lease_until = null, lease_owner = null, updated_at = ${now}
    where ${db.fragments.inIds(sql`id`, ids)}`);
}

async function renderMissingContent(
  deps: Deps,
  rows: TClaimRow[],
  render: TClaimRequest['render'],
  carriers: ReadonlySet<number>,
  merge: TMergeRequest | undefined,
): Promise<TClaimedDelivery[]> {
  const events = new Map<number, { event: TRenderEvent; context: TEventContext } | null>();
  const findItem = async (eventId: number, coalescedCount: number): Promise<TMergedItem | null> => {
    let cached = events.get(eventId);
    if (cached === undefined) {
      const event = await findRenderEvent(deps.db, eventId);
      cached = event ? { event, context: await loadEventContext(deps, event) } : null;
      events.set(eventId, cached);
    }
    if (!cached) return null;
    return { event: coalescedCount > 0 ? { ...cached.event, coalescedCount } : cached.event, context: cached.context };
  };
  const claimed: TClaimedDelivery[] = [];
  const rendered: { id: number; content: string }[] = [];
  for (const row of rows) {
    let content: TDeliveryContent | null = null;
    if (row.content !== null) {
      content = parseContent(row.content);
    } else if (carriers.has(row.id) && merge) {
      // The carrier's event first, then the riders' in queue order; a rider whose event is gone is left out.
      const riders = await deps.db.all<{ eventId: number; coalescedCount: number }>(sql`select event_id as "eventId",
          coalesced_count as "coalescedCount"
        from deliveries where carried_by = ${row.id} and status = 'carried' order by next_attempt_at, id`);
      const items: TMergedItem[] = [];
      for (const r of [{ eventId: row.eventId, coalescedCount: Number(row.coalescedCount ?? 0) }, ...riders]) {
        const item = await findItem(Number(r.eventId), Number(r.coalescedCount));
        if (item) items.push(item);
      }
      content = items.length > 0 ? merge.render(row.channel, items) : null;
      if (content) rendered.push({ id: row.id, content: JSON.stringify(content) });
    } else {
      const item = await findItem(row.eventId, Number(row.coalescedCount ?? 0));
      content = item ? render(row.channel, item.event, item.context, row.uuid) : null;
      if (content) rendered.push({ id: row.id, content: JSON.stringify(content) });
    }
    // Nothing to render (unknown channel, event gone): a placeholder the worker fails permanently with a clear reason.
    const { coalescedCount: _count, ...fields } = row;
    claimed.push({
      ...fields,
      carries: Number(row.carries ?? 0),
      content: content ?? ({ channel: '(none)' } as unknown as TDeliveryContent),
    });
  }
  await deps.db.hot.storeDeliveryContents(deps.db, rendered);
  return claimed;
}

function findRenderEvent(db: Database, eventId: number): Promise<TRenderEvent | undefined> {
  return db.get<TRenderEvent>(sql`select id, name, title, description, url, source, created_at as "createdAt",
      product_type_id as "productTypeId", product_id as "productId", engagement_id as "engagementId", payload
    from events where id = ${eventId}`);
}

/** A row whose stored content cannot be read must fail on its own, not break every claim that includes it. */
function parseContent(text: string): TDeliveryContent | null {
  try {
    const parsed = JSON.parse(text) as TDeliveryContent;
    return parsed && typeof parsed === 'object' && typeof parsed.channel === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

/** The row `id` is still held by `owner` under the lease it was given (`leaseUntil`). SQL values or columns. */
const leasedSql = (id: SQL, leaseUntil: SQL, owner: string): SQL =>
  sql`id = ${id} and status = 'sending' and lease_until = ${leaseUntil} and lease_owner = ${owner}`;

/** This claimer still holds the row: the lease it was given, under this instance's name. */
const isLeasedBy = (deps: Deps, lease: TLease): SQL => leasedSql(sql`${lease.id}`, sql`${lease.leaseUntil}`, deps.instanceId);

/** A row sent with answer `code` at `at` (SQL values or columns). */
const sentSql = (code: SQL, at: SQL): SQL =>
  sql`status = 'sent', response_code = ${code}, last_error = null, last_error_summary = null, sent_at = ${at}`;

/** Every attempt, whatever its outcome: one more attempt, the lease ended, at `at`. */
const attemptEndedSql = (at: SQL): SQL => sql`attempts = attempts + 1, lease_until = null, lease_owner = null, updated_at = ${at}`;

export type TAttemptRecord = {
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  responseCode: number | null;
  /** The whole error, receiver's answer included (redacted): for superusers. */
  error: string | null;
  /** The error without the receiver's words, for everyone else; the error itself when absent (it quotes nobody). */
  errorSummary?: string | null;
};

export type TNextState = { status: 'sent' } | { status: 'retrying'; nextAttemptAt: number } | { status: 'failed' };

/** Record one attempt and the row's new state. Returns false when the lease was lost (another claimer owns the row now). */
export async function recordAttempt(deps: Deps, lease: TLease, attempt: TAttemptRecord, next: TNextState): Promise<boolean> {
  const now = attempt.finishedAt;
  const code = attempt.responseCode;
  const error = attempt.error ?? '';
  const summary = attempt.errorSummary ?? error;
  const change =
    next.status === 'sent'
      ? sentSql(sql`${code}`, sql`${now}`)
      : next.status === 'retrying'
        ? sql`status = 'retrying', next_attempt_at = ${next.nextAttemptAt}, last_error = ${error},
            last_error_summary = ${summary}, response_code = ${code}`
        : sql`status = 'failed', last_error = ${error}, last_error_summary = ${summary}, response_code = ${code}`;
  const logged = {
    deliveryId: lease.id,
    startedAt: attempt.startedAt,
    finishedAt: attempt.finishedAt,
    ok: attempt.ok,
    responseCode: code,
    error: attempt.error,
    errorSummary: attempt.error === null ? null : summary,
  };
  const set = attemptEndedSql(sql`${now}`);
  // The attempt happened whatever became of the lease: the log keeps it.
  if (!lease.carries) return deps.db.hot.recordDeliveryAttempt(deps.db, logged, sql`${change}, ${set}`, isLeasedBy(deps, lease));
  // A merged post: its riders share the attempt and the outcome, in the same transaction, only while the lease holds.
  return deps.db.transaction(async (tx) => {
    const stored = await tx.hot.recordDeliveryAttempt(tx, logged, sql`${change}, ${set}`, isLeasedBy(deps, lease));
    if (!stored) return false;
    const riders = sql`carried_by = ${lease.id} and status = 'carried'`;
    await tx.run(sql`insert into delivery_attempts (delivery_id, started_at, finished_at, ok, response_code, error, error_summary)
      select id, cast(${logged.startedAt} as bigint), cast(${logged.finishedAt} as bigint), cast(${attempt.ok ? 1 : 0} as integer),
        cast(${code} as integer), cast(${logged.error} as text), cast(${logged.errorSummary} as text)
      from deliveries where ${riders}`);
    // A retry leaves them carried (they go with the carrier's next attempt) but says why they wait and until when.
    const riderChange =
      next.status === 'retrying'
        ? sql`next_attempt_at = ${next.nextAttemptAt}, last_error = ${error},
          last_error_summary = ${summary}, response_code = ${code}`
        : change;
    await tx.run(sql`update deliveries set ${riderChange}, attempts = attempts + 1, updated_at = ${now} where ${riders}`);
    return true;
  });
}

/**
 * Several successful sends at once (the worker's group commit, worker.ts): each as recordAttempt records it with
 * { status: 'sent' }, in one statement (PostgreSQL) or one transaction (SQLite). Not for rows that carry others.
 */
export function recordSentAttempts(deps: Deps, sent: readonly { lease: TLease; attempt: TAttemptRecord }[]): Promise<boolean[]> {
  return deps.db.hot.recordSentAttempts(
    deps.db,
    sent.map(({ lease, attempt }) => ({
      deliveryId: lease.id,
      leaseUntil: lease.leaseUntil,
      startedAt: attempt.startedAt,
      finishedAt: attempt.finishedAt,
      responseCode: attempt.responseCode,
    })),
    {
      change: (code, at) => sql`${sentSql(code, at)}, ${attemptEndedSql(at)}`,
      leased: (id, leaseUntil) => leasedSql(id, leaseUntil, deps.instanceId),
    },
  );
}

/**
 * Put a claimed row back without counting an attempt: queued (or retrying when it has attempts), due at `dueAt`.
 * `note` says why it waits; it replaces last_error only on a row never attempted (an attempted row keeps its real error).
 */
export async function release(deps: Deps, lease: TLease, dueAt: number, note: string | null = null): Promise<boolean> {
  const lastError = note === null ? sql`last_error` : sql`case when attempts = 0 then ${note} else last_error end`;
  const lastSummary = note === null ? sql`last_error_summary` : sql`case when attempts = 0 then ${note} else last_error_summary end`;
  const changed = await deps.db.run(sql`update deliveries set status = case when attempts = 0 then 'queued' else 'retrying' end,
      next_attempt_at = ${dueAt}, last_error = ${lastError}, last_error_summary = ${lastSummary}, lease_until = null,
      lease_owner = null, updated_at = ${deps.now()}
    where ${isLeasedBy(deps, lease)}`);
  return changed === 1;
}

/**
 * At start: the rows this instance had leased when it stopped (killed, crashed) go back at once, without counting
 * an attempt, rather than when their leases lapse. Their due time is kept, so they keep their place in the queue.
 * Returns how many went back.
 */
export async function releaseOwnLeases(deps: Deps): Promise<number> {
  const released = await deps.db.run(sql`update deliveries set status = case when attempts = 0 then 'queued' else 'retrying' end,
      lease_until = null, lease_owner = null, updated_at = ${deps.now()}
    where status = 'sending' and lease_owner = ${deps.instanceId}`);
  if (released > 0) await deps.bus.publish(deps.db, { type: 'deliveries-queued' });
  return released;
}

/**
 * The endpoint rests until `retryAt`: its other pending rows due before then move there in one statement, so
 * the claimer never picks them up (one by one) in the meantime. A row never attempted says why it waits.
 */
export async function deferWaitingForWebhook(deps: Deps, webhookId: number, retryAt: number, now: number): Promise<number> {
  const note = `Waiting: the webhook is temporarily inactive after an error and is tried again at ${new Date(retryAt).toISOString()}.`;
  // The (status, next_attempt_at) index bounds the scan to pending rows due before retryAt.
  return deps.db.run(sql`update deliveries
    set next_attempt_at = ${retryAt}, updated_at = ${now}, last_error = case when attempts = 0 then ${note} else last_error end,
      last_error_summary = case when attempts = 0 then ${note} else last_error_summary end
    where status in ('queued', 'retrying') and next_attempt_at < ${retryAt} and webhook_id = ${webhookId}`);
}

/** The endpoint answered again after its rest: everything waiting for it (but `exceptId`) is due now. Wakes the workers. */
export async function releaseWaitingForWebhook(deps: Deps, webhookId: number, exceptId: number, now: number): Promise<number> {
  const moved = await deps.db.run(sql`update deliveries set next_attempt_at = ${now}, updated_at = ${now}
    where ${and(
      eq(deliveries.webhookId, webhookId),
      inArray(deliveries.status, ['queued', 'retrying']),
      gt(deliveries.nextAttemptAt, now),
      ne(deliveries.id, exceptId),
    )}`);
  if (moved > 0) await deps.bus.publish(deps.db, { type: 'deliveries-queued' });
  return moved;
}

/**
 * A person reactivated or deactivated the endpoint: its pending rows are due now (sent, or failed with the
 * reason, rather than at a possibly distant retry time). Run it in the transaction that changes the webhook;
 * the caller wakes the workers.
 */
export async function makeWebhookDeliveriesDue(deps: Deps, webhookId: number): Promise<number> {
  const now = deps.now();
  return deps.db.run(sql`update deliveries set next_attempt_at = ${now}, updated_at = ${now}
    where webhook_id = ${webhookId} and status in ('queued', 'retrying')`);
}

/**
 * The Delivery log's "Retry now". failed → queued (attempts back to 0, so transient errors are retried again;
 * the attempt history stays), retrying → due now. Sent, queued and in-flight rows are left alone (409), and so
 * is a row for a deactivated webhook: it would only fail again. Wakes the workers.
 */
export async function retryDeliveryNow(deps: Deps, requestedId: number): Promise<DeliveryRow> {
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const requested = await tx.get<{ status: string; carriedBy: number | null }>(
      sql`select status, carried_by as "carriedBy" from deliveries where id = ${requestedId}`,
    );
    if (!requested) throw notFound(`Delivery ${requestedId}`);
    // A row that rode in a merged post is retried with that post: sending it alone as well would send it twice.
    const isRider = requested.carriedBy !== null && (requested.status === 'carried' || requested.status === 'failed');
    const id = isRider ? Number(requested.carriedBy) : requestedId;
    const current = await tx.get<{ status: string; webhookName: string | null; webhookStatus: string | null }>(sql`
      select d.status, w.name as "webhookName", w.status as "webhookStatus"
      from deliveries d left join webhooks w on w.id = d.webhook_id where d.id = ${id}`);
    if (!current) throw notFound(`Delivery ${id}`);
    if (current.status !== 'failed' && current.status !== 'retrying') {
      const which = isRider ? `this one was merged into delivery ${id}'s post, which` : 'this one';
      throw conflict(`Only failed or retrying deliveries can be retried; ${which} is ${current.status}.`);
    }
    if (current.webhookStatus === 'inactive_permanent') {
      throw conflict(
        `The webhook "${current.webhookName}" is deactivated, so this delivery cannot be sent: reactivate the webhook first (Webhooks page), then retry.`,
      );
    }
    const patch =
      current.status === 'failed'
        ? { status: 'queued', attempts: 0, nextAttemptAt: now, leaseUntil: null, leaseOwner: null, updatedAt: now }
        : { nextAttemptAt: now, updatedAt: now };
    const [row] = await updateRows(tx, deliveries, patch, and(eq(deliveries.id, id), eq(deliveries.status, current.status)));
    if (!row) throw conflict(`Delivery ${id} changed while it was being retried; reload and try again.`);
    // Its riders ride again, with the same fresh budget (the stored merged post still names them).
    if (current.status === 'failed') {
      await tx.run(sql`update deliveries set status = 'carried', attempts = 0, updated_at = ${now}
        where carried_by = ${id} and status = 'failed'`);
    }
    if (isRider) {
      const [rider] = await findRows(tx, deliveries, eq(deliveries.id, requestedId));
      await deps.bus.publish(tx, { type: 'deliveries-queued' });
      return rider ?? row;
    }
    await deps.bus.publish(tx, { type: 'deliveries-queued' });
    return row;
  });
}

/** The earliest time something becomes due (a queued/retrying row or a lapsing lease), or null when the queue is empty. */
export async function findNextDueAt(deps: Deps): Promise<number | null> {
  // One index range per state, each reading only its first entry.
  const row = await deps.db.get<{ queued: number | null; retrying: number | null; leased: number | null }>(sql`select
      (select min(next_attempt_at) from deliveries where status = 'queued') as queued,
      (select min(next_attempt_at) from deliveries where status = 'retrying') as retrying,
      (select min(lease_until) from deliveries where status = 'sending') as leased`);
  const times = [row?.queued, row?.retrying, row?.leased].filter((t): t is number => typeof t === 'number');
  return times.length === 0 ? null : Math.min(...times);
}
