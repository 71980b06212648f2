/**
 * dispatchEvent: an event, its alerts and its delivery rows, written in one transaction (design.md rule 5).
 * The work is set-based so that one event fanned out to thousands of users stays a handful of statements:
 * one query for the candidates (with their masks and RBAC verdict), the pure routing of recipients.ts,
 * one set-based INSERT for the alerts and one for the deliveries (db/hot-paths.ts).
 * Domain code raises its events inside the transaction of the change that causes them:
 * `dispatchEvent(withDb(deps, tx), …)` joins that transaction, and the bus hears of it after the commit.
 */
import { randomUUID } from 'node:crypto';
import { ALERT_LIMITS, CHANNEL_BITS, findEventInfo, isCatalogueEvent } from '@tocsin/contract/catalogue';
import type { TCreatedEvent, TCreateEventInput } from '@tocsin/contract/events';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { canViewProduct, canViewProductType, viewsProductSql, viewsProductTypeSql } from '../auth/rbac';
import { type Database, isTruthy } from '../db/database';
import type { TDeliveryInsert } from '../db/hot-paths';
import { badRequest, notFound } from '../lib/errors';
import type { TEventPayload } from './event-payload';
import { enabledChannelsMask, routeEvent, type TRoutingCandidate } from './recipients';
import { findEnabledChannels } from './settings';

export type TDispatchInput = {
  event: string;
  title: string;
  description?: string;
  url?: string;
  icon?: string;
  productTypeId?: number | null;
  productId?: number | null;
  engagementId?: number | null;
  /** User ids; null (or absent) = broadcast; [] sends nothing. */
  recipients?: number[] | null;
  alertOnly?: boolean;
  createdBy?: number | null;
  idempotencyKey?: string | null;
  /** Domain blocks for webhook bodies (test, findings, finding, …), stored as JSON on the event. */
  payload?: TEventPayload | null;
};

export type TDispatchResult = { eventId: number; alertsCreated: number; deliveriesCreated: number; duplicate: boolean };

export const DEFAULT_ALERT_URL = '/alerts';

const truncate = (value: string, max: number) => (value.length > max ? value.slice(0, max) : value);

/** "scan_finished_v2" -> "Scan Finished V2": the source label of an event outside the catalogue. */
export function humaniseEventName(name: string): string {
  const words = name.split(/[_\s]+/).filter((w) => w.length > 0);
  const label = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  return truncate(label || 'Other', ALERT_LIMITS.source);
}

export type TContext = { productTypeId: number | null; productId: number | null; engagementId: number | null };

/** An engagement implies its product, a product its product type. Unknown ids are an error, not a silent broadcast. */
async function resolveContext(db: Database, input: TDispatchInput): Promise<TContext> {
  const engagementId = input.engagementId ?? null;
  let productId = input.productId ?? null;
  let productTypeId = input.productTypeId ?? null;
  if (engagementId !== null) {
    const row = await db.get<{ productId: number }>(sql`select product_id as "productId" from engagements where id = ${engagementId}`);
    if (!row) throw notFound(`engagement_id ${engagementId}`);
    productId = row.productId;
  }
  if (productId !== null) {
    const row = await db.get<{ productTypeId: number }>(
      sql`select product_type_id as "productTypeId" from products where id = ${productId}`,
    );
    if (!row) throw notFound(`product_id ${productId}`);
    productTypeId = row.productTypeId;
  } else if (productTypeId !== null && !(await db.get(sql`select id from product_types where id = ${productTypeId}`))) {
    throw notFound(`product_type_id ${productTypeId}`);
  }
  return { productTypeId, productId, engagementId };
}

type TCandidateRow = {
  userId: number;
  isSuperuser: number;
  isActive: number;
  canView: number | boolean;
  personalMask: number;
  productMask: number;
};

/**
 * One query: the users who might hear about the event, with their personal and product masks for it
 * and whether they may view its context. Users who cannot be reached are filtered out here already;
 * recipients.ts still applies every rule, so this filter only saves work.
 */
