/**
 * The SLA job benchmark: runSlaNotices() (apps/bff/src/sla/job.ts, the job's entry point) over 100,000 open
 * findings in 1,000 products, on a fresh SQLite file (or PostgreSQL with --pg <url>).
 *
 * Seeding writes rows with set-based SQL (it is not what is measured). Expiries are spread evenly over
 * 150 days around today, so about 7% of the findings are due a notice (the 3-day pre-breach window, the day, and
 * 7 days overdue); --all-due puts every finding in the window instead (the worst case: 100,000 sla_breach
 * events). The system record alerts on both SLA events, so every event also writes the alerts of everyone who
 * may see its product (20 superusers and global Readers, and the members of its product type).
 * Then the run is repeated at once: the second run must send nothing (each notice once per finding and day).
 *
 *   corepack pnpm exec tsx bench/sla.ts [--small] [--all-due] [--no-alerts] [--pg postgres://…]
 *   corepack pnpm bench -- --only sla [--small]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { createDeps } from '../src/app';
import type { Deps } from '../src/app-context';
import type { Database } from '../src/db/database';
import { openPostgresDatabase } from '../src/db/postgres';
import { openSqliteDatabase } from '../src/db/sqlite';
import { parseEnv } from '../src/env';
import { addDays, calendarDateIn } from '../src/lib/calendar-date';
import { createInProcessBus, createPostgresBus } from '../src/notifications/bus';
import { runSlaNotices } from '../src/sla/job';
import { type TReport, verdictBelow } from './report';
import { BENCH_SECRET_KEY } from './server-process';

type TSizes = { productTypes: number; productsPerType: number; findings: number; members: number; globalUsers: number };
const FULL: TSizes = { productTypes: 10, productsPerType: 100, findings: 100_000, members: 200, globalUsers: 20 };
const SMALL: TSizes = { productTypes: 10, productsPerType: 10, findings: 10_000, members: 50, globalUsers: 10 };
const SPREAD_DAYS = 150;

export type TSlaBenchOptions = {
  small: boolean;
  allDue: boolean;
  noAlerts: boolean;
  pgUrl?: string;
  /** The run's summary (bench/run.ts); absent when this file runs alone. */
  report?: TReport;
};

/** Issue 8: the daily job over 100,000 open findings in 1,000 products, under 10 s on these 2 cores. */
const TARGET_FIRST_RUN_MS = 10_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function seed(db: Database, sizes: TSizes, today: string, { allDue, noAlerts }: TSlaBenchOptions): Promise<void> {
  const now = Date.now();
  if (!noAlerts)
    await db.run(
      sql`insert into notification_settings (scope, event, channels) values ('system', 'sla_breach', 1), ('system', 'sla_breach_combined', 1)`,
    );
  for (let t = 1; t <= sizes.productTypes; t++) {
    await db.run(sql`insert into product_types (name, created_at) values (${`Type ${t}`}, ${now})`);
  }
  const productRows = [];
  for (let t = 1; t <= sizes.productTypes; t++) {
    for (let p = 1; p <= sizes.productsPerType; p++) productRows.push(sql`(${`Product ${t}-${p}`}, ${t}, ${now})`);
  }
  for (let i = 0; i < productRows.length; i += 500) {
    await db.run(sql`insert into products (name, product_type_id, created_at) values ${sql.join(productRows.slice(i, i + 500), sql`, `)}`);
  }
  const userRows = [];
  for (let u = 1; u <= sizes.globalUsers + sizes.members; u++) {
    const isGlobal = u <= sizes.globalUsers;
    userRows.push(
      sql`(${`user${u}`}, ${`user${u}@bench.test`}, 'x', ${isGlobal && u % 2 === 0 ? 1 : 0}, ${isGlobal && u % 2 === 1 ? 'Reader' : null}, ${now})`,
    );
  }
  await db.run(
    sql`insert into users (username, email, password_hash, is_superuser, global_role, created_at) values ${sql.join(userRows, sql`, `)}`,
  );
  // Members: each of the other users belongs to one product type.
  await db.run(sql`insert into product_type_members (user_id, product_type_id, role)
    select u.id, 1 + (u.id % ${sizes.productTypes}), 'Reader' from users u where u.id > ${sizes.globalUsers}`);
  await db.run(sql`insert into engagements (name, product_id, target_start, target_end, status, created_at)
    select 'CI', p.id, ${today}, ${today}, 'In Progress', ${now} from products p`);
  await db.run(sql`insert into tests (engagement_id, product_id, title, format, created_at, updated_at)
    select e.id, e.product_id, 'Semgrep', 'sarif', ${now}, ${now} from engagements e`);
  const products = sizes.productTypes * sizes.productsPerType;
  const severities = ['Critical', 'High', 'Medium', 'Low'];
  const BATCH = 1000;
  // A fixed-seed pseudo-random spread (mulberry32), so each product gets expiries all over the range.
  let state = 0x7ac5;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < sizes.findings; i += BATCH) {
    const rows = [];
    for (let n = i; n < Math.min(i + BATCH, sizes.findings); n++) {
      const testId = 1 + (n % products);
      const offset = allDue ? Math.floor(random() * 11) - 7 : Math.floor(random() * SPREAD_DAYS) - 30;
      const expires = addDays(today, offset);
      rows.push(
        sql`(${testId}, ${testId}, ${testId}, ${`Finding ${n}`}, ${severities[n % 4]}, 'Semgrep', ${`fp${n}`}, ${today}, ${today}, ${expires}, ${n % 3 === 0 ? 'verified' : 'active'}, ${now}, ${now})`,
      );
    }
    await db.run(sql`insert into findings (test_id, engagement_id, product_id, title, severity, tool, fingerprint, date_found, sla_start_date,
        sla_expires_on, status, created_at, updated_at)
      values ${sql.join(rows, sql`, `)}`);
  }
}

