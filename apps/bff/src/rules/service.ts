/**
 * Rules: a user's own personal rules, and the system rules superusers keep (routes.ts checks who may call).
 * Each rule is stored twice in one transaction: as the API took it (conditions JSON) and as the columns and
 * rows the fan-out's SQL reads (conditions.ts: toRuleColumns). The preview runs the pure reading of the same
 * conditions over the facts of the last 30 days' events the caller may see.
 */
import { CHANNEL_BITS, channelsToMask, findEventInfo, maskToChannels, type TEventName } from '@tocsin/contract/catalogue';
import {
  RULE_PREVIEW_DAYS,
  RULE_PREVIEW_EXAMPLES,
  type TPersonalRuleBody,
  type TRule,
  type TRuleConditions,
  type TRulePreview,
  type TRulePreviewBody,
  type TRuleScope,
  type TSystemRuleBody,
  ZPersonalRuleBody,
  ZRuleConditions,
  ZRulePreviewBody,
  ZSystemRuleBody,
} from '@tocsin/contract/rules';
import { type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { canViewEverything, viewsProductSql, viewsProductTypeSql } from '../auth/rbac';
import type { Database } from '../db/database';
import { isTruthy } from '../db/database';
import { clipText } from '../lib/clip-text';
import { badRequest, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { emptyFacts, matchesConditions, type TEventFacts, toRuleColumns } from './conditions';

type TRuleRow = {
  id: number;
  scope: TRuleScope;
  ownerId: number | null;
  name: string;
  enabled: unknown;
  channels: number;
  conditions: string;
  createdAt: number;
  updatedAt: number;
};

const RULE_COLUMNS = sql`id, scope, owner_id as "ownerId", name, enabled, channels, conditions, created_at as "createdAt",
  updated_at as "updatedAt"`;

async function toRules(db: Database, rows: readonly TRuleRow[]): Promise<TRule[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const events = await db.all<{ ruleId: number; event: TEventName }>(
    sql`select rule_id as "ruleId", event from rule_events where ${db.fragments.inIds(sql`rule_id`, ids)} order by event`,
  );
  const destinations = await db.all<{ ruleId: number; destinationId: number }>(sql`select rule_id as "ruleId",
      destination_id as "destinationId" from rule_destinations where ${db.fragments.inIds(sql`rule_id`, ids)} order by destination_id`);
  return rows.map((r) => ({
    id: r.id,
    scope: r.scope,
    owner_id: r.ownerId,
    name: r.name,
    enabled: isTruthy(r.enabled),
    events: events.filter((e) => e.ruleId === r.id).map((e) => e.event),
    channels: maskToChannels(r.channels),
    destination_ids: destinations.filter((d) => d.ruleId === r.id).map((d) => d.destinationId),
    conditions: ZRuleConditions.parse(JSON.parse(r.conditions)),
    created_at: toIso(r.createdAt),
    updated_at: toIso(r.updatedAt),
  }));
}

const ownerFilter = (scope: TRuleScope, ownerId: number | null): SQL =>
  scope === 'system' ? sql`scope = 'system'` : sql`scope = 'personal' and owner_id = ${ownerId}`;

export async function listRules(deps: Deps, scope: TRuleScope, ownerId: number | null): Promise<TRule[]> {
  const rows = await deps.db.all<TRuleRow>(
    sql`select ${RULE_COLUMNS} from rules where ${ownerFilter(scope, ownerId)} order by lower(name), id`,
  );
  return toRules(deps.db, rows);
}

/** A rule of this scope and owner, or 404: another user's rule does not exist for the caller. */
export async function getRule(deps: Deps, scope: TRuleScope, ownerId: number | null, id: number): Promise<TRule> {
  const row = await deps.db.get<TRuleRow>(sql`select ${RULE_COLUMNS} from rules where id = ${id} and ${ownerFilter(scope, ownerId)}`);
  if (!row) throw notFound(`Rule ${id}`);
  const [rule] = await toRules(deps.db, [row]);
  return rule!;
}

/**
 * The ids a rule names must exist; a personal rule may name only products and product types its owner may view
 * (the answer does not tell which others exist).
 */
async function checkConditionIds(db: Database, user: UserRow | null, c: TRuleConditions, viewer = 'you'): Promise<void> {
  const check = async (ids: readonly number[], table: 'products' | 'product_types', field: string, views: (id: SQL) => SQL) => {
    if (ids.length === 0) return;
    const visible = user === null || canViewEverything(user) ? sql`1 = 1` : views(sql`t.id`);
    const found = new Set(
      (
        await db.all<{ id: number }>(
          sql`select t.id from ${sql.identifier(table)} t where ${db.fragments.inIds(sql`t.id`, ids)} and ${visible}`,
        )
      ).map((r) => r.id),
    );
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const what = table === 'products' ? 'product' : 'product type';
      throw badRequest(
        `conditions.${field}: there is no ${what} ${missing.join(', ')}${user === null ? '' : ` that ${viewer} can see`}. Remove ${missing.length === 1 ? 'it' : 'them'} from the rule.`,
        { path: `conditions.${field}`, unknown: missing },
      );
    }
  };
  const userId = user === null ? sql`0` : sql`${user.id}`;
  await check(c.product_ids, 'products', 'product_ids', (id) => viewsProductSql(userId, id));
  await check(c.product_type_ids, 'product_types', 'product_type_ids', (id) => viewsProductTypeSql(userId, id));
}

async function checkDestinationIds(db: Database, ids: readonly number[]): Promise<void> {
  const found = new Set(
    (await db.all<{ id: number }>(sql`select id from destinations where ${db.fragments.inIds(sql`id`, ids)}`)).map((r) => r.id),
  );
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw badRequest(`destination_ids: there is no destination ${missing.join(', ')}.`, { path: 'destination_ids', unknown: missing });
  }
}

