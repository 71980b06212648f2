/**
 * dispatchEvent: an event, its alerts and its delivery rows, written in one transaction (design.md rule 5).
 * The work is set-based so that one event fanned out to thousands of users stays a handful of statements:
 * one query for the candidates (with their masks and RBAC verdict), the pure routing of recipients.ts,
 * one set-based INSERT for the alerts and one for the deliveries (db/hot-paths.ts).
 * Domain code raises its events inside the transaction of the change that causes them:
 * `dispatchEvent(withDb(deps, tx), …)` joins that transaction, and the bus hears of it after the commit.
 */
import { randomUUID } from 'node:crypto';
import { ALERT_LIMITS, CHANNEL_BITS, findEventInfo, isCatalogueEvent, type TEventName } from '@tocsin/contract/catalogue';
import type { TCreatedEvent, TCreateEventInput } from '@tocsin/contract/events';
import { type SQL, sql } from 'drizzle-orm';
import { type Auth, type Deps, withDb } from '../app-context';
import { findProductAccess, findProductTypeAccess, viewsProductSql, viewsProductTypeSql } from '../auth/rbac';
import { findCoalesceWindowMs, foldIntoAlerts, markDeliveries, planDeliveries, toCoalescingKey } from '../coalescing/coalesce';
import { type Database, isTruthy } from '../db/database';
import type { TDeliveryInsert } from '../db/hot-paths';
import { getPublicBaseUrl } from '../delivery/settings';
import { applyDeliveryPreferences, deferDeliveries, isAboutCriticalFinding } from '../digests/preferences';
import { badRequest, forbidden, HttpError, notFound } from '../lib/errors';
import type { TEventFacts } from '../rules/conditions';
import { computeEventFacts, storeEventFacts } from '../rules/facts';
import { buildDestinationDeliveries, findEventsWithRules, personalRuleMaskJoin } from '../rules/routing';
import type { TEventPayload } from './event-payload';
import { enabledChannelsMask, routeEvent, type TRoutingCandidate } from './recipients';
import { findRoutingSettings } from './settings';
import { fitField, writeAlerts } from './write-alerts';

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
  /** Coalescing key (coalescing/coalesce.ts): a later event with the same key within the window updates the alert. */
  dedupeKey?: string | null;
  /** Who raised it; Tocsin's own jobs and domain code leave it out (TOCSIN_RAISER). */
  raisedBy?: TRaiser;
  /** Domain blocks for webhook bodies (test, findings, finding, …), stored as JSON on the event. */
  payload?: TEventPayload | null;
};

/** Recorded on the event, shown with every alert and delivery: "alice", "alice via token 'GitLab CI'", "Tocsin". */
export type TRaiser = { userId: number | null; tokenId: number | null; label: string };

export const TOCSIN_RAISER: TRaiser = { userId: null, tokenId: null, label: 'Tocsin' };

export type TDispatchResult = { eventId: number; alertsCreated: number; deliveriesCreated: number; duplicate: boolean };

export const DEFAULT_ALERT_URL = '/alerts';

