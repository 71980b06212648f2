/**
 * dispatchEvents: many events in one transaction, with the result dispatchEvent (dispatch.ts) gives for each
 * of them in turn, but in a handful of statements per batch instead of a dozen per event. For the scheduled jobs
 * that raise thousands of events at once (the daily SLA notices): on PostgreSQL every statement is a round trip.
 *
 * What is shared across the batch: the enabled channels and the system records (one query each), the context of
 * every event (one query per kind of id), the idempotency check (one query), the candidates of each distinct
 * routing (one query per product and event name), and the inserts of events, alerts and deliveries (one statement
 * each, db.hot.insertAlertBatch / insertDeliveryBatch). Routing itself is recipients.ts, as for one event.
 * dispatch-batch.test.ts checks, on a table of cases, that this writes exactly the rows dispatchEvent writes.
 *
 * Events with a coalescing key (dedupe key) are batched too when none of them has anything to fold into: no
 * alert or delivery of its key within the window and no other event of the batch with the same key. That is the
 * daily SLA job's case (one key per finding, a day apart). Otherwise they fold into each other in order (a later
 * one updates the alert an earlier one wrote), which one insert cannot express, and go through dispatchEvent one
 * by one in the same transaction.
 */
import { CHANNEL_BITS } from '@tocsin/contract/catalogue';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, withDb } from '../app-context';
import { findCoalesceWindowMs, hasOpenWindow, toCoalescingKey } from '../coalescing/coalesce';
import type { Database } from '../db/database';
import type { TAlertInsert, TDeliveryInsert, TEventDeliveryInsert } from '../db/hot-paths';
import { applyDeliveryPreferences, deferDeliveries, isAboutCriticalFinding } from '../digests/preferences';
import { notFound } from '../lib/errors';
import { computeEventFacts, storeEventFacts } from '../rules/facts';
import { buildDestinationDeliveries, findEventsWithRules } from '../rules/routing';
import {
  buildDeliveries,
  dispatchEvent,
  findCandidates,
  idempotencyKeySql,
  prepareEvent,
  type TContext,
  type TDispatchInput,
  type TDispatchResult,
  type TPreparedEvent,
} from './dispatch';
import { enabledChannelsMask, routeEvent, type TRoutingCandidate } from './recipients';
import { findEnabledChannels } from './settings';
import { writeAlertBatch } from './write-alerts';

type TPrepared = TPreparedEvent;
const prepare = prepareEvent;

const keyOf = (createdBy: number | null, key: string) => `${createdBy ?? ''}\u0000${key}`;

type TDuplicateRow = { id: number; createdBy: number | null; key: string; alertsCreated: number; deliveriesCreated: number };

async function findDuplicates(db: Database, prepared: readonly TPrepared[]): Promise<Map<string, TDispatchResult>> {
  // Per caller, so that each lookup is on the unique index (idempotencyKeySql).
  const keysByCreator = new Map<number | null, Set<string>>();
  for (const p of prepared) {
    if (p.idempotencyKey === null) continue;
    keysByCreator.set(p.createdBy, (keysByCreator.get(p.createdBy) ?? new Set()).add(p.idempotencyKey));
  }
  const found = new Map<string, TDispatchResult>();
  for (const [createdBy, keySet] of keysByCreator) {
    const keys = [...keySet];
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await db.all<TDuplicateRow>(sql`select id, created_by as "createdBy", idempotency_key as key,
          alerts_created as "alertsCreated", deliveries_created as "deliveriesCreated"
        from events where ${idempotencyKeySql(
          createdBy,
          sql.join(
            keys.slice(i, i + 500).map((k) => sql`${k}`),
            sql`, `,
          ),
        )} order by id`);
      for (const r of rows) {
        const k = keyOf(r.createdBy, r.key);
        if (!found.has(k)) {
          found.set(k, { eventId: r.id, alertsCreated: r.alertsCreated, deliveriesCreated: r.deliveriesCreated, duplicate: true });
        }
      }
    }
  }
  return found;
}

