/**
 * Rule conditions as one definition with two readings: `matchesConditions` (a pure function, for the preview and
 * the table-driven tests) and `ruleConditionsSql` (the same rule as a SQL predicate over the `rules` columns,
 * for the set-based fan-out). conditions.test.ts holds one row per rule and a property test that runs random
 * rules and events through both and expects the same verdict.
 *
 * An event is reduced to its facts first (facts.ts): its product type, product and that product's tags, the
 * most severe finding it carries, how many findings at or above each severity (all, and new or reactivated
 * only), whether it brings new or reactivated findings, and the tool.
 */
import { SEVERITY_RANKS, type TRuleConditions } from '@tocsin/contract/rules';
import { type SQL, sql } from 'drizzle-orm';

export const SEVERITY_LEVELS = [1, 2, 3, 4, 5] as const;

export type TEventFacts = {
  productTypeId: number | null;
  productId: number | null;
  /** The product's tags (lower-case) when the event was raised. */
  tags: string[];
  /** Rank of the most severe finding the event carries (Info 1 … Critical 5), or null when it carries none. */
  severity: number | null;
  /** counts[k - 1]: findings of rank ≥ k the event carries (new, reactivated and still open ones). */
  counts: number[];
  /** The same, counting new and reactivated findings only. */
  newCounts: number[];
  /** The event brings new or reactivated findings. */
  hasNew: boolean;
  /** The scanner (test type), lower-case, or null. */
  tool: string | null;
};

export const NO_FINDINGS = [0, 0, 0, 0, 0];

export const emptyFacts = (productTypeId: number | null = null, productId: number | null = null): TEventFacts => ({
  productTypeId,
  productId,
  tags: [],
  severity: null,
  counts: [...NO_FINDINGS],
  newCounts: [...NO_FINDINGS],
  hasNew: false,
  tool: null,
});

/** The conditions in the form the `rules` table stores next to the JSON (and the SQL reads). */
export type TRuleColumns = {
  hasProductTypes: boolean;
  hasProducts: boolean;
  hasTags: boolean;
  minSeverity: number | null;
  minCount: number | null;
  countSeverity: number | null;
  tool: string | null;
  onlyNew: boolean;
  /** rule_scopes rows: [kind, value]. */
  scopes: [kind: 'product_type' | 'product' | 'tag', value: string][];
};

export function toRuleColumns(c: TRuleConditions): TRuleColumns {
  return {
    hasProductTypes: c.product_type_ids.length > 0,
    hasProducts: c.product_ids.length > 0,
    hasTags: c.product_tags.length > 0,
    minSeverity: c.min_severity === null ? null : SEVERITY_RANKS[c.min_severity],
    minCount: c.min_findings?.count ?? null,
    countSeverity: c.min_findings ? SEVERITY_RANKS[c.min_findings.severity] : null,
    tool: c.tool === null ? null : c.tool.toLowerCase(),
    onlyNew: c.only_new,
    scopes: [
      ...c.product_type_ids.map((id) => ['product_type', String(id)] as const),
      ...c.product_ids.map((id) => ['product', String(id)] as const),
      ...c.product_tags.map((tag) => ['tag', tag.toLowerCase()] as const),
    ].map(([k, v]) => [k, v]),
  };
}

/** Does an event with these facts meet the conditions? */
export function matchesConditions(c: TRuleConditions, f: TEventFacts): boolean {
  if (c.product_type_ids.length > 0 && (f.productTypeId === null || !c.product_type_ids.includes(f.productTypeId))) return false;
  if (c.product_ids.length > 0 && (f.productId === null || !c.product_ids.includes(f.productId))) return false;
  if (c.product_tags.length > 0 && !c.product_tags.some((t) => f.tags.includes(t.toLowerCase()))) return false;
  if (c.min_severity !== null && (f.severity === null || f.severity < SEVERITY_RANKS[c.min_severity])) return false;
  if (c.min_findings !== null) {
    const counts = c.only_new ? f.newCounts : f.counts;
    if ((counts[SEVERITY_RANKS[c.min_findings.severity] - 1] ?? 0) < c.min_findings.count) return false;
  }
  if (c.tool !== null && f.tool !== c.tool.toLowerCase()) return false;
  if (c.only_new && !f.hasNew) return false;
  return true;
}

export function matchesRule(rule: { events: readonly string[]; conditions: TRuleConditions }, routedAs: string, f: TEventFacts): boolean {
  return rule.events.includes(routedAs) && matchesConditions(rule.conditions, f);
}

const int = (n: number) => sql`cast(${n} as integer)`;

/** `case <rank column> when 1 then … end`: the count at the rule's severity, from the event's counts. */
function countAt(rank: SQL, counts: readonly number[]): SQL {
  return sql`case ${rank} ${sql.join(
    SEVERITY_LEVELS.map((k) => sql`when ${k} then ${int(counts[k - 1] ?? 0)}`),
    sql` `,
  )} else 0 end`;
}

/**
 * The conditions of rule `r` (an alias of `rules`) against an event's facts, as one SQL predicate. The facts
 * are bound values, so what is constant for the event is decided here and the predicate shrinks to the columns.
 */
export function ruleConditionsSql(r: SQL, f: TEventFacts): SQL {
  const col = (name: string) => sql`${r}.${sql.identifier(name)}`;
  const inScope = (kind: string, values: readonly string[]) =>
    values.length === 0
      ? sql`1 = 0`
      : sql`exists (select 1 from rule_scopes s where s.rule_id = ${col('id')} and s.kind = ${kind} and s.value in (${sql.join(
          values.map((v) => sql`${v}`),
          sql`, `,
        )}))`;
  const parts: SQL[] = [
    sql`(${col('has_product_types')} = 0 or ${inScope('product_type', f.productTypeId === null ? [] : [String(f.productTypeId)])})`,
    sql`(${col('has_products')} = 0 or ${inScope('product', f.productId === null ? [] : [String(f.productId)])})`,
    sql`(${col('has_tags')} = 0 or ${inScope('tag', f.tags)})`,
    f.severity === null
      ? sql`${col('min_severity')} is null`
      : sql`(${col('min_severity')} is null or ${col('min_severity')} <= ${int(f.severity)})`,
    sql`(${col('min_count')} is null or ${col('min_count')} <= case when ${col('only_new')} = 1 then ${countAt(
      col('count_severity'),
      f.newCounts,
    )} else ${countAt(col('count_severity'), f.counts)} end)`,
    f.tool === null ? sql`${col('tool')} is null` : sql`(${col('tool')} is null or ${col('tool')} = ${f.tool})`,
    f.hasNew ? sql`1 = 1` : sql`${col('only_new')} = 0`,
  ];
  return sql.join(parts, sql` and `);
}

/** Enabled rules of `scope` about `routedAs` whose conditions the event meets: `r` joined through rule_events `re`. */
export function matchingRulesSql(scope: 'personal' | 'system', routedAs: string, f: TEventFacts): SQL {
  return sql`rule_events re join rules r on r.id = re.rule_id
    where re.event = ${routedAs} and r.scope = ${scope} and r.enabled = 1 and ${ruleConditionsSql(sql`r`, f)}`;
}
