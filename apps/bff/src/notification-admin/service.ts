/**
 * Admin-managed notification preferences: the effective view of a user's settings, superusers editing another
 * user's personal and per-product records (each change recorded in notification_setting_changes and shown to the
 * user), and the template applied to existing users in one transaction. This module owns that audit table.
 */
import { randomUUID } from 'node:crypto';
import {
  channelsToMask,
  EVENT_NAMES,
  EXTERNAL_CHANNELS,
  maskToChannels,
  PRODUCT_EVENT_NAMES,
  type TChannel,
} from '@tocsin/contract/catalogue';
import type {
  TApplyTemplateBody,
  TEffectiveNotifications,
  TNotificationChangeSet,
  TRuleChange,
  TTemplateApplyResult,
} from '@tocsin/contract/notification-admin';
import type { TSaveSettingsBody, TSettingsRecord } from '@tocsin/contract/notification-settings';
import { type TRule, ZRule } from '@tocsin/contract/rules';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { canViewEverything, canViewProduct, visibleProductCondition, visibleProductTypeCondition } from '../auth/rbac';
import type { Database } from '../db/database';
import { insertRows } from '../db/rows';
import { notificationSettingChanges } from '../db/schema';
import { readMyPreferences } from '../digests/service';
import { badRequest, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { findEnabledChannels, saveSettingsRecord, type TRecordKey } from '../notifications/settings';
import { computeEffectiveDelivery, computeEffectiveSettings, PERSONAL_COLUMNS } from './effective';

type TUserRecordKey = Extract<TRecordKey, { scope: 'personal' | 'product' }>;

/** Event → channel bitmask of one record. */
async function readMasks(db: Database, scope: string, userId: number, productId: number): Promise<Map<string, number>> {
  const rows = await db.all<{ event: string; channels: number }>(
    sql`select event, channels from notification_settings where scope = ${scope} and user_key = ${userId} and product_key = ${productId}`,
  );
  return new Map(rows.map((r) => [r.event, Number(r.channels)]));
}

const readRecordMasks = (db: Database, key: TUserRecordKey) =>
  readMasks(db, key.scope, key.userId, key.scope === 'product' ? key.productId : 0);

async function findProductName(db: Database, productId: number): Promise<string | undefined> {
  const row = await db.get<{ name: string }>(sql`select name from products where id = ${productId}`);
  return row?.name;
}

/** 404 unless the product exists (a superuser's view of another user's record for it). */
export async function requireProduct(deps: Deps, productId: number): Promise<void> {
  if ((await findProductName(deps.db, productId)) === undefined) throw notFound(`Product ${productId}`);
}

async function countVisible(deps: Deps, user: UserRow): Promise<number> {
  const products = await deps.db.get<{ n: number }>(sql`select count(*) as n from products p where ${visibleProductCondition(user)}`);
  const types = await deps.db.get<{ n: number }>(
    sql`select count(*) as n from product_types pt where ${visibleProductTypeCondition(user)}`,
  );
  return Number(products?.n ?? 0) + Number(types?.n ?? 0);
}

/**
 * What `user` effectively receives per event × channel, and why. With a product, only the events about a product,
 * with the user's record for it and their access to it; a product that does not exist is 404.
 */
export async function findEffectiveNotifications(deps: Deps, user: UserRow, productId?: number): Promise<TEffectiveNotifications> {
  const enabled = await findEnabledChannels(deps.db);
  const system = await readMasks(deps.db, 'system', 0, 0);
  const personal = await readMasks(deps.db, 'personal', user.id, 0);
  const seesEverything = canViewEverything(user);
  const visibleCount = await countVisible(deps, user);
  let product: TEffectiveNotifications['product'] = null;
  let productMasks: Map<string, number> | null = null;
  if (productId !== undefined) {
    const name = await findProductName(deps.db, productId);
    if (name === undefined) throw notFound(`Product ${productId}`);
    product = { id: productId, name, can_view: await canViewProduct(deps, user, productId) };
    productMasks = await readMasks(deps.db, 'product', user.id, productId);
  }
  const events = computeEffectiveSettings({
    events: product ? PRODUCT_EVENT_NAMES : EVENT_NAMES,
    user: { id: user.id, isActive: user.isActive, isSuperuser: user.isSuperuser },
    enabledChannels: enabled,
    system,
    personal,
    product: productMasks,
    canView: product ? product.can_view : seesEverything || visibleCount > 0,
  });
  return {
    user_id: user.id,
    columns: [...PERSONAL_COLUMNS],
    channels_off: EXTERNAL_CHANNELS.filter((c) => PERSONAL_COLUMNS.includes(c) && !enabled.has(c)),
    product,
    visible_products: visibleCount,
    sees_everything: seesEverything,
    events,
    delivery: computeEffectiveDelivery(await readMyPreferences(deps, user.id)),
  };
}

type TChangeRow = typeof notificationSettingChanges.$inferInsert;

/** One audit row per event whose mask differs between `before` and `after`. */
function diffRows(
  base: Omit<TChangeRow, 'event' | 'channelsBefore' | 'channelsAfter'>,
  events: readonly string[],
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): TChangeRow[] {
  const rows: TChangeRow[] = [];
  for (const event of events) {
    const b = before.get(event) ?? 0;
    const a = after.get(event) ?? 0;
    if (a !== b) rows.push({ ...base, event, channelsBefore: b, channelsAfter: a });
  }
  return rows;
}

/** Event × channel cells that differ. */
function countChangedCells(rows: readonly TChangeRow[]): number {
  let n = 0;
  for (const r of rows) n += maskToChannels(r.channelsBefore ^ r.channelsAfter).length;
  return n;
}

/** Audit rows go in chunks: one statement per chunk keeps PostgreSQL's parameter limit (65,535) far away. */
async function insertChangeRows(db: Database, rows: TChangeRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await insertRows(db, notificationSettingChanges, rows.slice(i, i + 500));
}

/**
 * Save another user's personal or per-product record as `actor`. The record is saved by the same rules as the
 * user's own form (hidden columns kept), and every changed event is recorded for the user to see when the actor
 * is someone else. All in one transaction.
 */
export async function saveUserSettingsAs(
  deps: Deps,
  actor: UserRow,
  key: TUserRecordKey,
  body: TSaveSettingsBody,
): Promise<TSettingsRecord> {
  return deps.db.transaction(async (tx) => {
    const before = await readRecordMasks(tx, key);
    const saved = await saveSettingsRecord(withDb(deps, tx), key, body);
    if (actor.id !== key.userId) {
      const after = await readRecordMasks(tx, key);
      const rows = diffRows(
        {
          changeSetId: randomUUID(),
          userId: key.userId,
          changedById: actor.id,
          source: 'admin',
          scope: key.scope,
          productId: key.scope === 'product' ? key.productId : null,
          createdAt: deps.now(),
        },
        saved.events,
        before,
        after,
      );
      await insertChangeRows(tx, rows);
    }
    return saved;
  });
}

/** The channels a personal rule adds for `event`: none while it is disabled or not about the event. */
const ruleMaskFor = (rule: TRule | null, event: string): number =>
  rule?.enabled && (rule.events as readonly string[]).includes(event) ? channelsToMask(rule.channels) : 0;

/**
 * Record a superuser's change to one of `ownerId`'s personal rules (before null: created; after null: deleted), in
 * the transaction of the change: one row per event the rule is about before or after, with the channels it adds
 * for that event, and the whole rule before and after on each. Nothing is recorded when the owner acts.
 */
export async function recordRuleChange(
  db: Database,
  now: number,
  actor: UserRow,
  ownerId: number,
  before: TRule | null,
  after: TRule | null,
): Promise<void> {
  if (actor.id === ownerId) return;
  const rule = after ?? before;
  if (!rule) return;
  const events = [...new Set([...(before?.events ?? []), ...(after?.events ?? [])])];
  const base = {
    changeSetId: randomUUID(),
    userId: ownerId,
    changedById: actor.id,
    source: 'admin',
    scope: 'rule',
    productId: null,
    ruleId: rule.id,
    ruleBefore: before ? JSON.stringify(before) : null,
    ruleAfter: after ? JSON.stringify(after) : null,
    createdAt: now,
  };
  await insertChangeRows(
    db,
    events.map((event) => ({ ...base, event, channelsBefore: ruleMaskFor(before, event), channelsAfter: ruleMaskFor(after, event) })),
  );
}

function toRuleChange(ruleId: number, before: string | null, after: string | null): TRuleChange {
  const was = before === null ? null : ZRule.parse(JSON.parse(before));
  const is = after === null ? null : ZRule.parse(JSON.parse(after));
  return {
    id: ruleId,
    name: (is ?? was)?.name ?? `Rule ${ruleId}`,
    action: was === null ? 'created' : is === null ? 'deleted' : 'changed',
    before: was,
    after: is,
  };
}

type TChangeQueryRow = {
  changeSetId: string;
  source: 'admin' | 'template';
  scope: 'personal' | 'product' | 'rule';
  productId: number | null;
  ruleId: number | null;
  ruleBefore: string | null;
  ruleAfter: string | null;
  productName: string | null;
  changedById: number | null;
  changedByName: string | null;
  event: string;
  channelsBefore: number;
  channelsAfter: number;
  createdAt: number;
};

const toChannels = (mask: number): TChannel[] => maskToChannels(Number(mask));

/** The changes others made to a user's settings, newest first, as change sets (at most `limit` sets). */
export async function listChangeSets(deps: Deps, userId: number, limit = 50): Promise<TNotificationChangeSet[]> {
  const rows = await deps.db.all<TChangeQueryRow>(sql`select c.change_set_id as "changeSetId", c.source, c.scope,
      c.product_id as "productId", p.name as "productName", c.changed_by_id as "changedById", u.username as "changedByName",
      c.event, c.channels_before as "channelsBefore", c.channels_after as "channelsAfter", c.created_at as "createdAt",
      c.rule_id as "ruleId", c.rule_before as "ruleBefore", c.rule_after as "ruleAfter"
    from notification_setting_changes c
      left join products p on p.id = c.product_id
      left join users u on u.id = c.changed_by_id
    where c.user_id = ${userId}
      and c.change_set_id in (select change_set_id from notification_setting_changes where user_id = ${userId}
                              group by change_set_id order by max(id) desc limit ${limit})
    order by c.id desc`);
  const sets = new Map<string, TNotificationChangeSet>();
  for (const r of rows) {
    let set = sets.get(r.changeSetId);
    if (!set) {
      set = {
        id: r.changeSetId,
        source: r.source,
        scope: r.scope,
        product: r.productId !== null && r.productName !== null ? { id: Number(r.productId), name: r.productName } : null,
        rule: r.scope === 'rule' && r.ruleId !== null ? toRuleChange(Number(r.ruleId), r.ruleBefore, r.ruleAfter) : null,
        changed_by: r.changedById !== null && r.changedByName !== null ? { id: Number(r.changedById), username: r.changedByName } : null,
        created_at: toIso(Number(r.createdAt)),
        changes: [],
      };
      sets.set(r.changeSetId, set);
    }
    const before = toChannels(r.channelsBefore);
    const after = toChannels(r.channelsAfter);
    set.changes.push({
      event: r.event,
      before,
      after,
      added: after.filter((c) => !before.includes(c)),
      removed: before.filter((c) => !after.includes(c)),
    });
  }
  // Events in catalogue order within a set.
  const order = new Map<string, number>(EVENT_NAMES.map((e, i) => [e, i]));
  for (const set of sets.values()) set.changes.sort((a, b) => (order.get(a.event) ?? 99) - (order.get(b.event) ?? 99));
  return [...sets.values()];
}

// ---------------------------------------------------------------------------
// The template applied to existing users.

type TTarget = { id: number; username: string };

/** The people the action covers: every non-service user, or the chosen ids (each must be a person that exists). */
async function findTargets(db: Database, users: TApplyTemplateBody['users']): Promise<TTarget[]> {
  const order = db.fragments.ciOrder(sql`username`);
  if (users === 'all') {
    return db.all<TTarget>(sql`select id, username from users where is_service = 0 order by ${order}`);
  }
  const ids = [...new Set(users)];
  const rows = await db.all<TTarget & { isService: number | boolean }>(
    sql`select id, username, is_service as "isService" from users where ${db.fragments.inIds(sql`id`, ids)} order by ${order}`,
  );
  const found = new Set(rows.map((r) => Number(r.id)));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw badRequest(`users: no user has the id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}.`, {
      path: 'users',
      unknown_ids: missing,
    });
  }
  const services = rows.filter((r) => r.isService === 1 || r.isService === true);
  if (services.length > 0) {
    throw badRequest(
      `users: ${services.map((s) => `"${s.username}"`).join(', ')} ${services.length === 1 ? 'is a service user' : 'are service users'}; ` +
        'the template applies to people only.',
      { path: 'users', service_user_ids: services.map((s) => Number(s.id)) },
    );
  }
  return rows.map((r) => ({ id: Number(r.id), username: r.username }));
}

