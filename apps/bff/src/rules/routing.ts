/**
 * Rules in the fan-out, as SQL (conditions.ts): the channels personal rules add, as a derived table joined
 * into dispatch's one candidate query (one row per owner with the union of their matching rules' channels),
 * and the destinations system rules send an event to. Nothing here runs per user in JavaScript.
 */
import { randomUUID } from 'node:crypto';
import { CHANNEL_BITS, CHANNELS, type TExternalChannel } from '@tocsin/contract/catalogue';
import { DESTINATION_CHANNELS, type TDestinationKind } from '@tocsin/contract/rules';
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import type { TDeliveryInsert } from '../db/hot-paths';
import { matchingRulesSql, type TEventFacts } from './conditions';

export type TEventsWithRules = { personal: ReadonlySet<string>; system: ReadonlySet<string> };

/**
 * Of `events`, those some enabled rule is about, per scope: events without one skip the rules' SQL altogether.
 * Each answer is an EXISTS, which stops at the first rule however many there are.
 */
export async function findEventsWithRules(db: Database, events: readonly string[]): Promise<TEventsWithRules> {
  const personal = new Set<string>();
  const system = new Set<string>();
  const exists = (event: string, scope: string) => sql`case when exists (select 1 from rule_events re join rules r on r.id = re.rule_id
      where re.event = ${event} and r.scope = ${scope} and r.enabled = 1) then 1 else 0 end`;
  for (const event of new Set(events)) {
    const row = await db.get<{ personal: number; system: number }>(
      sql`select ${exists(event, 'personal')} as personal, ${exists(event, 'system')} as system`,
    );
    if (row?.personal === 1) personal.add(event);
    if (row?.system === 1) system.add(event);
  }
  return { personal, system };
}

/**
 * `left join (…) rm on rm.user_id = <user>`: per owner, the channels their matching personal rules add, as
 * `rm.mask`. Each channel is one bit, so the sum of the per-bit maxima is their union.
 */
export function personalRuleMaskJoin(userId: SQL, routedAs: string, facts: TEventFacts): SQL {
  const bits = CHANNELS.map((c) => sql`max(r.channels & ${sql.raw(String(CHANNEL_BITS[c]))})`);
  return sql`left join (select r.owner_id as user_id, ${sql.join(bits, sql` + `)} as mask
      from ${matchingRulesSql('personal', routedAs, facts)}
      group by r.owner_id) rm on rm.user_id = ${userId}`;
}

/**
 * The delivery rows of the destinations system rules send this event to (each destination once), for the
 * channels enabled in System Settings. A destination is a system destination: not RBAC-filtered.
 */
export async function buildDestinationDeliveries(
  db: Database,
  routedAs: string,
  facts: TEventFacts,
  enabled: ReadonlySet<TExternalChannel>,
): Promise<TDeliveryInsert[]> {
  const rows = await db.all<{ id: number; kind: TDestinationKind }>(sql`select d.id, d.kind from destinations d
    where d.id in (select rd.destination_id from rule_destinations rd
      where rd.rule_id in (select r.id from ${matchingRulesSql('system', routedAs, facts)}))
    order by d.id`);
  const out: TDeliveryInsert[] = [];
  for (const row of rows) {
    const channel = DESTINATION_CHANNELS[row.kind];
    if (channel && enabled.has(channel)) out.push([randomUUID(), channel, 'destination', null, null, row.id]);
  }
  return out;
}