/** Longer fields are cut on a grapheme boundary, without an ellipsis: the stored event is what was sent, cut. */
const truncate = fitField;

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
  const productId = input.productId ?? null;
  let productTypeId = input.productTypeId ?? null;
  if (engagementId !== null) {
    // The engagement, its product and the product type in one round trip.
    const row = await db.get<{ productId: number; productTypeId: number }>(sql`select e.product_id as "productId",
        p.product_type_id as "productTypeId"
      from engagements e join products p on p.id = e.product_id where e.id = ${engagementId}`);
    if (!row) throw notFound(`engagement_id ${engagementId}`);
    return { productTypeId: row.productTypeId, productId: row.productId, engagementId };
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
  ruleMask: number;
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
  /** The event's facts when some personal rule is about its event (rules/): their channels join the masks. */
  ruleFacts: TEventFacts | null = null,
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
  const ruleMask = ruleFacts === null ? sql`0` : sql`coalesce(rm.mask, 0)`;
  const ownMasks = sql`(coalesce(np.channels, 0) | coalesce(npp.channels, 0) | ${ruleMask})`;

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
      coalesce(np.channels, 0) as "personalMask", coalesce(npp.channels, 0) as "productMask", ${ruleMask} as "ruleMask"
    from users u
    left join notification_settings np
      on np.scope = 'personal' and np.user_key = u.id and np.product_key = 0 and np.event = ${routedAs}
    left join notification_settings npp
      on npp.scope = 'product' and npp.user_key = u.id and npp.product_key = ${productId ?? -1} and npp.event = ${routedAs}
    ${ruleFacts === null ? sql`` : personalRuleMaskJoin(sql`u.id`, routedAs, ruleFacts)}
    where u.is_active = 1 and ${filter}`);
  return rows.map((r) => ({
    userId: r.userId,
    isSuperuser: r.isSuperuser === 1,
    isActive: r.isActive === 1,
    canView: isTruthy(r.canView),
    personalMask: r.personalMask,
    productMask: r.productMask,
    ruleMask: Number(r.ruleMask),
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

/**
 * The events with this caller's idempotency key: the condition names the unique index's own expression
 * (`coalesce(created_by, 0)`, schema.ts events_idempotency_key), so it is a key lookup. `created_by is null`
 * instead read every event (0.66 ms each with 100,000 events: two thirds of the daily SLA job).
 */
export function idempotencyKeySql(createdBy: number | null, keys: SQL): SQL {
  return sql`coalesce(created_by, 0) = ${createdBy ?? 0} and idempotency_key in (${keys})`;
}

async function findDuplicate(db: Database, createdBy: number | null, idempotencyKey: string): Promise<TDuplicateRow | undefined> {
  return db.get<TDuplicateRow>(sql`select id, alerts_created as "alertsCreated", deliveries_created as "deliveriesCreated"
    from events where ${idempotencyKeySql(createdBy, sql`${idempotencyKey}`)} order by id limit 1`);
}

/** An event's stored fields, fitted to their limits (cut, never refused) and defaulted: shared by both dispatch paths. */
export type TPreparedEvent = {
  input: TDispatchInput;
  routedAs: TEventName;
  title: string;
  description: string;
  url: string;
  icon: string;
  source: string;
  recipients: number[] | null;
  alertOnly: boolean;
  createdBy: number | null;
  idempotencyKey: string | null;
  dedupeKey: string | null;
  raisedBy: TRaiser;
};

export function prepareEvent(input: TDispatchInput): TPreparedEvent {
  const info = findEventInfo(input.event);
  return {
    input,
    routedAs: info.name,
    title: truncate(input.title, ALERT_LIMITS.title),
    description: truncate(input.description ?? '', ALERT_LIMITS.description),
    url: truncate(input.url || DEFAULT_ALERT_URL, ALERT_LIMITS.url),
    icon: truncate(input.icon || info.icon, ALERT_LIMITS.icon),
    source: isCatalogueEvent(input.event) ? truncate(info.label, ALERT_LIMITS.source) : humaniseEventName(input.event),
    recipients: input.recipients == null ? null : [...new Set(input.recipients)],
    alertOnly: input.alertOnly ?? false,
    createdBy: input.createdBy ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
    dedupeKey: input.dedupeKey ?? null,
    raisedBy: input.raisedBy ?? TOCSIN_RAISER,
  };
}

export async function dispatchEvent(deps: Deps, input: TDispatchInput): Promise<TDispatchResult> {
  const { routedAs, title, description, url, icon, source, recipients, alertOnly, createdBy, idempotencyKey, dedupeKey, raisedBy } =
    prepareEvent(input);

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
        product_type_id, product_id, engagement_id, recipients, alert_only, created_by, idempotency_key, created_at,
        raised_by_user_id, raised_by_token_id, raised_by_label, payload, dedupe_key)
      values (${input.event}, ${routedAs}, ${title}, ${description}, ${url}, ${icon}, ${source}, ${context.productTypeId},
        ${context.productId}, ${context.engagementId}, ${recipients === null ? null : JSON.stringify(recipients)}, ${alertOnly},
        ${createdBy}, ${idempotencyKey}, ${now}, ${raisedBy.userId}, ${raisedBy.tokenId}, ${raisedBy.label},
        ${input.payload ? JSON.stringify(input.payload) : null}, ${dedupeKey})
      on conflict do nothing
      returning id`);
    if (!inserted) {
      const winner = idempotencyKey === null ? undefined : await findDuplicate(db, createdBy, idempotencyKey);
      if (!winner) throw new Error('The event was neither inserted nor found by its idempotency key.');
      return duplicateResult(winner);
    }
    const eventId = inserted.id;
    const [facts] = await computeEventFacts(db, [{ ...context, payload: input.payload }]);
    await storeEventFacts(db, [eventId], [facts!]);

    // An empty recipients list sends nothing: no query needed.
    if (recipients !== null && recipients.length === 0) {
      return { eventId, alertsCreated: 0, deliveriesCreated: 0, duplicate: false };
    }

    const { enabledChannels, systemChannels } = await findRoutingSettings(db, routedAs);
    const systemMask = systemChannels & enabledChannelsMask(enabledChannels, alertOnly);

    const withRules = await findEventsWithRules(db, [routedAs]);
    const candidates = await findCandidates(
      db,
      routedAs,
      context,
      recipients,
      (systemMask & CHANNEL_BITS.alert) !== 0,
      withRules.personal.has(routedAs) ? facts! : null,
    );
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
    const coalescing =
      dedupeKey === null ? null : { key: toCoalescingKey(createdBy, dedupeKey), now, windowMs: await findCoalesceWindowMs(db) };
    // Users who already have this key's alert within the window get it updated, not a second one.
    const folded = coalescing ? await foldIntoAlerts(db, coalescing, alerted) : [];
    if (folded.length > 0) await deps.bus.publish(db, { type: 'alerts-changed', userIds: folded });
    const foldedSet = new Set(folded);
    const alertsCreated = await writeAlerts(
      withDb(deps, db),
      { eventId, event: routedAs, productId: context.productId, title, description, url, source, icon, createdAt: now },
      folded.length === 0 ? alerted : alerted.filter((id) => !foldedSet.has(id)),
      coalescing?.key ?? null,
    );
    let deliveries = await buildDeliveries(db, routed.users, routed.systemMask);
    // System rules send to their destinations; like the system destinations, only for a broadcast. They are
    // coalesced (first send, then one follow-up per window) and put on digests like every other destination.
    if (recipients === null && !alertOnly && withRules.system.has(routedAs)) {
      deliveries.push(...(await buildDestinationDeliveries(db, routedAs, facts!, enabledChannels)));
    }
    const plan = coalescing ? await planDeliveries(db, coalescing, deliveries) : null;
    if (plan) deliveries = deliveries.filter((d) => plan.later.has(d[0]) || plan.now.includes(d));
    // Digests and quiet hours (digests/preferences.ts): some rows become digest items, some wait.
    const prefs = await applyDeliveryPreferences(db, now, deps.env.TIME_ZONE, [
      { eventId, isCritical: isAboutCriticalFinding(input.payload), rows: deliveries },
    ]);
    deliveries = prefs.keep.get(eventId) ?? [];
    const deliveriesCreated = await db.hot.insertDeliveries(db, eventId, now, deliveries);
    if (coalescing && plan && deliveriesCreated > 0) await markDeliveries(db, eventId, coalescing.key, plan.later);
    if (prefs.delayed.size > 0) await deferDeliveries(db, prefs.delayed);
    await db.run(sql`update events set alerts_created = ${alertsCreated}, deliveries_created = ${deliveriesCreated} where id = ${eventId}`);
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