export type TSaveRule = {
  scope: TRuleScope;
  ownerId: number | null;
  name: string;
  enabled: boolean;
  events: readonly string[];
  channels: number;
  destinationIds: readonly number[];
  conditions: TRuleConditions;
};

export async function writeRule(deps: Deps, id: number | null, rule: TSaveRule): Promise<number> {
  const now = deps.now();
  const cols = toRuleColumns(rule.conditions);
  return deps.db.transaction(async (tx) => {
    let ruleId: number;
    const fields: [string, unknown][] = [
      ['name', rule.name],
      ['enabled', rule.enabled],
      ['channels', rule.channels],
      ['conditions', JSON.stringify(rule.conditions)],
      ['has_product_types', cols.hasProductTypes],
      ['has_products', cols.hasProducts],
      ['has_tags', cols.hasTags],
      ['min_severity', cols.minSeverity],
      ['min_count', cols.minCount],
      ['count_severity', cols.countSeverity],
      ['tool', cols.tool],
      ['only_new', cols.onlyNew],
    ];
    if (id === null) {
      const row = await tx.get<{ id: number }>(sql`insert into rules (${sql.join(
        fields.map(([name]) => sql.identifier(name)),
        sql`, `,
      )}, scope, owner_id, created_at, updated_at)
        values (${sql.join(
          fields.map(([, value]) => sql`${value}`),
          sql`, `,
        )}, ${rule.scope}, ${rule.ownerId}, ${now}, ${now}) returning id`);
      ruleId = Number(row!.id);
    } else {
      const changed = await tx.run(sql`update rules set ${sql.join(
        fields.map(([name, value]) => sql`${sql.identifier(name)} = ${value}`),
        sql`, `,
      )}, updated_at = ${now}
        where id = ${id} and ${ownerFilter(rule.scope, rule.ownerId)}`);
      if (changed === 0) throw notFound(`Rule ${id}`);
      ruleId = id;
      for (const table of ['rule_events', 'rule_scopes', 'rule_destinations']) {
        await tx.run(sql`delete from ${sql.identifier(table)} where rule_id = ${ruleId}`);
      }
    }
    await tx.run(
      sql`insert into rule_events (rule_id, event) values ${sql.join(
        rule.events.map((e) => sql`(${ruleId}, ${e})`),
        sql`, `,
      )}`,
    );
    if (cols.scopes.length > 0) {
      await tx.run(
        sql`insert into rule_scopes (rule_id, kind, value) values ${sql.join(
          cols.scopes.map(([kind, value]) => sql`(${ruleId}, ${kind}, ${value})`),
          sql`, `,
        )}`,
      );
    }
    if (rule.destinationIds.length > 0) {
      await tx.run(
        sql`insert into rule_destinations (rule_id, destination_id) values ${sql.join(
          rule.destinationIds.map((d) => sql`(${ruleId}, ${d})`),
          sql`, `,
        )}`,
      );
    }
    return ruleId;
  });
}