/** The product and product type of every event (an engagement implies its product, a product its type). Unknown ids throw, as in dispatchEvent. */
async function resolveContexts(db: Database, prepared: readonly TPrepared[]): Promise<TContext[]> {
  const ids = (pick: (i: TDispatchInput) => number | null | undefined) => [
    ...new Set(prepared.flatMap((p) => (pick(p.input) == null ? [] : [pick(p.input) as number]))),
  ];
  const engagementIds = ids((i) => i.engagementId);
  const engagementProduct = new Map(
    engagementIds.length === 0
      ? []
      : (
          await db.all<{ id: number; productId: number }>(
            sql`select id, product_id as "productId" from engagements where ${db.fragments.inIds(sql`id`, engagementIds)}`,
          )
        ).map((r) => [r.id, r.productId]),
  );
  const productIds = [...new Set([...ids((i) => i.productId), ...engagementProduct.values()])];
  const productType = new Map(
    productIds.length === 0
      ? []
      : (
          await db.all<{ id: number; productTypeId: number }>(
            sql`select id, product_type_id as "productTypeId" from products where ${db.fragments.inIds(sql`id`, productIds)}`,
          )
        ).map((r) => [r.id, r.productTypeId]),
  );
  const typeIds = ids((i) => i.productTypeId);
  const existingTypes = new Set(
    typeIds.length === 0
      ? []
      : (await db.all<{ id: number }>(sql`select id from product_types where ${db.fragments.inIds(sql`id`, typeIds)}`)).map((r) => r.id),
  );
  return prepared.map(({ input }) => {
    const engagementId = input.engagementId ?? null;
    let productId = input.productId ?? null;
    let productTypeId = input.productTypeId ?? null;
    if (engagementId !== null) {
      const p = engagementProduct.get(engagementId);
      if (p === undefined) throw notFound(`engagement_id ${engagementId}`);
      productId = p;
    }
    if (productId !== null) {
      const t = productType.get(productId);
      if (t === undefined) throw notFound(`product_id ${productId}`);
      productTypeId = t;
    } else if (productTypeId !== null && !existingTypes.has(productTypeId)) {
      throw notFound(`product_type_id ${productTypeId}`);
    }
    return { productTypeId, productId, engagementId };
  });
}

async function findSystemMasks(db: Database, names: readonly string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await db.all<{ event: string; channels: number }>(sql`select event, channels from notification_settings
    where scope = 'system' and user_key = 0 and product_key = 0 and event in (${sql.join(
      names.map((n) => sql`${n}`),
      sql`, `,
    )})`);
  return new Map(rows.map((r) => [r.event, r.channels]));
}

type TPlanned = {
  prepared: TPrepared;
  context: TContext;
  alerted: number[];
  deliveries: TDeliveryInsert[];
};

const EVENT_COLUMNS = sql.raw(`name, routed_as, title, description, url, icon, source, product_type_id, product_id, engagement_id,
  recipients, alert_only, created_by, idempotency_key, created_at, payload, alerts_created, deliveries_created,
  raised_by_user_id, raised_by_token_id, raised_by_label, dedupe_key`);

/** The stored coalescing key of an event (alerts and deliveries carry it), or null. */
const coalescingKeyOf = (p: TPrepared) => (p.dedupeKey === null ? null : toCoalescingKey(p.createdBy, p.dedupeKey));

/** Whether the batch's coalescing keys, if any, have nothing to fold into (see the head of this file). */
async function canWriteAtOnce(db: Database, prepared: readonly TPrepared[], now: number): Promise<boolean> {
  const keys = prepared.flatMap((p) => coalescingKeyOf(p) ?? []);
  if (keys.length === 0) return true;
  if (new Set(keys).size !== keys.length) return false;
  return !(await hasOpenWindow(db, keys, now, await findCoalesceWindowMs(db)));
}

/**
 * Dispatch `inputs` in one transaction (joining the caller's, if any). Results are in the order of `inputs`.
 * A repeated idempotency key (earlier, or earlier in the same batch) answers with that event, as dispatchEvent does.
 */
