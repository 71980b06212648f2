/**
 * The rules bench (issue 10 §1): one event fanned out to 10,000 users who each have 5 personal rules, against the
 * insert floor of the foundation bench (the same alert rows written the cheapest way the database offers).
 * The users' personal records are emptied for the event, so every alert comes through a rule: one of each
 * user's 5 rules matches (product tag and minimum severity), the 4 others each fail on a different condition
 * (tool, product, "at least N findings", only new findings). Target: within 3× of the floor.
 */

import { type TRuleConditionsInput, ZRuleConditions } from '@tocsin/contract/rules';
import { sql } from 'drizzle-orm';
import { dispatchEvent } from '../src/notifications/dispatch';
import { toRuleColumns } from '../src/rules/conditions';
import { FAN_OUT_ALERT, FULL_SIZES, SMALL_SIZES, type TFoundationStore } from './foundation-data';
import { openPostgresFoundation } from './foundation-postgres';
import { openSqliteFoundation } from './foundation-sqlite';
import type { TPgServer } from './postgres-server';
import { describeLoad, elapsedMs, fmtInt, fmtMs, summarize, type TDbName, type TReport } from './report';

export type TRulesBenchOptions = { db: TDbName; small: boolean; pg: TPgServer | null; report: TReport };

const EVENT = 'sla_breach';
const RULES_PER_USER = 5;
const TARGET_RATIO = 3;

/** The five rules of every user: the first matches the bench event, each other fails on one condition. */
const RULES: TRuleConditionsInput[] = [
  { product_tags: ['bench'], min_severity: 'High' },
  { product_tags: ['bench'], tool: 'zap' },
  { product_ids: [999_999] },
  { min_findings: { count: 5, severity: 'Critical' } },
  { only_new: true, min_severity: 'Low' },
];

export async function runRulesBench(options: TRulesBenchOptions): Promise<void> {
  const label = options.db === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  console.log(`\n=== Rules bench on ${label}${options.small ? ' (--small)' : ''} ===`);
  console.log(`  ${describeLoad()}`);
  const store: TFoundationStore =
    options.db === 'sqlite'
      ? openSqliteFoundation()
      : options.pg
        ? await openPostgresFoundation(options.pg)
        : (() => {
            throw new Error('The rules bench on PostgreSQL needs a server.');
          })();
  try {
    await measure(store, options);
  } finally {
    await store.close();
  }
}