/**
 * Create (id null) or replace one of `user`'s personal rules. The ids it names must be ones `user` may view,
 * whoever saves it; `viewer` names them in that message ("you", or the owner's name when a superuser saves it).
 */
export async function savePersonalRule(
  deps: Deps,
  user: UserRow,
  id: number | null,
  input: TPersonalRuleBody,
  viewer = 'you',
): Promise<TRule> {
  const body = ZPersonalRuleBody.parse(input);
  await checkConditionIds(deps.db, user, body.conditions, viewer);
  const ruleId = await writeRule(deps, id, {
    scope: 'personal',
    ownerId: user.id,
    name: body.name,
    enabled: body.enabled,
    events: body.events,
    channels: channelsToMask(body.channels),
    destinationIds: [],
    conditions: body.conditions,
  });
  return getRule(deps, 'personal', user.id, ruleId);
}

export async function saveSystemRule(deps: Deps, id: number | null, input: TSystemRuleBody): Promise<TRule> {
  const body = ZSystemRuleBody.parse(input);
  await checkConditionIds(deps.db, null, body.conditions);
  await checkDestinationIds(deps.db, body.destination_ids);
  const ruleId = await writeRule(deps, id, {
    scope: 'system',
    ownerId: null,
    name: body.name,
    enabled: body.enabled,
    events: body.events,
    channels: 0,
    destinationIds: body.destination_ids,
    conditions: body.conditions,
  });
  return getRule(deps, 'system', null, ruleId);
}

export async function deleteRule(deps: Deps, scope: TRuleScope, ownerId: number | null, id: number): Promise<void> {
  const removed = await deps.db.run(sql`delete from rules where id = ${id} and ${ownerFilter(scope, ownerId)}`);
  if (removed === 0) throw notFound(`Rule ${id}`);
}

/** What one-click unsubscribe did to one personal rule that mailed the event (see stopRuleMail). */
export type TRuleMailStop =
  | { rule: string; outcome: 'disabled' }
  | { rule: string; outcome: 'mail_removed' }
  | { rule: string; outcome: 'event_removed' }
  | { rule: string; outcome: 'split'; newRule: string };

/** The user's enabled personal rules that mail `event` (what one-click unsubscribe would change), by name. */
export async function findMailingRules(deps: Deps, ownerId: number, event: string): Promise<TRule[]> {
  const rows = await deps.db.all<TRuleRow>(sql`select ${RULE_COLUMNS} from rules
    where scope = 'personal' and owner_id = ${ownerId} and enabled = 1 and (channels & ${CHANNEL_BITS.mail}) <> 0
      and id in (select rule_id from rule_events where event = ${event})
    order by lower(name), id`);
  return toRules(deps.db, rows);
}

/**
 * Stop the owner's enabled personal rules from mailing `event`, changing nothing else they do (decision 013):
 * a rule about that event alone loses its mail channel (or, when mail was all it added, is switched off); a
 * rule about several events stops covering that one, and when it also added other channels a new rule with the
 * same conditions keeps them for that event. Run it inside the caller's transaction.
 */
