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

/** The events some enabled rule is about, per scope: events without one skip the rules' SQL altogether. */
export async function findEventsWithRules(db: Database): Promise<TEventsWithRules> {
  const rows = await db.all<{ scope: string; event: string }>(sql`select distinct r.scope, re.event
    from rule_events re join rules r on r.id = re.rule_id where r.enabled = 1`);
  const personal = new Set<string>();
  const system = new Set<string>();
  for (const row of rows) (row.scope === 'system' ? system : personal).add(row.event);
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