type TRecipient = { id: number; username: string };

/** Usernames (case-insensitive) to users; every unknown name is reported at once. */
async function findRecipients(db: Database, usernames: readonly string[]): Promise<TRecipient[]> {
  const found: TRecipient[] = [];
  const unknown: string[] = [];
  for (const name of usernames) {
    const row = await db.get<TRecipient>(sql`select id, username from users where ${db.fragments.ciEquals(sql`username`, name)}`);
    if (row) found.push(row);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw badRequest(`recipients: no user named ${unknown.map((n) => `"${n}"`).join(', ')}.`, { path: 'recipients', unknown });
  }
  return found;
}

/** The context an API event names, resolved and checked: the caller must be allowed to write there. */
type TApiContext = { kind: 'product' | 'product_type'; id: number; label: string } | { kind: 'none' };

const WRITE_ROLE_HINT = 'that needs the Writer, Maintainer or Owner role';

async function resolveApiContext(deps: Deps, auth: Auth, body: TCreateEventInput): Promise<TApiContext> {
  const caller = auth.user;
  const refuseWrite = (what: string) =>
    forbidden(`You can view ${what} but not raise events about it: ${WRITE_ROLE_HINT} on it (or on its product type).`);
  if (body.engagement_id !== undefined) {
    const engagement = await deps.db.get<{ productId: number }>(
      sql`select product_id as "productId" from engagements where id = ${body.engagement_id}`,
    );
    const access = engagement ? await findProductAccess(deps, caller, engagement.productId) : null;
    // An engagement the caller cannot see answers like a missing one, so ids cannot be probed.
    if (!engagement || !access?.canView) throw notFound(`engagement_id ${body.engagement_id}`);
    if (!access.canWrite) throw refuseWrite(`engagement ${body.engagement_id}`);
    return { kind: 'product', id: engagement.productId, label: `product ${engagement.productId} (of engagement ${body.engagement_id})` };
  }
  if (body.product_id !== undefined) {
    const access = await findProductAccess(deps, caller, body.product_id);
    if (!access.canView) throw notFound(`product_id ${body.product_id}`);
    if (!access.canWrite) throw refuseWrite(`product ${body.product_id}`);
    return { kind: 'product', id: body.product_id, label: `product ${body.product_id}` };
  }
  if (body.product_type_id !== undefined) {
    const access = await findProductTypeAccess(deps, caller, body.product_type_id);
    if (!access.canView) throw notFound(`product_type_id ${body.product_type_id}`);
    if (!access.canWrite) {
      throw forbidden(
        `You can view product type ${body.product_type_id} but not raise events about it: ${WRITE_ROLE_HINT} on the product type.`,
      );
    }
    return { kind: 'product_type', id: body.product_type_id, label: `product type ${body.product_type_id}` };
  }
  // An integration token holds the permission it was given, whoever owns it: a superuser's own integration token
  // made without it must not raise installation-wide events just because it acts as that superuser.
  const mayRaiseContextFree = auth.token?.kind === 'integration' ? auth.token.canRaiseContextFree : caller.isSuperuser;
  if (!mayRaiseContextFree) {
    throw forbidden(
      'An event without product_id, product_type_id or engagement_id concerns the whole installation: only superusers, ' +
        'and integration tokens a superuser made with that permission, may raise one. Name the product it is about.',
    );
  }
  return { kind: 'none' };
}