export async function stopRuleMail(deps: Deps, ownerId: number, event: TEventName): Promise<TRuleMailStop[]> {
  const done: TRuleMailStop[] = [];
  for (const rule of await findMailingRules(deps, ownerId, event)) {
    const others = rule.channels.filter((c) => c !== 'mail');
    const base: TSaveRule = {
      scope: 'personal',
      ownerId,
      name: rule.name,
      enabled: rule.enabled,
      events: rule.events,
      channels: channelsToMask(rule.channels),
      destinationIds: [],
      conditions: rule.conditions,
    };
    if (rule.events.length === 1) {
      if (others.length === 0) {
        await writeRule(deps, rule.id, { ...base, enabled: false });
        done.push({ rule: rule.name, outcome: 'disabled' });
      } else {
        await writeRule(deps, rule.id, { ...base, channels: channelsToMask(others) });
        done.push({ rule: rule.name, outcome: 'mail_removed' });
      }
      continue;
    }
    await writeRule(deps, rule.id, { ...base, events: rule.events.filter((e) => e !== event) });
    if (others.length === 0) {
      done.push({ rule: rule.name, outcome: 'event_removed' });
      continue;
    }
    const suffix = ` (${findEventInfo(event).label}, no email)`;
    const newRule = `${clipText(rule.name, 100 - suffix.length)}${suffix}`;
    await writeRule(deps, null, { ...base, name: newRule, events: [event], channels: channelsToMask(others) });
    done.push({ rule: rule.name, outcome: 'split', newRule });
  }
  return done;
}

/** Events considered by one preview at most (the newest): a preview answers in a moment even after a flood. */
export const PREVIEW_SCAN_LIMIT = 20_000;

type TPreviewRow = {
  id: number;
  routedAs: string;
  title: string;
  createdAt: number;
  productId: number | null;
  productTypeId: number | null;
  productName: string | null;
  recipients: string | null;
  facts: string | null;
};

/**
 * How many of the last 30 days' events the rule would have matched, with the newest few. Only events the caller
 * may see count: those about a product or product type they may view (RBAC), events without that context for
 * superusers only, and an event for a list of recipients only when the caller is on it.
 */
export async function previewRule(deps: Deps, user: UserRow, input: TRulePreviewBody): Promise<TRulePreview> {
  const body = ZRulePreviewBody.parse(input);
  const since = deps.now() - RULE_PREVIEW_DAYS * 24 * 60 * 60 * 1000;
  const me = sql`${user.id}`;
  const visible = user.isSuperuser
    ? sql`1 = 1`
    : canViewEverything(user)
      ? sql`(e.product_id is not null or e.product_type_id is not null)`
      : sql`((e.product_id is not null and ${viewsProductSql(me, sql`e.product_id`)})
          or (e.product_id is null and e.product_type_id is not null and ${viewsProductTypeSql(me, sql`e.product_type_id`)}))`;
  const rows = await deps.db.all<TPreviewRow>(sql`select e.id, e.routed_as as "routedAs", e.title, e.created_at as "createdAt",
      e.product_id as "productId", e.product_type_id as "productTypeId", p.name as "productName", e.recipients, f.facts
    from events e
    left join event_facts f on f.event_id = e.id
    left join products p on p.id = e.product_id
    where e.created_at >= ${since} and e.routed_as in (${sql.join(
      body.events.map((name) => sql`${name}`),
      sql`, `,
    )}) and ${visible}
    order by e.created_at desc, e.id desc
    limit ${PREVIEW_SCAN_LIMIT}`);
  let considered = 0;
  let matched = 0;
  const examples: TRulePreview['examples'] = [];
  for (const row of rows) {
    if (!user.isSuperuser && row.recipients !== null && !(JSON.parse(row.recipients) as number[]).includes(user.id)) continue;
    considered += 1;
    const facts: TEventFacts = row.facts ? (JSON.parse(row.facts) as TEventFacts) : emptyFacts(row.productTypeId, row.productId);
    if (!matchesConditions(body.conditions, facts)) continue;
    matched += 1;
    if (examples.length < RULE_PREVIEW_EXAMPLES) {
      examples.push({
        event_id: Number(row.id),
        event: row.routedAs,
        title: row.title,
        product: row.productId === null || row.productName === null ? null : { id: row.productId, name: row.productName },
        created_at: toIso(Number(row.createdAt)),
      });
    }
  }
  return { days: RULE_PREVIEW_DAYS, considered, matched, examples };
}