export async function dispatchEvents(deps: Deps, inputs: readonly TDispatchInput[]): Promise<TDispatchResult[]> {
  if (inputs.length === 0) return [];
  return deps.db.transaction(async (db) => {
    const now = deps.now();
    const prepared = inputs.map(prepare);
    if (!(await canWriteAtOnce(db, prepared, now))) {
      const results: TDispatchResult[] = [];
      for (const input of inputs) results.push(await dispatchEvent(withDb(deps, db), input));
      return results;
    }
    const duplicates = await findDuplicates(db, prepared);
    const results: (TDispatchResult | null)[] = prepared.map((p) =>
      p.idempotencyKey === null ? null : (duplicates.get(keyOf(p.createdBy, p.idempotencyKey)) ?? null),
    );
    // The same key twice in this batch: the later one is a duplicate of the earlier (filled in once it has an id).
    const firstOfKey = new Map<string, number>();
    const sameAs = new Map<number, number>();
    prepared.forEach((p, i) => {
      if (results[i] !== null || p.idempotencyKey === null) return;
      const k = keyOf(p.createdBy, p.idempotencyKey);
      const first = firstOfKey.get(k);
      if (first === undefined) firstOfKey.set(k, i);
      else sameAs.set(i, first);
    });
    const toDispatch = prepared.map((_, i) => i).filter((i) => results[i] === null && !sameAs.has(i));
    if (toDispatch.length === 0) return fillSameAs(results, sameAs);

    const contexts = await resolveContexts(
      db,
      toDispatch.map((i) => prepared[i]!),
    );
    const enabled = await findEnabledChannels(db);
    const systemRecords = await findSystemMasks(db, [...new Set(toDispatch.map((i) => prepared[i]!.routedAs))]);
    const candidatesByRouting = new Map<string, TRoutingCandidate[]>();
    const withRules = await findEventsWithRules(
      db,
      toDispatch.map((i) => prepared[i]!.routedAs),
    );
    const facts = await computeEventFacts(
      db,
      toDispatch.map((i, n) => ({ ...contexts[n]!, payload: prepared[i]!.input.payload })),
    );

    const planned: TPlanned[] = [];
    for (const [n, i] of toDispatch.entries()) {
      const p = prepared[i]!;
      const context = contexts[n]!;
      if (p.recipients !== null && p.recipients.length === 0) {
        planned.push({ prepared: p, context, alerted: [], deliveries: [] });
        continue;
      }
      const systemMask = (systemRecords.get(p.routedAs) ?? 0) & enabledChannelsMask(enabled, p.alertOnly);
      const systemHasAlert = (systemMask & CHANNEL_BITS.alert) !== 0;
      // Personal rules read the event's facts: events of one routing then share candidates only with equal facts.
      const ruleFacts = withRules.personal.has(p.routedAs) ? facts[n]! : null;
      const routingKey = JSON.stringify([p.routedAs, context.productId, context.productTypeId, p.recipients, systemHasAlert, ruleFacts]);
      let candidates = candidatesByRouting.get(routingKey);
      if (!candidates) {
        candidates = await findCandidates(db, p.routedAs, context, p.recipients, systemHasAlert, ruleFacts);
        candidatesByRouting.set(routingKey, candidates);
      }
      const routed = routeEvent({
        routedAs: p.routedAs,
        hasContext: context.productId !== null || context.productTypeId !== null,
        systemMask,
        candidates,
        recipients: p.recipients,
        alertOnly: p.alertOnly,
        enabledChannels: enabled,
      });
      const alerted: number[] = [];
      for (const [userId, mask] of routed.users) if (mask & CHANNEL_BITS.alert) alerted.push(userId);
      const deliveries = await buildDeliveries(db, routed.users, routed.systemMask);
      if (p.recipients === null && !p.alertOnly && withRules.system.has(p.routedAs)) {
        deliveries.push(...(await buildDestinationDeliveries(db, p.routedAs, facts[n]!, enabled)));
      }
      planned.push({ prepared: p, context, alerted, deliveries });
    }

    const eventIds = await insertEvents(db, planned, now);
    const stored = eventIds.flatMap((id, n) => (id === null || id === undefined ? [] : [[id, facts[n]!] as const]));
    await storeEventFacts(
      db,
      stored.map(([id]) => id),
      stored.map(([, f]) => f),
    );
    const alertBatch: { alert: TAlertInsert; userIds: number[] }[] = [];
    const deliveryRows: TEventDeliveryInsert[] = [];
    const dedupeKeys = new Map<number, string>();
    planned.forEach((plan, n) => {
      const eventId = eventIds[n];
      const i = toDispatch[n]!;
      if (eventId === null || eventId === undefined) return;
      const p = plan.prepared;
      alertBatch.push({
        alert: {
          eventId,
          event: p.routedAs,
          productId: plan.context.productId,
          title: p.title,
          description: p.description,
          url: p.url,
          source: p.source,
          icon: p.icon,
          createdAt: now,
          dedupeKey: coalescingKeyOf(p),
        },
        userIds: plan.alerted,
      });
      const key = coalescingKeyOf(p);
      if (key !== null) dedupeKeys.set(eventId, key);
      for (const d of plan.deliveries) deliveryRows.push([eventId, ...d] as TEventDeliveryInsert);
      results[i] = { eventId, alertsCreated: plan.alerted.length, deliveriesCreated: plan.deliveries.length, duplicate: false };
    });
    await writeAlertBatch(withDb(deps, db), alertBatch);
    // Digests and quiet hours (digests/preferences.ts), for the whole batch at once.
    const prefs = await applyDeliveryPreferences(
      db,
      now,
      deps.env.TIME_ZONE,
      planned.flatMap((plan, n) => {
        const eventId = eventIds[n];
        if (eventId === null || eventId === undefined) return [];
        return [{ eventId, isCritical: isAboutCriticalFinding(plan.prepared.input.payload), rows: plan.deliveries }];
      }),
    );
    const kept = new Set([...prefs.keep.values()].flat().map((d) => d[0]));
    const keptRows = kept.size === deliveryRows.length ? deliveryRows : deliveryRows.filter((d) => kept.has(d[1]));
    await db.hot.insertDeliveryBatch(db, now, keptRows, dedupeKeys);
    if (prefs.delayed.size > 0) await deferDeliveries(db, prefs.delayed);

    // A key another transaction inserted after our check (a replica racing us): answer with its event.
    for (const [n, i] of toDispatch.entries()) {
      if (eventIds[n] !== null) continue;
      const p = prepared[i]!;
      const again = await findDuplicates(db, [p]);
      const winner = again.get(keyOf(p.createdBy, p.idempotencyKey!));
      if (!winner) throw new Error('The event was neither inserted nor found by its idempotency key.');
      results[i] = winner;
    }

    if (keptRows.length > 0) await deps.bus.publish(db, { type: 'deliveries-queued' });
    return fillSameAs(results, sameAs);
  });
}

