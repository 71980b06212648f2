/**
 * An event's facts for the rule conditions (conditions.ts), computed once when it is dispatched and stored in
 * event_facts (the rules preview reads them back): most of it from the event's payload blocks, the product's
 * tags and a single finding's tool from the database. The payload's finding lists hold the most severe findings
 * of each kind (up to PAYLOAD_LIST_LIMIT), so counts up to that limit, which is all a condition may ask, are exact.
 */
import { SEVERITY_RANKS } from '@tocsin/contract/rules';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import type { TEventPayload } from '../notifications/event-payload';
import { emptyFacts, NO_FINDINGS, type TEventFacts } from './conditions';

type TSeverityItem = { severity: string };

function countByRank(items: readonly TSeverityItem[]): number[] {
  const counts = [...NO_FINDINGS];
  for (const item of items) {
    const rank = SEVERITY_RANKS[item.severity as keyof typeof SEVERITY_RANKS] ?? 0;
    for (let k = 1; k <= rank; k++) counts[k - 1]! += 1;
  }
  return counts;
}

/** What the payload alone tells; `findingTestId` is the test whose tool a single-finding event is about. */
export function readPayloadFacts(payload: TEventPayload | null | undefined): {
  facts: Pick<TEventFacts, 'severity' | 'counts' | 'newCounts' | 'hasNew' | 'tool'>;
  findingTestId: number | null;
} {
  let all: TSeverityItem[] = [];
  let fresh: TSeverityItem[] = [];
  let hasNew = false;
  let tool: string | null = null;
  let findingTestId: number | null = null;
  if (payload?.test) tool = payload.test.title;
  if (payload?.findings) {
    const f = payload.findings;
    fresh = [...f.new, ...f.reactivated];
    all = [...fresh, ...f.untouched];
    hasNew = f.totals.new + f.totals.reactivated > 0;
  }
  if (payload?.finding) {
    all = [payload.finding];
    findingTestId = payload.finding.test_id;
  }
  if (payload?.sla && 'items' in payload.sla) all = payload.sla.items;
  if (payload?.risk_acceptance) all = payload.risk_acceptance.findings;
  const counts = countByRank(all);
  const top = SEVERITY_RANKS.Critical;
  let severity: number | null = null;
  for (let k = top; k >= 1; k--) {
    if ((counts[k - 1] ?? 0) > 0) {
      severity = k;
      break;
    }
  }
  return {
    facts: { severity, counts, newCounts: countByRank(fresh), hasNew, tool: tool === null ? null : tool.toLowerCase() },
    findingTestId,
  };
}

/** The facts of events, each with its context and payload: one query for tags, one for finding tools. */
export async function computeEventFacts(
  db: Database,
  events: readonly { productTypeId: number | null; productId: number | null; payload?: TEventPayload | null }[],
): Promise<TEventFacts[]> {
  const read = events.map((e) => readPayloadFacts(e.payload));
  const productIds = [...new Set(events.flatMap((e) => (e.productId === null ? [] : [e.productId])))];
  const tags = new Map<number, string[]>();
  if (productIds.length > 0) {
    const rows = await db.all<{ productId: number; tag: string }>(
      sql`select product_id as "productId", tag from product_tags where ${db.fragments.inIds(sql`product_id`, productIds)} order by tag`,
    );
    for (const r of rows) tags.set(r.productId, [...(tags.get(r.productId) ?? []), r.tag.toLowerCase()]);
  }
  const testIds = [...new Set(read.flatMap((r) => (r.findingTestId === null ? [] : [r.findingTestId])))];
  const tools = new Map<number, string>();
  if (testIds.length > 0) {
    const rows = await db.all<{ id: number; title: string }>(
      sql`select id, title from tests where ${db.fragments.inIds(sql`id`, testIds)}`,
    );
    for (const r of rows) tools.set(r.id, r.title.toLowerCase());
  }
  return events.map((e, i) => {
    const { facts, findingTestId } = read[i]!;
    return {
      ...emptyFacts(e.productTypeId, e.productId),
      ...facts,
      tags: e.productId === null ? [] : (tags.get(e.productId) ?? []),
      tool: facts.tool ?? (findingTestId === null ? null : (tools.get(findingTestId) ?? null)),
    };
  });
}

/** Store the facts of freshly inserted events (rows in the order of `eventIds`). */
export async function storeEventFacts(db: Database, eventIds: readonly number[], facts: readonly TEventFacts[]): Promise<void> {
  for (let start = 0; start < eventIds.length; start += 500) {
    const values = eventIds.slice(start, start + 500).map((id, i) => sql`(${id}, ${JSON.stringify(facts[start + i])})`);
    if (values.length > 0) await db.run(sql`insert into event_facts (event_id, facts) values ${sql.join(values, sql`, `)}`);
  }
}