async function measure(store: TFoundationStore, options: TRulesBenchOptions): Promise<void> {
  const base = options.small ? SMALL_SIZES : FULL_SIZES;
  // Users and memberships as in the foundation bench; few stored alerts: the alert list is not measured here.
  const sizes = { ...base, alerts: base.users * 2, heavyAlerts: 1_000, alertBatch: 50_000 };
  const runs = options.small ? { warmup: 1, measured: 5 } : { warmup: 2, measured: 15 };
  const log = (line: string) => console.log(`  ${line}`);
  const { deps } = store;
  const db = deps.db;
  const seed = await store.seed(sizes, log);
  const productId = seed.sharedProductId;
  const recipients = seed.allRecipients;

  // Alerts come through the rules alone.
  await db.run(sql`delete from notification_settings where scope = 'personal' and event = ${EVENT}`);
  await db.run(sql`insert into product_tags (product_id, tag) values (${productId}, 'bench')`);
  const started = process.hrtime.bigint();
  const rules = RULES.map((input) => {
    const conditions = ZRuleConditions.parse(input);
    return { conditions, cols: toRuleColumns(conditions) };
  });
  const chunk = 400;
  let ruleId = 0;
  for (let start = 0; start < recipients.length; start += chunk) {
    const owners = recipients.slice(start, start + chunk);
    const ruleRows: ReturnType<typeof sql>[] = [];
    const eventRows: ReturnType<typeof sql>[] = [];
    const scopeRows: ReturnType<typeof sql>[] = [];
    for (const owner of owners) {
      for (const [i, r] of rules.entries()) {
        ruleId += 1;
        const c = r.cols;
        ruleRows.push(sql`(${ruleId}, 'personal', ${owner}, ${`rule ${i}`}, 1, 1, ${JSON.stringify(r.conditions)}, ${c.hasProductTypes},
          ${c.hasProducts}, ${c.hasTags}, ${c.minSeverity}, ${c.minCount}, ${c.countSeverity}, ${c.tool}, ${c.onlyNew}, 0, 0)`);
        eventRows.push(sql`(${ruleId}, ${EVENT})`);
        for (const [kind, value] of c.scopes) scopeRows.push(sql`(${ruleId}, ${kind}, ${value})`);
      }
    }
    await db.transaction(async (tx) => {
      await tx.run(sql`insert into rules (id, scope, owner_id, name, enabled, channels, conditions, has_product_types, has_products,
          has_tags, min_severity, min_count, count_severity, tool, only_new, created_at, updated_at) values ${sql.join(ruleRows, sql`, `)}`);
      await tx.run(sql`insert into rule_events (rule_id, event) values ${sql.join(eventRows, sql`, `)}`);
      if (scopeRows.length > 0) await tx.run(sql`insert into rule_scopes (rule_id, kind, value) values ${sql.join(scopeRows, sql`, `)}`);
    });
  }
  if (store.dialect === 'postgres') await db.run(sql`select setval(pg_get_serial_sequence('rules', 'id'), ${ruleId})`);
  await store.settle();
  log(
    `${fmtInt(ruleId)} rules (${RULES_PER_USER} for each of ${fmtInt(recipients.length)} users) in ${(elapsedMs(started) / 1000).toFixed(1)} s`,
  );
  log(
    `event: ${EVENT} about one Critical finding on product ${productId} (tagged "bench"), visible to every user; personal records empty for it`,
  );

  const maxId = async () => (await db.get<{ id: number }>(sql`select coalesce(max(id), 0) as id from alerts`))?.id ?? 0;
  const deleteAfter = (id: number) => db.run(sql`delete from alerts where id > ${id}`);
  const a = FAN_OUT_ALERT;
  const fanOut: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < runs.warmup + runs.measured; i++) {
    const before = await maxId();
    const floorMs = await store.insertFloor(recipients, deps.now());
    await deleteAfter(before);
    const start = process.hrtime.bigint();
    const result = await dispatchEvent(deps, {
      event: EVENT,
      title: a.title,
      description: a.description,
      url: a.url,
      productId,
      payload: {
        finding: {
          id: 1,
          title: 'Bench finding',
          severity: 'Critical',
          url: '/findings/1',
          url_ui: '/findings/1',
          url_api: '/api/findings/1',
          status: 'active',
          date_found: '2026-11-01',
          sla_expires_on: null,
          test_id: 0,
        },
      },
    });
    const fanOutMs = elapsedMs(start);
    await deleteAfter(before);
    if (result.alertsCreated !== recipients.length) {
      throw new Error(`dispatchEvent with rules created ${result.alertsCreated} alerts, expected ${recipients.length}.`);
    }
    if (i >= runs.warmup) {
      floor.push(floorMs);
      fanOut.push(fanOutMs);
    }
  }
  const fanStats = summarize(fanOut);
  const floorStats = summarize(floor);
  const ratio = fanStats.median / floorStats.median;
  const verdict = ratio <= TARGET_RATIO ? 'meets' : 'MISSES';
  log(`floor: insert ${fmtInt(recipients.length)} alert rows: median ${fmtMs(floorStats.median)} ms (p99 ${fmtMs(floorStats.p99)} ms)`);
  log(`fan-out with ${RULES_PER_USER} rules per user: median ${fmtMs(fanStats.median)} ms (p99 ${fmtMs(fanStats.p99)} ms)`);
  log(`ratio: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×): ${verdict}`);
  options.report.add({
    part: 'rules',
    db: store.dialect,
    figure: `fan-out to ${fmtInt(recipients.length)} with ${RULES_PER_USER} rules each / floor (${fmtMs(fanStats.median)} / ${fmtMs(floorStats.median)} ms)`,
    value: `${ratio.toFixed(2)}×`,
    target: `≤ ${TARGET_RATIO}×`,
    verdict,
  });
}