export async function findCandidates(
  db: Database,
  routedAs: string,
  context: TContext,
  recipients: number[] | null,
  systemHasAlert: boolean,
): Promise<TRoutingCandidate[]> {
  const { productId, productTypeId } = context;
  const hasContext = productId !== null || productTypeId !== null;
  const viewsContext: SQL =
    productId !== null
      ? viewsProductSql(sql`u.id`, sql`${productId}`)
      : productTypeId !== null
        ? viewsProductTypeSql(sql`u.id`, sql`${productTypeId}`)
        : sql`1 = 0`;
  const canView = sql`(u.is_superuser = 1 or u.global_role is not null or ${viewsContext})`;
  const ownMasks = sql`(coalesce(np.channels, 0) | coalesce(npp.channels, 0))`;

  let filter: SQL;
  // The RBAC verdict as a column; where the filter below already requires it, the constant 1 saves evaluating it twice.
  let canViewColumn: SQL = hasContext ? sql`case when ${canView} then 1 else 0 end` : sql`u.is_superuser`;
  if (recipients !== null) {
    filter = db.fragments.inIds(sql`u.id`, recipients);
  } else if (!hasContext) {
    filter = systemHasAlert ? sql`u.is_superuser = 1` : sql`u.is_superuser = 1 and ${ownMasks} != 0`;
  } else {
    filter = systemHasAlert ? canView : sql`${ownMasks} != 0 and ${canView}`;
    canViewColumn = sql`1`;
  }

  const rows = await db.all<TCandidateRow>(sql`
    select u.id as "userId", u.is_superuser as "isSuperuser", u.is_active as "isActive",
      ${canViewColumn} as "canView",
      coalesce(np.channels, 0) as "personalMask", coalesce(npp.channels, 0) as "productMask"
    from users u
    left join notification_settings np
      on np.scope = 'personal' and np.user_key = u.id and np.product_key = 0 and np.event = ${routedAs}
    left join notification_settings npp
      on npp.scope = 'product' and npp.user_key = u.id and npp.product_key = ${productId ?? -1} and npp.event = ${routedAs}
    where u.is_active = 1 and ${filter}`);
  return rows.map((r) => ({
    userId: r.userId,
    isSuperuser: r.isSuperuser === 1,
    isActive: r.isActive === 1,
    canView: isTruthy(r.canView),
    personalMask: r.personalMask,
    productMask: r.productMask,
  }));
}

export async function buildDeliveries(db: Database, users: Map<number, number>, systemMask: number): Promise<TDeliveryInsert[]> {
  const rows: TDeliveryInsert[] = [];
  const webhookUsers: number[] = [];
  for (const [userId, mask] of users) {
    // Rows are written even for users without a Slack email: the worker records why it could not send.
    if (mask & CHANNEL_BITS.mail) rows.push([randomUUID(), 'mail', 'user', userId, null]);
    if (mask & CHANNEL_BITS.slack) rows.push([randomUUID(), 'slack', 'user', userId, null]);
    if (mask & CHANNEL_BITS.webhooks) webhookUsers.push(userId);
  }
  if (webhookUsers.length > 0) {
    const hooks = await db.all<{ id: number; ownerId: number }>(sql`select id, owner_id as "ownerId" from webhooks
      where ${db.fragments.inIds(sql`owner_id`, webhookUsers)} and status != 'inactive_permanent' order by id`);
    for (const hook of hooks) rows.push([randomUUID(), 'webhooks', 'webhook', hook.ownerId, hook.id]);
  }
  for (const channel of ['mail', 'slack', 'msteams'] as const) {
    if (systemMask & CHANNEL_BITS[channel]) rows.push([randomUUID(), channel, 'system', null, null]);
  }
  if (systemMask & CHANNEL_BITS.webhooks) {
    const hooks = await db.all<{ id: number }>(
      sql`select id from webhooks where owner_id is null and status != 'inactive_permanent' order by id`,
    );
    for (const hook of hooks) rows.push([randomUUID(), 'webhooks', 'webhook', null, hook.id]);
  }
  return rows;
}