/** Every personal record of the targets, by user. */
async function readPersonalMasks(db: Database, targets: readonly TTarget[]): Promise<Map<number, Map<string, number>>> {
  const byUser = new Map<number, Map<string, number>>(targets.map((t) => [t.id, new Map()]));
  const rows = await db.all<{ userId: number; event: string; channels: number }>(
    sql`select user_id as "userId", event, channels from notification_settings where scope = 'personal'
        and ${db.fragments.inIds(
          sql`user_id`,
          targets.map((t) => t.id),
        )}`,
  );
  for (const r of rows) byUser.get(Number(r.userId))?.set(r.event, Number(r.channels));
  return byUser;
}

type TPlannedUser = { target: TTarget; after: Map<string, number>; rows: TChangeRow[] };

/** What applying the template changes, per user (users without a change are left out). */
async function planTemplate(
  db: Database,
  body: TApplyTemplateBody,
  base: Omit<TChangeRow, 'userId' | 'event' | 'channelsBefore' | 'channelsAfter'>,
) {
  const targets = await findTargets(db, body.users);
  const template = await readMasks(db, 'template', 0, 0);
  const personal = await readPersonalMasks(db, targets);
  const planned: TPlannedUser[] = [];
  for (const target of targets) {
    const before = personal.get(target.id) ?? new Map<string, number>();
    const after = new Map<string, number>();
    for (const event of EVENT_NAMES) {
      const t = template.get(event) ?? 0;
      after.set(event, body.mode === 'merge' ? (before.get(event) ?? 0) | t : t);
    }
    const rows = diffRows({ ...base, userId: target.id }, EVENT_NAMES, before, after);
    if (rows.length > 0) planned.push({ target, after, rows });
  }
  return { targets, planned };
}

