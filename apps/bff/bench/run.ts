/**
 * `pnpm bench`: every part on every database, then one summary table (figure, target, verdict).
 *   foundation  fan-out against the insert floor, bell, alert pages, remove, clear (bench/foundation.ts)
 *   deliveries  webhook deliveries/s: one process on SQLite, 1 and 3 replicas on PostgreSQL; 10% failing receivers
 *   hanging     webhook deliveries/s with one hanging receiver of 20
 *   streams     one event fanned out to 2,000 open live streams, with another user polling the bell meanwhile
 *   sla         the daily SLA job over 100,000 open findings in 1,000 products (bench/sla.ts)
 *   rules       fan-out to 10,000 users with 5 personal rules each against the insert floor (bench/rules.ts)
 *   floods      5,000 SLA events in one run: coalesced alerts, deliveries per user against the digest setting (bench/floods.ts)
 *   imports     a 10,000-result SARIF file imported and re-imported through POST /api/imports, peak memory, and a note
 *               with 20 mentions (bench/imports.ts)
 * Flags: --only <part>[,<part>…], --db sqlite|postgres|both (default both), --small (10× less, a quick check),
 * --cpu-prof[=<dir>] (a CPU profile of every server process the deliveries parts start).
 * On PostgreSQL the bench starts its own throw-away server (scripts/pg-cluster.mjs) unless BENCH_DATABASE_URL
 * names one. Figures are printed, never asserted; the exit code is non-zero only when something fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCleanups } from './cleanup';
import { runDeliveriesBench } from './deliveries';
import { runFloodsBench } from './floods';
import { runFoundationBench } from './foundation';
import { runImportsBench } from './imports';
import { startPgServer, type TPgServer } from './postgres-server';
import { createReport, describeLoad, describeMachine, printSummary, type TDbName } from './report';
import { runRulesBench } from './rules';
import { runSlaBench } from './sla';
import { runStreamsBench } from './streams';

const PARTS = ['foundation', 'deliveries', 'hanging', 'streams', 'sla', 'rules', 'floods', 'imports'] as const;
type TPart = (typeof PARTS)[number];
const DBS = ['sqlite', 'postgres', 'both'] as const;

type TArgs = { parts: TPart[]; dbs: TDbName[]; small: boolean; cpuProfileDir: string | null };

const USAGE =
  'Usage: pnpm bench [-- --only foundation|deliveries|hanging|streams|sla|rules|floods|imports[,…]] [--db sqlite|postgres|both] [--small] [--cpu-prof[=<dir>]]';

/** A wrong flag: said in one line with the usage, without a stack trace. */
class UsageError extends Error {}

function parseArgs(argv: readonly string[]): TArgs {
  const args: TArgs = { parts: [...PARTS], dbs: ['sqlite', 'postgres'], small: false, cpuProfileDir: null };
  // pnpm passes a literal "--" through when called as `pnpm bench -- --small`.
  const list = argv.filter((a) => a !== '--');
  const readValue = (arg: string, name: string, i: number): [string, number] =>
    arg === name ? [list[i + 1] ?? '', i + 1] : [arg.slice(name.length + 1), i];
  for (let i = 0; i < list.length; i++) {
    const arg = list[i]!;
    if (arg === '--small') {
      args.small = true;
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      const [value, next] = readValue(arg, '--only', i);
      i = next;
      const names = value.split(',').filter((v) => v !== '');
      const unknown = names.filter((n) => !PARTS.includes(n as TPart));
      if (names.length === 0 || unknown.length > 0) {
        throw new UsageError(`--only takes one or more of ${PARTS.join(', ')} (comma-separated); got "${value}".\n${USAGE}`);
      }
      args.parts = PARTS.filter((p) => names.includes(p));
    } else if (arg === '--db' || arg.startsWith('--db=')) {
      const [value, next] = readValue(arg, '--db', i);
      i = next;
      if (!DBS.includes(value as (typeof DBS)[number]))
        throw new UsageError(`--db takes one of ${DBS.join(', ')}; got "${value}".\n${USAGE}`);
      args.dbs = value === 'both' ? ['sqlite', 'postgres'] : [value as TDbName];
    } else if (arg === '--cpu-prof' || arg.startsWith('--cpu-prof=')) {
      const dir = arg === '--cpu-prof' ? path.join(os.tmpdir(), `tocsin-bench-profiles-${Date.now()}`) : arg.slice('--cpu-prof='.length);
      if (dir === '') throw new UsageError(`--cpu-prof= needs a folder.\n${USAGE}`);
      args.cpuProfileDir = path.resolve(dir);
    } else {
      throw new UsageError(`Unknown argument "${arg}".\n${USAGE}`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = process.hrtime.bigint();
  const startLoad = describeLoad();
  const report = createReport();
  console.log(`${describeMachine()}; ${startLoad}`);
  console.log(`parts: ${args.parts.join(', ')}; databases: ${args.dbs.join(', ')}${args.small ? '; --small' : ''}`);
  if (args.cpuProfileDir) fs.mkdirSync(args.cpuProfileDir, { recursive: true });

  let pg: TPgServer | null = null;
  let failure: unknown = null;
  try {
    if (args.dbs.includes('postgres')) {
      pg = await startPgServer();
      console.log(`PostgreSQL: ${pg.describe}`);
      report.note(`PostgreSQL: ${pg.describe}.`);
    }
    const common = { small: args.small, pg, report };
    if (args.parts.includes('foundation')) {
      for (const db of args.dbs) await runFoundationBench({ ...common, db });
    }
    const deliveryScenarios = (['deliveries', 'hanging'] as const)
      .filter((p) => args.parts.includes(p))
      .map((p) => (p === 'deliveries' ? ('throughput' as const) : ('hanging' as const)));
    if (deliveryScenarios.length > 0) {
      await runDeliveriesBench({ ...common, dbs: args.dbs, scenarios: deliveryScenarios, cpuProfileDir: args.cpuProfileDir });
    }
    if (args.parts.includes('streams')) await runStreamsBench({ ...common, dbs: args.dbs });
    if (args.parts.includes('sla')) {
      for (const db of args.dbs) {
        const target = db === 'postgres' && pg ? await pg.createDatabase('sla') : null;
        await runSlaBench({ small: args.small, allDue: false, noAlerts: false, pgUrl: target?.url, report: common.report });
      }
    }
    if (args.parts.includes('rules')) {
      for (const db of args.dbs) await runRulesBench({ ...common, db });
    }
    if (args.parts.includes('floods')) {
      for (const db of args.dbs) await runFloodsBench({ ...common, db });
    }
    if (args.parts.includes('imports')) {
      for (const db of args.dbs) await runImportsBench({ ...common, db });
    }
  } catch (err) {
    failure = err;
  } finally {
    // Newest first: servers and databases, then the throw-away PostgreSQL they were on.
    await runCleanups();
  }
  printSummary(report, startLoad);
  if (args.cpuProfileDir) console.log(`\nCPU profiles (open in Chrome DevTools or speedscope): ${args.cpuProfileDir}`);
  console.log(`\nbench finished in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  if (failure !== null) {
    console.error('\nThe bench failed (figures above are what was measured before the failure):');
    console.error(failure instanceof Error ? (failure.stack ?? failure.message) : failure);
    return 1;
  }
  return 0;
}

// An interrupted run stops its servers and PostgreSQL and removes its files before exiting.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up…`);
    void runCleanups().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    void runCleanups().finally(() => process.exit(1));
  },
);