type TDuplicateRow = { id: number; alertsCreated: number; deliveriesCreated: number };

async function findDuplicate(db: Database, createdBy: number | null, idempotencyKey: string): Promise<TDuplicateRow | undefined> {
  const byCreator = createdBy === null ? sql`created_by is null` : sql`created_by = ${createdBy}`;
  return db.get<TDuplicateRow>(sql`select id, alerts_created as "alertsCreated", deliveries_created as "deliveriesCreated"
    from events where ${byCreator} and idempotency_key = ${idempotencyKey} order by id limit 1`);
}

export async function dispatchEvent(deps: Deps, input: TDispatchInput): Promise<TDispatchResult> {
  const info = findEventInfo(input.event);
  const routedAs = info.name;
  const title = truncate(input.title, ALERT_LIMITS.title);
  const description = truncate(input.description ?? '', ALERT_LIMITS.description);
  const url = truncate(input.url || DEFAULT_ALERT_URL, ALERT_LIMITS.url);
  const icon = truncate(input.icon || info.icon, ALERT_LIMITS.icon);
  const source = isCatalogueEvent(input.event) ? truncate(info.label, ALERT_LIMITS.source) : humaniseEventName(input.event);
  const recipients = input.recipients == null ? null : [...new Set(input.recipients)];
  const alertOnly = input.alertOnly ?? false;
  const createdBy = input.createdBy ?? null;
  const idempotencyKey = input.idempotencyKey ?? null;

  return deps.db.transaction(async (db): Promise<TDispatchResult> => {
    if (idempotencyKey !== null) {
      const earlier = await findDuplicate(db, createdBy, idempotencyKey);
      if (earlier) return { ...duplicateResult(earlier) };
    }
    const context = await resolveContext(db, input);
    const now = deps.now();
    // With an idempotency key, a concurrent request (another replica) may insert the same key first: the unique
    // index decides, and the loser answers with the winner's event.
    const inserted = await db.get<{ id: number }>(sql`insert into events (name, routed_as, title, description, url, icon, source,
        product_type_id, product_id, engagement_id, recipients, alert_only, created_by, idempotency_key, created_at, payload)
      values (${input.event}, ${routedAs}, ${title}, ${description}, ${url}, ${icon}, ${source}, ${context.productTypeId},
        ${context.productId}, ${context.engagementId}, ${recipients === null ? null : JSON.stringify(recipients)}, ${alertOnly},
        ${createdBy}, ${idempotencyKey}, ${now}, ${input.payload ? JSON.stringify(input.payload) : null})
      on conflict (created_by, idempotency_key) do nothing
      returning id`);
    if (!inserted) {
      const winner = idempotencyKey === null ? undefined : await findDuplicate(db, createdBy, idempotencyKey);
      if (!winner) throw new Error('The event was neither inserted nor found by its idempotency key.');
      return duplicateResult(winner);
    }
    const eventId = inserted.id;

    // An empty recipients list sends nothing: no query needed.
    if (recipients !== null && recipients.length === 0) {
      return { eventId, alertsCreated: 0, deliveriesCreated: 0, duplicate: false };
    }

    const enabledChannels = await findEnabledChannels(db);
    const systemRow = await db.get<{ channels: number }>(
      sql`select channels from notification_settings where scope = 'system' and user_key = 0 and product_key = 0 and event = ${routedAs}`,
    );
    const systemMask = (systemRow?.channels ?? 0) & enabledChannelsMask(enabledChannels, alertOnly);

    const candidates = await findCandidates(db, routedAs, context, recipients, (systemMask & CHANNEL_BITS.alert) !== 0);
    const routed = routeEvent({
      routedAs,
      hasContext: context.productId !== null || context.productTypeId !== null,
      systemMask,
      candidates,
      recipients,
      alertOnly,
      enabledChannels,
    });

    const alerted: number[] = [];
    for (const [userId, mask] of routed.users) if (mask & CHANNEL_BITS.alert) alerted.push(userId);
    const alertsCreated = await db.hot.insertAlerts(db, { eventId, title, description, url, source, icon, createdAt: now }, alerted);
    const deliveries = await buildDeliveries(db, routed.users, routed.systemMask);
    const deliveriesCreated = await db.hot.insertDeliveries(db, eventId, now, deliveries);
    await db.run(sql`update events set alerts_created = ${alertsCreated}, deliveries_created = ${deliveriesCreated} where id = ${eventId}`);
    await deps.bus.publish(db, { type: 'alerts-changed', userIds: alerted });
    if (deliveriesCreated > 0) await deps.bus.publish(db, { type: 'deliveries-queued' });
    return { eventId, alertsCreated, deliveriesCreated, duplicate: false };
  });
}