function fillSameAs(results: (TDispatchResult | null)[], sameAs: Map<number, number>): TDispatchResult[] {
  for (const [i, first] of sameAs) {
    const r = results[first]!;
    results[i] = { ...r, duplicate: true };
  }
  return results as TDispatchResult[];
}

/**
 * One multi-row insert with the counts already known. Ids are handed out in the order of the rows, so the
 * returned ids, ascending, follow the inserted rows. A row refused by the idempotency index (a concurrent insert
 * of the same key by the same creator) is missing: null in the answer.
 */
async function insertEvents(db: Database, planned: readonly TPlanned[], now: number): Promise<(number | null)[]> {
  const ids: (number | null)[] = [];
  for (let start = 0; start < planned.length; start += 200) {
    const chunk = planned.slice(start, start + 200);
    const values: SQL[] = chunk.map(({ prepared: p, context: c, alerted, deliveries }) => {
      return sql`(${p.input.event}, ${p.routedAs}, ${p.title}, ${p.description}, ${p.url}, ${p.icon}, ${p.source}, ${c.productTypeId},
        ${c.productId}, ${c.engagementId}, ${p.recipients === null ? null : JSON.stringify(p.recipients)}, ${p.alertOnly}, ${p.createdBy},
        ${p.idempotencyKey}, ${now}, ${p.input.payload ? JSON.stringify(p.input.payload) : null}, ${alerted.length}, ${deliveries.length},
        ${p.raisedBy.userId}, ${p.raisedBy.tokenId}, ${p.raisedBy.label}, ${p.dedupeKey})`;
    });
    const rows = await db.all<{ id: number; createdBy: number | null; key: string | null }>(sql`insert into events (${EVENT_COLUMNS})
      values ${sql.join(values, sql`, `)}
      on conflict do nothing
      returning id, created_by as "createdBy", idempotency_key as key`);
    const sorted = rows.map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id);
    if (sorted.length === chunk.length) {
      ids.push(...sorted.map((r) => r.id));
      continue;
    }
    const inserted = new Set(sorted.filter((r) => r.key !== null).map((r) => keyOf(r.createdBy, r.key!)));
    let next = 0;
    for (const { prepared: p } of chunk) {
      const isMissing = p.idempotencyKey !== null && !inserted.has(keyOf(p.createdBy, p.idempotencyKey));
      ids.push(isMissing ? null : sorted[next++]!.id);
    }
  }
  return ids;
}
