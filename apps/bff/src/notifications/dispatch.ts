/**
 * dispatchEvent: an event, its alerts and its delivery rows, written in one transaction (design.md rule 5).
 * The work is set-based so that one event fanned out to thousands of users stays a handful of statements:
 * one query for the candidates (with their masks and RBAC verdict), the pure routing of recipients.ts,
 * one INSERT ... SELECT FROM json_each for the alerts and one for the deliveries.
 */
import { randomUUID } from 'node:crypto';
import { ALERT_LIMITS, CHANNEL_BITS, findEventInfo, isCatalogueEvent, type TExternalChannel } from '@tocsin/contract/catalogue';
import type { TCreatedEvent, TCreateEventInput } from '@tocsin/contract/events';
import { eq, type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { canViewProduct, canViewProductType, viewsProductSql, viewsProductTypeSql } from '../auth/rbac';
import type { Sqlite } from '../db/client';
import { engagements, events } from '../db/schema';
import { badRequest, notFound } from '../lib/errors';
import { publishAlertsChanged } from './alert-bus';
import { enabledChannelsMask, routeEvent, type TRoutingCandidate } from './recipients';

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

type TStatements = ReturnType<typeof prepareStatements>;
const statementCache = new WeakMap<Sqlite, TStatements>();

function prepareStatements(sqlite: Sqlite) {
  return {
    findDuplicate: sqlite.prepare<[number | null, string], { id: number; alertsCreated: number; deliveriesCreated: number }>(
      `select id, alerts_created as alertsCreated, deliveries_created as deliveriesCreated
       from events where created_by is ? and idempotency_key = ? order by id limit 1`,
    ),
    engagementProduct: sqlite.prepare<[number], { productId: number }>('select product_id as productId from engagements where id = ?'),
    productType: sqlite.prepare<[number], { productTypeId: number }>('select product_type_id as productTypeId from products where id = ?'),
    productTypeExists: sqlite.prepare<[number], { id: number }>('select id from product_types where id = ?'),
    enabledChannels: sqlite.prepare<[], { mail: number; slack: number; msteams: number; webhooks: number }>(
      `select mail_enabled as mail, slack_enabled as slack, msteams_enabled as msteams, webhooks_enabled as webhooks
       from system_settings where id = 1`,
    ),
    systemMask: sqlite.prepare<[string], { channels: number }>(
      `select channels from notification_settings where scope = 'system' and user_key = 0 and product_key = 0 and event = ?`,
    ),
    insertAlerts: sqlite.prepare<[number, string, string, string, string, string, number, string]>(
      `insert into alerts (user_id, event_id, title, description, url, source, icon, created_at)
       select j.value, ?, ?, ?, ?, ?, ?, ? from json_each(?) j`,
    ),
    userWebhooks: sqlite.prepare<[string], { id: number; ownerId: number }>(
      `select id, owner_id as ownerId from webhooks
       where owner_id in (select j.value from json_each(?) j) and status != 'inactive_permanent' order by id`,
    ),
    systemWebhooks: sqlite.prepare<[], { id: number }>(
      `select id from webhooks where owner_id is null and status != 'inactive_permanent' order by id`,
    ),
    // Each element: [uuid, channel, target_kind, user_id, webhook_id].
    insertDeliveries: sqlite.prepare<[number, number, number, number, string]>(
      `insert into deliveries (uuid, event_id, channel, target_kind, user_id, webhook_id, status, attempts, next_attempt_at, created_at, updated_at)
       select j.value ->> 0, ?, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, 'queued', 0, ?, ?, ? from json_each(?) j`,
    ),
    updateCounts: sqlite.prepare<[number, number, number]>('update events set alerts_created = ?, deliveries_created = ? where id = ?'),
  };
}

function statementsFor(sqlite: Sqlite): TStatements {
  let statements = statementCache.get(sqlite);
  if (!statements) {
    statements = prepareStatements(sqlite);
    statementCache.set(sqlite, statements);
  }
  return statements;
}

type TContext = { productTypeId: number | null; productId: number | null; engagementId: number | null };

/** An engagement implies its product, a product its product type. Unknown ids are an error, not a silent broadcast. */
function resolveContext(st: TStatements, input: TDispatchInput): TContext {
  const engagementId = input.engagementId ?? null;
  let productId = input.productId ?? null;
  let productTypeId = input.productTypeId ?? null;
  if (engagementId !== null) {
    const row = st.engagementProduct.get(engagementId);
    if (!row) throw notFound(`engagement_id ${engagementId}`);
    productId = row.productId;
  }
  if (productId !== null) {
    const row = st.productType.get(productId);
    if (!row) throw notFound(`product_id ${productId}`);
    productTypeId = row.productTypeId;
  } else if (productTypeId !== null && !st.productTypeExists.get(productTypeId)) {
    throw notFound(`product_type_id ${productTypeId}`);
  }
  return { productTypeId, productId, engagementId };
}

type TCandidateRow = {
  userId: number;
  isSuperuser: number;
  isActive: number;
  canView: number;
  personalMask: number;
  productMask: number;
};

/**
 * One query: the users who might hear about the event, with their personal and product masks for it
 * and whether they may view its context. Users who cannot be reached are filtered out here already;
 * recipients.ts still applies every rule, so this filter only saves work.
 */
function findCandidates(
  deps: Deps,
  routedAs: string,
  context: TContext,
  recipients: number[] | null,
  systemHasAlert: boolean,
): TRoutingCandidate[] {
  const { productId, productTypeId } = context;
  const hasContext = productId !== null || productTypeId !== null;
  const viewsContext: SQL =
    productId !== null
      ? viewsProductSql(sql`u.id`, sql`${productId}`)
      : productTypeId !== null
        ? viewsProductTypeSql(sql`u.id`, sql`${productTypeId}`)
        : sql`0`;
  const canView = sql`(u.is_superuser = 1 or u.global_role is not null or ${viewsContext})`;
  const ownMasks = sql`(coalesce(np.channels, 0) | coalesce(npp.channels, 0))`;

  let filter: SQL;
  // The RBAC verdict as a column; where the filter below already requires it, the constant 1 saves evaluating it twice.
  let canViewColumn: SQL = hasContext ? canView : sql`u.is_superuser`;
  if (recipients !== null) {
    filter = sql`u.id in (select j.value from json_each(${JSON.stringify(recipients)}) j)`;
  } else if (!hasContext) {
    filter = systemHasAlert ? sql`u.is_superuser = 1` : sql`u.is_superuser = 1 and ${ownMasks} != 0`;
  } else {
    filter = systemHasAlert ? canView : sql`${ownMasks} != 0 and ${canView}`;
    canViewColumn = sql`1`;
  }

  const rows = deps.db.all<TCandidateRow>(sql`
    select u.id as userId, u.is_superuser as isSuperuser, u.is_active as isActive,
      ${canViewColumn} as canView,
      coalesce(np.channels, 0) as personalMask, coalesce(npp.channels, 0) as productMask
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
    canView: r.canView === 1,
    personalMask: r.personalMask,
    productMask: r.productMask,
  }));
}

type TDeliveryRow = [uuid: string, channel: string, targetKind: string, userId: number | null, webhookId: number | null];

function buildDeliveries(st: TStatements, users: Map<number, number>, systemMask: number): TDeliveryRow[] {
  const rows: TDeliveryRow[] = [];
  const webhookUsers: number[] = [];
  for (const [userId, mask] of users) {
    // Rows are written even for users without a Slack email: the worker records why it could not send.
    if (mask & CHANNEL_BITS.mail) rows.push([randomUUID(), 'mail', 'user', userId, null]);
    if (mask & CHANNEL_BITS.slack) rows.push([randomUUID(), 'slack', 'user', userId, null]);
    if (mask & CHANNEL_BITS.webhooks) webhookUsers.push(userId);
  }
  if (webhookUsers.length > 0) {
    for (const hook of st.userWebhooks.all(JSON.stringify(webhookUsers))) {
      rows.push([randomUUID(), 'webhooks', 'webhook', hook.ownerId, hook.id]);
    }
  }
  for (const channel of ['mail', 'slack', 'msteams'] as const) {
    if (systemMask & CHANNEL_BITS[channel]) rows.push([randomUUID(), channel, 'system', null, null]);
  }
  if (systemMask & CHANNEL_BITS.webhooks) {
    for (const hook of st.systemWebhooks.all()) rows.push([randomUUID(), 'webhooks', 'webhook', null, hook.id]);
  }
  return rows;
}

export function dispatchEvent(deps: Deps, input: TDispatchInput): TDispatchResult {
  const st = statementsFor(deps.sqlite);
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

  const run = deps.sqlite.transaction((): { result: TDispatchResult; alerted: number[] } => {
    if (idempotencyKey !== null) {
      const earlier = st.findDuplicate.get(createdBy, idempotencyKey);
      if (earlier) {
        return {
          result: {
            eventId: earlier.id,
            alertsCreated: earlier.alertsCreated,
            deliveriesCreated: earlier.deliveriesCreated,
            duplicate: true,
          },
          alerted: [],
        };
      }
    }
    const context = resolveContext(st, input);
    const now = deps.now();
    const inserted = deps.db
      .insert(events)
      .values({
        name: input.event,
        routedAs,
        title,
        description,
        url,
        icon,
        source,
        productTypeId: context.productTypeId,
        productId: context.productId,
        engagementId: context.engagementId,
        recipients: recipients === null ? null : JSON.stringify(recipients),
        alertOnly,
        createdBy,
        idempotencyKey,
        createdAt: now,
      })
      .returning({ id: events.id })
      .get();
    const eventId = inserted.id;

    // An empty recipients list sends nothing: no query needed.
    if (recipients !== null && recipients.length === 0) {
      return { result: { eventId, alertsCreated: 0, deliveriesCreated: 0, duplicate: false }, alerted: [] };
    }

    const switches = st.enabledChannels.get();
    const enabledChannels = new Set<TExternalChannel>();
    if (switches?.mail) enabledChannels.add('mail');
    if (switches?.slack) enabledChannels.add('slack');
    if (switches?.msteams) enabledChannels.add('msteams');
    if (switches?.webhooks) enabledChannels.add('webhooks');
    const systemMask = (st.systemMask.get(routedAs)?.channels ?? 0) & enabledChannelsMask(enabledChannels, alertOnly);

    const candidates = findCandidates(deps, routedAs, context, recipients, (systemMask & CHANNEL_BITS.alert) !== 0);
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
    let alertsCreated = 0;
    if (alerted.length > 0) {
      alertsCreated = st.insertAlerts.run(eventId, title, description, url, source, icon, now, JSON.stringify(alerted)).changes;
    }
    const deliveries = buildDeliveries(st, routed.users, routed.systemMask);
    let deliveriesCreated = 0;
    if (deliveries.length > 0) {
      deliveriesCreated = st.insertDeliveries.run(eventId, now, now, now, JSON.stringify(deliveries)).changes;
    }
    st.updateCounts.run(alertsCreated, deliveriesCreated, eventId);
    return { result: { eventId, alertsCreated, deliveriesCreated, duplicate: false }, alerted };
  });

  const { result, alerted } = run.immediate();
  publishAlertsChanged(deps.bus, alerted);
  if (result.deliveriesCreated > 0) deps.bus.emit('deliveries-queued');
  return result;
}

/** Usernames (case-insensitive) to user ids; every unknown name is reported at once. */
function findRecipientIds(deps: Deps, usernames: readonly string[]): number[] {
  const rows = deps.db.all<{ name: string; id: number | null }>(sql`
    select j.value as name, u.id as id from json_each(${JSON.stringify(usernames)}) j
    left join users u on u.username = j.value collate nocase`);
  const unknown = rows.filter((r) => r.id === null).map((r) => r.name);
  if (unknown.length > 0) {
    throw badRequest(`recipients: no user named ${unknown.map((n) => `"${n}"`).join(', ')}.`, { path: 'recipients', unknown });
  }
  return rows.map((r) => r.id as number);
}

/**
 * POST /api/events: an integration (or a person) raises an event. The context ids must exist and be
 * visible to the caller; an invisible one answers like a missing one, so ids cannot be probed.
 */
export function createEventFromApi(deps: Deps, caller: UserRow, body: TCreateEventInput): TCreatedEvent {
  if (body.product_id !== undefined && !canViewProduct(deps, caller, body.product_id)) throw notFound(`product_id ${body.product_id}`);
  if (body.product_type_id !== undefined && !canViewProductType(deps, caller, body.product_type_id)) {
    throw notFound(`product_type_id ${body.product_type_id}`);
  }
  if (body.engagement_id !== undefined) {
    const engagement = deps.db
      .select({ productId: engagements.productId })
      .from(engagements)
      .where(eq(engagements.id, body.engagement_id))
      .get();
    if (!engagement || !canViewProduct(deps, caller, engagement.productId)) throw notFound(`engagement_id ${body.engagement_id}`);
  }
  const recipients = body.recipients === undefined ? null : findRecipientIds(deps, body.recipients);
  const result = dispatchEvent(deps, {
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
  const stored = deps.db.select({ name: events.name, routedAs: events.routedAs }).from(events).where(eq(events.id, result.eventId)).get();
  return {
    id: result.eventId,
    event: stored?.name ?? body.event,
    routed_as: stored?.routedAs ?? findEventInfo(body.event).name,
    alerts_created: result.alertsCreated,
    deliveries_created: result.deliveriesCreated,
    duplicate: result.duplicate,
  };
}