const duplicateResult = (earlier: TDuplicateRow): TDispatchResult => ({
  eventId: earlier.id,
  alertsCreated: earlier.alertsCreated,
  deliveriesCreated: earlier.deliveriesCreated,
  duplicate: true,
});

/** Usernames (case-insensitive) to user ids; every unknown name is reported at once. */
async function findRecipientIds(db: Database, usernames: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  const unknown: string[] = [];
  for (const name of usernames) {
    const row = await db.get<{ id: number }>(sql`select id from users where ${db.fragments.ciEquals(sql`username`, name)}`);
    if (row) ids.push(row.id);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw badRequest(`recipients: no user named ${unknown.map((n) => `"${n}"`).join(', ')}.`, { path: 'recipients', unknown });
  }
  return ids;
}

/**
 * POST /api/events: an integration (or a person) raises an event. The context ids must exist and be
 * visible to the caller; an invisible one answers like a missing one, so ids cannot be probed.
 */
export async function createEventFromApi(deps: Deps, caller: UserRow, body: TCreateEventInput): Promise<TCreatedEvent> {
  const db = deps.db;
  if (body.product_id !== undefined && !(await canViewProduct(deps, caller, body.product_id))) {
    throw notFound(`product_id ${body.product_id}`);
  }
  if (body.product_type_id !== undefined && !(await canViewProductType(deps, caller, body.product_type_id))) {
    throw notFound(`product_type_id ${body.product_type_id}`);
  }
  if (body.engagement_id !== undefined) {
    const engagement = await db.get<{ productId: number }>(
      sql`select product_id as "productId" from engagements where id = ${body.engagement_id}`,
    );
    if (!engagement || !(await canViewProduct(deps, caller, engagement.productId))) throw notFound(`engagement_id ${body.engagement_id}`);
  }
  const recipients = body.recipients === undefined ? null : await findRecipientIds(db, body.recipients);
  const result = await dispatchEvent(withDb(deps, db), {
    event: body.event,
    title: body.title,
    description: body.description,
    url: body.url,
    icon: body.icon,
    productId: body.product_id ?? null,
    productTypeId: body.product_type_id ?? null,
    engagementId: body.engagement_id ?? null,
    recipients,
    alertOnly: body.alert_only,
    createdBy: caller.id,
    idempotencyKey: body.idempotency_key ?? null,
  });
  // A duplicate answers with the earlier event as it was stored, whatever this request's body said.
  const stored = await db.get<{ name: string; routedAs: string }>(
    sql`select name, routed_as as "routedAs" from events where id = ${result.eventId}`,
  );
  return {
    id: result.eventId,
    event: stored?.name ?? body.event,
    routed_as: stored?.routedAs ?? findEventInfo(body.event).name,
    alerts_created: result.alertsCreated,
    deliveries_created: result.deliveriesCreated,
    duplicate: result.duplicate,
  };
}