function summarize(body: TApplyTemplateBody, targets: readonly TTarget[], planned: readonly TPlannedUser[]): TTemplateApplyResult {
  return {
    mode: body.mode,
    users_considered: targets.length,
    users_changed: planned.length,
    settings_changed: planned.reduce((n, p) => n + countChangedCells(p.rows), 0),
  };
}

export async function previewTemplate(deps: Deps, body: TApplyTemplateBody): Promise<TTemplateApplyResult> {
  const base = { changeSetId: '', changedById: null, source: 'template', scope: 'personal', productId: null, createdAt: 0 };
  const { targets, planned } = await planTemplate(deps.db, body, base);
  const result = summarize(body, targets, planned);
  if (body.include_users) {
    result.users = planned
      .slice(0, 500)
      .map((p) => ({ id: p.target.id, username: p.target.username, settings_changed: countChangedCells(p.rows) }));
  }
  return result;
}

/**
 * Apply the template to the chosen people in ONE transaction: their personal records and the audit rows are
 * written together, and any failure leaves every record as it was.
 */
export async function applyTemplate(deps: Deps, actor: UserRow, body: TApplyTemplateBody): Promise<TTemplateApplyResult> {
  const changeSetId = randomUUID();
  const base = { changeSetId, changedById: actor.id, source: 'template', scope: 'personal', productId: null, createdAt: deps.now() };
  return deps.db.transaction(async (tx) => {
    const { targets, planned } = await planTemplate(tx, body, base);
    for (const p of planned) {
      const values: SQL[] = p.rows.map(
        (r) =>
          sql`('personal', cast(${p.target.id} as integer), cast(${r.event} as text), cast(${channelsOf(p.after, r.event)} as integer))`,
      );
      await tx.run(sql`insert into notification_settings (scope, user_id, event, channels) values ${sql.join(values, sql`, `)}
        on conflict (scope, user_key, product_key, event) do update set channels = excluded.channels`);
      await insertChangeRows(tx, p.rows);
    }
    return { ...summarize(body, targets, planned), change_set_id: changeSetId };
  });
}

const channelsOf = (masks: ReadonlyMap<string, number>, event: string) => masks.get(event) ?? 0;