/** The SLA job bench; figures are printed, and only a second run that notifies again fails it. */
export async function runSlaBench(options: TSlaBenchOptions): Promise<void> {
  const { small, allDue, pgUrl } = options;
  const sizes = small ? SMALL : FULL;
  let db: Database;
  let deps: Deps;
  let cleanup: () => Promise<void>;
  // PostgreSQL deployments must share a SECRET_KEY (createDeps refuses to start without one); nothing stored is kept.
  const env = parseEnv({ NODE_ENV: 'production', SECRET_KEY: BENCH_SECRET_KEY }, { SEED_DEMO: false, WORKER_ENABLED: false });
  if (pgUrl) {
    const handle = await openPostgresDatabase(pgUrl, { max: 4 });
    const bus = await createPostgresBus(pgUrl);
    db = handle.db;
    deps = createDeps({ db, bus }, env);
    cleanup = async () => {
      await bus.close();
      await db.close();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-sla-bench-'));
    const handle = openSqliteDatabase(path.join(dir, 'bench.db'), { backgroundCheckpoints: true });
    db = handle.db;
    deps = createDeps({ db, bus: createInProcessBus() }, env);
    cleanup = async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const today = calendarDateIn(Date.now(), env.TIME_ZONE);
  console.log(
    `=== SLA job bench (${pgUrl ? 'PostgreSQL' : 'SQLite'}): ${sizes.findings.toLocaleString('en')} open findings, ` +
      `${(sizes.productTypes * sizes.productsPerType).toLocaleString('en')} products, ${sizes.globalUsers + sizes.members} users${allDue ? ', every finding due' : ''} ===`,
  );
  let t = performance.now();
  await seed(db, sizes, today, options);
  console.log(`seeded in ${seconds(performance.now() - t)}`);

  const rss = () => `${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB`;
  t = performance.now();
  const cpu = process.cpuUsage();
  const first = await runSlaNotices(deps);
  const firstMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const cpuText = `cpu ${seconds((used.user + used.system) / 1000)} in this process`;
  const alerts = Number((await db.get<{ n: number }>(sql`select count(*) as n from alerts`))?.n ?? 0);
  console.log(
    `first run:  ${seconds(firstMs)} — ${first.due} findings due, ${first.single} sla_breach + ${first.combined} sla_breach_combined events, ` +
      `${alerts.toLocaleString('en')} alerts (${cpuText}, rss ${rss()})`,
  );
  t = performance.now();
  const second = await runSlaNotices(deps);
  const secondMs = performance.now() - t;
  console.log(`second run: ${seconds(secondMs)} — ${second.single + second.combined} events (must be 0)`);
  const dbName = pgUrl ? 'postgres' : 'sqlite';
  const findings = `${sizes.findings.toLocaleString('en')} findings${allDue ? ', all due' : ''}`;
  options.report?.add({
    part: 'sla',
    db: dbName,
    figure: `daily SLA job, ${findings}: ${(first.single + first.combined).toLocaleString('en')} events, ${alerts.toLocaleString('en')} alerts`,
    value: seconds(firstMs),
    // The target is for the full size; a --small run is only printed.
    target: small || allDue ? '—' : `< ${seconds(TARGET_FIRST_RUN_MS)}`,
    verdict: small || allDue ? '—' : verdictBelow(firstMs, TARGET_FIRST_RUN_MS),
  });
  options.report?.add({
    part: 'sla',
    db: dbName,
    figure: 'the same day again (every notice already sent)',
    value: seconds(secondMs),
    target: '0 events',
    verdict: second.single + second.combined === 0 ? 'meets' : 'MISSES',
  });
  await cleanup();
  if (second.single + second.combined !== 0) throw new Error('The second run notified again.');
}

// Run directly (tsx bench/sla.ts …), not when bench/run.ts imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const pgIndex = argv.indexOf('--pg');
  runSlaBench({
    small: argv.includes('--small'),
    allDue: argv.includes('--all-due'),
    noAlerts: argv.includes('--no-alerts'),
    pgUrl: pgIndex >= 0 ? argv[pgIndex + 1] : undefined,
  }).catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