/** Every recipient must be able to view the event's context (anyone may be told about a context-free event). */
async function assertRecipientsCanView(db: Database, context: TApiContext, recipients: readonly TRecipient[]): Promise<void> {
  if (context.kind === 'none' || recipients.length === 0) return;
  const views =
    context.kind === 'product' ? viewsProductSql(sql`u.id`, sql`${context.id}`) : viewsProductTypeSql(sql`u.id`, sql`${context.id}`);
  const rows = await db.all<{ id: number; canView: number | boolean }>(sql`select u.id,
      case when u.is_superuser = 1 or u.global_role is not null or ${views} then 1 else 0 end as "canView"
    from users u where ${db.fragments.inIds(
      sql`u.id`,
      recipients.map((r) => r.id),
    )}`);
  const allowed = new Set(rows.filter((r) => isTruthy(r.canView)).map((r) => r.id));
  const refused = recipients.filter((r) => !allowed.has(r.id)).map((r) => r.username);
  if (refused.length > 0) {
    const names = refused.map((n) => `"${n}"`).join(', ');
    throw new HttpError(
      400,
      'recipients_cannot_view',
      `recipients: ${names} cannot view ${context.label}, so they cannot be told about it. Remove them, or give them access first.`,
      { path: 'recipients', cannot_view: refused },
    );
  }
}

/**
 * A link from outside that points into Tocsin (PUBLIC_URL's origin and path) is stored as a path, so it stays in
 * the app wherever it is shown (bell, mail, Slack) and follows PUBLIC_URL if that ever moves.
 */
export function toAppPath(url: string, baseUrl: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(baseUrl);
  } catch {
    return url;
  }
  if (target.origin !== base.origin) return url;
  const prefix = base.pathname.replace(/\/+$/, '');
  if (prefix !== '' && target.pathname !== prefix && !target.pathname.startsWith(`${prefix}/`)) return url;
  const path = target.pathname.slice(prefix.length) || '/';
  const result = `${path}${target.search}${target.hash}`;
  // Never turn a URL into something a browser would read as another host ("//evil.example").
  return /^\/[/\\]/.test(result) ? url : result;
}

/** "alice", or "alice via token 'GitLab CI'": what the alert and the delivery log show. */
export function describeRaiser(auth: Auth): TRaiser {
  const label = auth.token ? `${auth.user.username} via token '${auth.token.name}'` : auth.user.username;
  return { userId: auth.user.id, tokenId: auth.token?.id ?? null, label };
}

/**
 * POST /api/events: an integration (or a person) raises an event. Who may raise what (design.md, "Who may raise
 * an event"): an event about a product, product type or engagement needs a role that may write there (an invisible
 * context answers like a missing one, so ids cannot be probed; a visible one without write access is 403); an
 * event without context needs a superuser or an integration token allowed to raise one. Recipients must be able to
 * view the context. The event records who raised it.
 */
export async function createEventFromApi(deps: Deps, auth: Auth, body: TCreateEventInput): Promise<TCreatedEvent> {
  const db = deps.db;
  const context = await resolveApiContext(deps, auth, body);
  const recipients = body.recipients === undefined ? null : await findRecipients(db, body.recipients);
  if (recipients) await assertRecipientsCanView(db, context, recipients);
  const result = await dispatchEvent(withDb(deps, db), {
    event: body.event,
    title: body.title,
    description: body.description,
    url: body.url === undefined ? undefined : toAppPath(body.url, getPublicBaseUrl(deps.env)),
    icon: body.icon,
    productId: body.product_id ?? null,
    productTypeId: body.product_type_id ?? null,
    engagementId: body.engagement_id ?? null,
    recipients: recipients?.map((r) => r.id) ?? null,
    alertOnly: body.alert_only,
    createdBy: auth.user.id,
    idempotencyKey: body.idempotency_key ?? null,
    dedupeKey: body.dedupe_key ?? null,
    raisedBy: describeRaiser(auth),
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
