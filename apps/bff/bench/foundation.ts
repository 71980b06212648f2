/**
 * The foundation benchmark: fan-out of one event, and the alert list of a user with 100,000 alerts,
 * on a large SQLite database (10,000 users, 1,000 products, 1,000,000 alerts).
 *
 * Seeding uses raw prepared statements (it is not what is measured); every measured operation goes
 * through the code users hit: dispatchEvent() for fan-out, the HTTP handlers (called in-process with
 * app.request and an API token) for the bell, the list, remove and clear.
 * Speed is reported, never asserted: a missed target is a finding, not a failure. Only errors (a call
 * that fails, a count that is not what the setup implies) make the bench exit non-zero.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import { createApp, createDeps } from '../src/app';
import type { Deps } from '../src/app-context';
import { hashPassword } from '../src/auth/passwords';
import { generateApiKey } from '../src/auth/sessions';
import { openSqliteDatabase } from '../src/db/sqlite';
import { parseEnv } from '../src/env';
import { createInProcessBus } from '../src/notifications/bus';
import { dispatchEvent } from '../src/notifications/dispatch';

type Sqlite = ReturnType<typeof openSqliteDatabase>['sqlite'];

export type TFoundationOptions = {
  /** 10× less data (and fewer runs): a quick check that the bench works. */
  small: boolean;
};

type TSizes = {
  users: number;
  productTypes: number;
  productsPerType: number;
  /** The "team" product is visible to viaProduct + viaProductType users. */
  viaProduct: number;
  viaProductType: number;
  alerts: number;
  heavyAlerts: number;
  removeBatch: number;
  pageSize: number;
  alertBatch: number;
};

type TRuns = { fanOut: number; reads: number; remove: number; clear: number; fanOutWarmup: number; readWarmup: number };

const FULL_SIZES: TSizes = {
  users: 10_000,
  productTypes: 100,
  productsPerType: 10,
  viaProduct: 1_000,
  viaProductType: 1_000,
  alerts: 1_000_000,
  heavyAlerts: 100_000,
  removeBatch: 1_000,
  pageSize: 25,
  alertBatch: 50_000,
};

const SMALL_SIZES: TSizes = {
  users: 1_000,
  productTypes: 10,
  productsPerType: 10,
  viaProduct: 100,
  viaProductType: 100,
  alerts: 100_000,
  heavyAlerts: 10_000,
  removeBatch: 100,
  pageSize: 25,
  alertBatch: 50_000,
};

const FULL_RUNS: TRuns = { fanOut: 15, reads: 200, remove: 20, clear: 5, fanOutWarmup: 2, readWarmup: 20 };
const SMALL_RUNS: TRuns = { fanOut: 5, reads: 50, remove: 5, clear: 2, fanOutWarmup: 1, readWarmup: 5 };

/** Targets from the issue, in ms; null = reported without a target. */
const TARGETS = { fanOutRatio: 3, summary: 2, page: 10, remove: 50 } as const;

const FAN_OUT_EVENT = 'scan_added';
const HEAVY_USER_ID = 1;
const DAY_MS = 86_400_000;
/** Bench-only side table in the bench database (not part of the app schema). */
const HEAVY_BACKUP = 'bench_heavy_alerts';

// ---------------------------------------------------------------------------
// Measuring

type TStats = { runs: number; median: number; p99: number; min: number; max: number };

/** Median, and p99 by nearest rank (with fewer than 100 runs, p99 is the slowest run). */
function summarize(samples: readonly number[]): TStats {
  if (samples.length === 0) throw new Error('No samples to summarize.');
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const p99 = sorted[Math.min(n - 1, Math.ceil(0.99 * n) - 1)]!;
  return { runs: n, median, p99, min: sorted[0]!, max: sorted[n - 1]! };
}

const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: elapsedMs(start), value };
}

function timeSync<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: elapsedMs(start), value };
}

type TRow = { operation: string; stats: TStats; target: string; verdict: string };

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtInt = (n: number) => n.toLocaleString('en-US');

function verdictUnder(stats: TStats, targetMs: number): string {
  return stats.median < targetMs ? 'meets' : 'MISSES';
}

function printTable(rows: readonly TRow[]) {
  const header = ['operation', 'runs', 'median ms', 'p99 ms', 'target', 'verdict'];
  const cells = rows.map((r) => [r.operation, String(r.stats.runs), fmtMs(r.stats.median), fmtMs(r.stats.p99), r.target, r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = new Set([1, 2, 3]);
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

// ---------------------------------------------------------------------------
// Memory

function readStatusKiB(field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Linux resets VmHWM to the current RSS when "5" is written to clear_refs; false where that is not allowed. */
function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Timings on a shared machine are only as good as its quietness, so the load is printed with them. */
function describeLoad(): string {
  const [one, five] = os.loadavg();
  const busy = (one ?? 0) > os.cpus().length ? ' (busy machine: expect noisy p99)' : '';
  return `load average ${one?.toFixed(2)} (1 min), ${five?.toFixed(2)} (5 min)${busy}`;
}

const fmtMiB = (kib: number | null) => (kib === null ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);

// ---------------------------------------------------------------------------
// Seeding (raw prepared statements in transactions; not measured against targets)

type TSeed = {
  /** Users who may view the team product (product members + product type members). */
  teamProductId: number;
  teamRecipients: number[];
  /** A product in the product type every user is a member of. */
  sharedProductId: number;
  allRecipients: number[];
  heavyKey: string;
};

const ALERT_SOURCES = [
  { source: 'Scan Added', icon: 'scan', title: (n: number) => `Scan added: ${n % 17} new findings in ZAP Scan` },
  { source: 'Engagement Added', icon: 'calendar', title: (n: number) => `Engagement "Q${(n % 4) + 1} pentest" added` },
  { source: 'SLA Breach', icon: 'alert-triangle', title: (n: number) => `SLA breached for finding #${n}` },
  { source: 'Test Added', icon: 'flask', title: (n: number) => `Test "Nightly DAST" added to engagement ${n % 500}` },
];

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same data. */
function createRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function prepareAlertInsert(sqlite: Sqlite) {
  return sqlite.prepare<[number, string, string, string, string, string, number]>(
    `insert into alerts (user_id, event_id, title, description, url, source, icon, created_at)
     values (?, null, ?, ?, ?, ?, ?, ?)`,
  );
}

/** Insert `total` alerts whose owner is chosen by `ownerOf(n)`, in transactions of `batch` rows; oldest first. */
function insertAlerts(sqlite: Sqlite, total: number, batch: number, startMs: number, spanMs: number, ownerOf: (n: number) => number) {
  const insert = prepareAlertInsert(sqlite);
  const insertBatch = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const kind = ALERT_SOURCES[n % ALERT_SOURCES.length]!;
      const productId = (n % 1000) + 1;
      insert.run(
        ownerOf(n),
        kind.title(n),
        `**${kind.source}** on product ${productId}.\n\nSeverity: ${['Critical', 'High', 'Medium', 'Low'][n % 4]}. See the product page for details.`,
        `/products/${productId}/findings?page=${(n % 9) + 1}`,
        kind.source,
        kind.icon,
        startMs + Math.floor((n / total) * spanMs),
      );
    }
  });
  for (let from = 0; from < total; from += batch) insertBatch(from, Math.min(total, from + batch));
}

async function seedDatabase(deps: Deps, sqlite: Sqlite, sizes: TSizes, log: (line: string) => void): Promise<TSeed> {
  const now = deps.now();
  const random = createRandom(20_240_601);
  // One real scrypt hash shared by every account: logins are not measured, and 10,000 scrypt runs would take minutes.
  const passwordHash = await hashPassword('bench-password-123');

  let t = process.hrtime.bigint();
  const insertUser = sqlite.prepare<[number, string, string, string, string, string, number]>(
    `insert into users (id, username, email, first_name, last_name, password_hash, is_active, is_superuser, global_role, created_at)
     values (?, ?, ?, ?, ?, ?, 1, 0, null, ?)`,
  );
  sqlite.transaction(() => {
    for (let id = 1; id <= sizes.users; id++) {
      const username = id === HEAVY_USER_ID ? 'heavy' : `user${String(id).padStart(5, '0')}`;
      insertUser.run(id, username, `${username}@bench.example`, 'Bench', `User ${id}`, passwordHash, now - DAY_MS * 365);
    }
  })();
  log(`users: ${fmtInt(sizes.users)} in ${fmtMs(elapsedMs(t))} ms`);

  t = process.hrtime.bigint();
  const insertType = sqlite.prepare<[number, string, number]>('insert into product_types (id, name, created_at) values (?, ?, ?)');
  const insertProduct = sqlite.prepare<[number, string, number, number]>(
    'insert into products (id, name, product_type_id, created_at) values (?, ?, ?, ?)',
  );
  const productCount = sizes.productTypes * sizes.productsPerType;
  sqlite.transaction(() => {
    for (let id = 1; id <= sizes.productTypes; id++) insertType.run(id, `Product type ${String(id).padStart(3, '0')}`, now);
    for (let id = 1; id <= productCount; id++) {
      insertProduct.run(id, `Product ${String(id).padStart(4, '0')}`, Math.ceil(id / sizes.productsPerType), now);
    }
  })();

  // The team product: product 1 in product type 1. The shared product: the last one, in the last product type.
  const teamProductId = 1;
  const teamTypeId = 1;
  const sharedTypeId = sizes.productTypes;
  const sharedProductId = productCount;
  const insertPm = sqlite.prepare<[number, number, string]>(
    'insert or ignore into product_members (user_id, product_id, role) values (?, ?, ?)',
  );
  const insertPtm = sqlite.prepare<[number, number, string]>(
    'insert or ignore into product_type_members (user_id, product_type_id, role) values (?, ?, ?)',
  );
  const teamRecipients: number[] = [];
  const allRecipients: number[] = [];
  sqlite.transaction(() => {
    for (let userId = 1; userId <= sizes.users; userId++) {
      allRecipients.push(userId);
      // Users 2.. are the team: the first block by product membership, the next by product type membership.
      if (userId >= 2 && userId < 2 + sizes.viaProduct) {
        insertPm.run(userId, teamProductId, 'Writer');
        teamRecipients.push(userId);
      } else if (userId >= 2 + sizes.viaProduct && userId < 2 + sizes.viaProduct + sizes.viaProductType) {
        insertPtm.run(userId, teamTypeId, 'Reader');
        teamRecipients.push(userId);
      }
      insertPtm.run(userId, sharedTypeId, 'Reader');
      // Background memberships, so the membership tables have a realistic size; never type 1, the shared type
      // or a product of type 1, so they do not change who may view the team product.
      for (let k = 0; k < 2; k++) {
        const productId = sizes.productsPerType + 1 + Math.floor(random() * (productCount - 2 * sizes.productsPerType));
        insertPm.run(userId, productId, 'Reader');
      }
      const typeId = 2 + Math.floor(random() * (sizes.productTypes - 2));
      insertPtm.run(userId, typeId, 'Reader');
    }
  })();
  const pmCount = sqlite.prepare('select count(*) as n from product_members').get() as { n: number };
  const ptmCount = sqlite.prepare('select count(*) as n from product_type_members').get() as { n: number };
  log(
    `product types: ${sizes.productTypes}, products: ${fmtInt(productCount)}, product memberships: ${fmtInt(pmCount.n)}, ` +
      `product type memberships: ${fmtInt(ptmCount.n)} in ${fmtMs(elapsedMs(t))} ms`,
  );

  t = process.hrtime.bigint();
  const insertSetting = sqlite.prepare<[string, number | null, string, number]>(
    'insert into notification_settings (scope, user_id, event, channels) values (?, ?, ?, ?)',
  );
  let settingRows = 0;
  sqlite.transaction(() => {
    for (const event of EVENT_NAMES) {
      insertSetting.run('system', null, event, 0);
      insertSetting.run('template', null, event, 1);
      settingRows += 2;
    }
    // Every user's personal record as the template would have copied it: `alert` for every event.
    for (let userId = 1; userId <= sizes.users; userId++) {
      for (const event of EVENT_NAMES) {
        insertSetting.run('personal', userId, event, 1);
        settingRows++;
      }
    }
  })();
  log(`notification settings: ${fmtInt(settingRows)} rows in ${fmtMs(elapsedMs(t))} ms`);

  t = process.hrtime.bigint();
  // One alert in ten belongs to the heavy user, the rest round-robin over everybody else, so the heavy
  // user's rows are interleaved with the others' as they would be in a real table.
  const stride = sizes.alerts / sizes.heavyAlerts;
  const others = sizes.users - 1;
  let nextOther = 0;
  insertAlerts(sqlite, sizes.alerts, sizes.alertBatch, now - 90 * DAY_MS, 90 * DAY_MS, (n) =>
    n % stride === 0 ? HEAVY_USER_ID : 2 + (nextOther++ % others),
  );
  const alertMs = elapsedMs(t);
  log(`alerts: ${fmtInt(sizes.alerts)} (${fmtInt(sizes.heavyAlerts)} for the heavy user) in ${fmtMs(alertMs)} ms`);

  const { key, prefix, keyHash } = generateApiKey();
  sqlite
    .prepare('insert into api_tokens (user_id, name, prefix, key_hash, created_at) values (?, ?, ?, ?, ?)')
    .run(HEAVY_USER_ID, 'bench', prefix, keyHash, now);

  return { teamProductId, teamRecipients, sharedProductId, allRecipients, heavyKey: key };
}

function countUserAlerts(sqlite: Sqlite, userId: number): number {
  return (sqlite.prepare('select count(*) as n from alerts where user_id = ?').get(userId) as { n: number }).n;
}

function checkpoint(sqlite: Sqlite) {
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
}

// ---------------------------------------------------------------------------
// The API, in-process

type TApp = ReturnType<typeof createApp>;

/** One request as a browser or integration would send it; returns the parsed body and the time to the full body. */
async function callApi<T>(app: TApp, key: string, method: string, url: string, body?: unknown): Promise<{ ms: number; body: T }> {
  const headers: Record<string, string> = { Authorization: `Token ${key}` };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const start = process.hrtime.bigint();
  const res = await app.request(`http://localhost${url}`, init);
  const text = await res.text();
  const ms = elapsedMs(start);
  if (res.status !== 200) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return { ms, body: JSON.parse(text) as T };
}

type TSummaryBody = { count: number; items: { id: number }[] };
type TPageBody = { items: { id: number }[]; total: number; page: number; page_size: number };
type TRemovedBody = { removed: number; count: number };

// ---------------------------------------------------------------------------
// The bench

export async function runFoundationBench(options: TFoundationOptions): Promise<void> {
  const sizes = options.small ? SMALL_SIZES : FULL_SIZES;
  const runs = options.small ? SMALL_RUNS : FULL_RUNS;
  const log = (line: string) => console.log(`  ${line}`);

  console.log(`\n=== Foundation bench${options.small ? ' (--small: 10× less data, fewer runs)' : ''} ===`);
  console.log(`node ${process.version}, ${os.cpus().length} CPU(s), ${os.platform()} ${os.arch()}; ${describeLoad()}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-bench-'));
  const file = path.join(dir, 'bench.db');
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  // An interrupted run must not leave a large database file behind.
  const onSignal = () => {
    removeDir();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const handle = openSqliteDatabase(file);
  try {
    // Retention off: the default (999 newest per user) would trim the 100,000-alert list this bench is about.
    // The worker and scheduler are not started (createApp does not start them), so nothing else writes meanwhile.
    const env = parseEnv({ NODE_ENV: 'production' }, { DATABASE_PATH: file, SEED_DEMO: false, WORKER_ENABLED: false, ALERT_RETENTION: -1 });
    const deps = createDeps({ db: handle.db, bus: createInProcessBus() }, env);
    const app = createApp(deps);
    const { sqlite } = handle;

    console.log(`\nSeeding ${file} (SQLite, WAL, synchronous=NORMAL, as openDatabase sets it)`);
    const seedStart = process.hrtime.bigint();
    const seed = await seedDatabase(deps, sqlite, sizes, log);
    checkpoint(sqlite);
    const seedMs = elapsedMs(seedStart);
    log(`total seeding: ${(seedMs / 1000).toFixed(1)} s; database file ${(fs.statSync(file).size / 1024 / 1024).toFixed(0)} MiB`);
    const heavyCount = countUserAlerts(sqlite, HEAVY_USER_ID);
    if (heavyCount !== sizes.heavyAlerts)
      throw new Error(`The heavy user has ${heavyCount} alerts after seeding, not ${sizes.heavyAlerts}.`);
    // A copy of the heavy user's rows, to put them back with their original ids between remove and clear runs:
    // rows appended at the end of the table would sit together, and clearing them would be unrealistically cheap.
    sqlite.exec(`create table ${HEAVY_BACKUP} as select * from alerts where user_id = ${HEAVY_USER_ID}`);
    checkpoint(sqlite);

    const peakAfterSeedKiB = readStatusKiB('VmHWM');
    const peakReset = resetPeakRss();

    console.log('\nSetup');
    log(
      `fan-out event: "${FAN_OUT_EVENT}" (broadcast, with a product). System record: no channels. Every user's personal record: ` +
        '`alert` for every event (as copied from the template); external channels are off in system settings, so fan-out writes alerts only.',
    );
    log(
      `${fmtInt(seed.teamRecipients.length)} recipients: product ${seed.teamProductId} (product type 1) is visible to ` +
        `${fmtInt(sizes.viaProduct)} users through product membership and ${fmtInt(sizes.viaProductType)} through membership of its product type; ` +
        'nobody is superuser or has a global role, so RBAC is evaluated for every user.',
    );
    log(
      `${fmtInt(seed.allRecipients.length)} recipients: product ${seed.sharedProductId} is in product type ${sizes.productTypes}, ` +
        'of which every user is a member.',
    );
    log(
      'floor: the same alert rows (same columns and values) inserted with one prepared INSERT run per row inside one transaction. ' +
        'Floor and fan-out runs alternate; the rows written by each run are deleted (not timed) before the next.',
    );
    log(
      `alert list: user "heavy" (id ${HEAVY_USER_ID}) with ${fmtInt(sizes.heavyAlerts)} alerts, one in every ${sizes.alerts / sizes.heavyAlerts} ` +
        'rows of the table; requests go through createApp() in-process with an API token (auth included in the time).',
    );
    log(
      `remove: ${runs.remove} runs, each a fresh selection of ${fmtInt(sizes.removeBatch)} of the heavy user's ids scattered over the whole list. ` +
        `clear: before each run the heavy user's ${fmtInt(sizes.heavyAlerts)} alerts are put back with their original ids (not timed).`,
    );

    const rows: TRow[] = [];
    const ratios: string[] = [];

    // --- Fan-out vs floor --------------------------------------------------
    console.log('\nMeasuring fan-out…');
    const maxId = () => (sqlite.prepare('select coalesce(max(id), 0) as id from alerts').get() as { id: number }).id;
    const deleteAfter = sqlite.prepare<[number]>('delete from alerts where id > ?');
    const floorInsert = prepareAlertInsert(sqlite);
    const title = 'Scan added: 42 new findings in ZAP Scan';
    const description = '**ZAP Scan** imported into engagement "Nightly". 42 new, 3 closed, 120 untouched.';
    const url = '/products/1/findings';
    const floorRun = sqlite.transaction((recipients: readonly number[], createdAt: number) => {
      for (const userId of recipients) floorInsert.run(userId, title, description, url, 'Scan Added', 'scan', createdAt);
    });

    for (const [label, productId, recipients] of [
      ['2,000', seed.teamProductId, seed.teamRecipients],
      ['10,000', seed.sharedProductId, seed.allRecipients],
    ] as const) {
      const count = recipients.length;
      const fanOut: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < runs.fanOutWarmup + runs.fanOut; i++) {
        const before = maxId();
        const f = timeSync(() => floorRun(recipients, deps.now()));
        deleteAfter.run(before);
        const d = await timeAsync(() => dispatchEvent(deps, { event: FAN_OUT_EVENT, title, description, url, productId }));
        deleteAfter.run(before);
        if (d.value.alertsCreated !== count || d.value.duplicate) {
          throw new Error(`dispatchEvent for product ${productId} created ${d.value.alertsCreated} alerts, expected ${count}.`);
        }
        if (i >= runs.fanOutWarmup) {
          floor.push(f.ms);
          fanOut.push(d.ms);
        }
      }
      const fanStats = summarize(fanOut);
      const floorStats = summarize(floor);
      const ratio = fanStats.median / floorStats.median;
      const shown = options.small ? fmtInt(count) : label;
      rows.push({ operation: `floor: insert ${shown} alert rows`, stats: floorStats, target: '—', verdict: '—' });
      rows.push({
        operation: `fan-out to ${shown} (dispatchEvent)`,
        stats: fanStats,
        target: `≤ ${TARGETS.fanOutRatio}× floor`,
        verdict: ratio <= TARGETS.fanOutRatio ? `meets (${ratio.toFixed(2)}×)` : `MISSES (${ratio.toFixed(2)}×)`,
      });
      ratios.push(`fan-out to ${shown}: median ${fmtMs(fanStats.median)} ms / floor ${fmtMs(floorStats.median)} ms = ${ratio.toFixed(2)}×`);
    }
    checkpoint(sqlite);

    // --- Reads -------------------------------------------------------------
    console.log('Measuring reads…');
    const key = seed.heavyKey;
    const lastPage = Math.ceil(sizes.heavyAlerts / sizes.pageSize);
    const deepPage = Math.ceil(lastPage / 2);
    const reads: { operation: string; url: string; target: number | null; check: (body: unknown) => void }[] = [
      {
        // Not in the issue: what routing, token auth and JSON cost on their own, to read the other rows against.
        operation: 'reference: GET /api/me (auth + routing only)',
        url: '/api/me',
        target: null,
        check: (body) => {
          const id = (body as { id?: number }).id;
          if (id !== HEAVY_USER_ID) throw new Error(`GET /api/me answered user ${id}, not the heavy user.`);
        },
      },
      {
        operation: 'bell: count + newest 12 (summary)',
        url: '/api/alerts/summary?limit=12',
        target: TARGETS.summary,
        check: (body) => {
          const b = body as TSummaryBody;
          if (b.count !== sizes.heavyAlerts || b.items.length !== 12) {
            throw new Error(`summary answered count ${b.count} with ${b.items.length} items; expected ${sizes.heavyAlerts} and 12.`);
          }
        },
      },
      ...[1, deepPage, lastPage].map((page) => ({
        operation: `alerts page ${fmtInt(page)} of ${fmtInt(lastPage)} (25 per page)`,
        url: `/api/alerts?page=${page}&page_size=${sizes.pageSize}`,
        target: TARGETS.page,
        check: (body: unknown) => {
          const b = body as TPageBody;
          if (b.total !== sizes.heavyAlerts || b.items.length !== sizes.pageSize || b.page !== page) {
            throw new Error(`page ${page} answered total ${b.total}, ${b.items.length} items, page ${b.page}.`);
          }
        },
      })),
    ];
    for (const read of reads) {
      const samples: number[] = [];
      for (let i = 0; i < runs.readWarmup + runs.reads; i++) {
        const { ms, body } = await callApi(app, key, 'GET', read.url);
        if (i === 0) read.check(body);
        if (i >= runs.readWarmup) samples.push(ms);
      }
      const stats = summarize(samples);
      rows.push(
        read.target === null
          ? { operation: read.operation, stats, target: '—', verdict: '—' }
          : { operation: read.operation, stats, target: `< ${read.target} ms`, verdict: verdictUnder(stats, read.target) },
      );
    }

    // --- Remove selected -----------------------------------------------------
    console.log('Measuring remove…');
    const heavyIds = (sqlite.prepare('select id from alerts where user_id = ? order by id').all(HEAVY_USER_ID) as { id: number }[]).map(
      (r) => r.id,
    );
    const shuffle = createRandom(7);
    for (let i = heavyIds.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle() * (i + 1));
      [heavyIds[i], heavyIds[j]] = [heavyIds[j]!, heavyIds[i]!];
    }
    const removeSamples: number[] = [];
    let expectedCount = sizes.heavyAlerts;
    for (let i = 0; i < runs.remove; i++) {
      // A fresh selection each run: ids scattered over the whole list, as picked across several pages.
      const ids = heavyIds.slice(i * sizes.removeBatch, (i + 1) * sizes.removeBatch);
      const { ms, body } = await callApi<TRemovedBody>(app, key, 'POST', '/api/alerts/remove', { ids });
      expectedCount -= sizes.removeBatch;
      if (body.removed !== sizes.removeBatch || body.count !== expectedCount) {
        throw new Error(
          `remove answered removed ${body.removed}, count ${body.count}; expected ${sizes.removeBatch} and ${expectedCount}.`,
        );
      }
      removeSamples.push(ms);
    }
    const removeStats = summarize(removeSamples);
    rows.push({
      operation: `remove ${fmtInt(sizes.removeBatch)} selected (POST /api/alerts/remove)`,
      stats: removeStats,
      target: `< ${TARGETS.remove} ms`,
      verdict: verdictUnder(removeStats, TARGETS.remove),
    });
    checkpoint(sqlite);

    // --- Clear all -----------------------------------------------------------
    console.log('Measuring clear…');
    const clearSamples: number[] = [];
    const restoreHeavy = sqlite.prepare(`insert or ignore into alerts select * from ${HEAVY_BACKUP}`);
    for (let i = 0; i < runs.clear; i++) {
      // Put the heavy user's alerts back where they were (not timed): same ids, interleaved with everybody else's.
      sqlite.transaction(() => restoreHeavy.run())();
      checkpoint(sqlite);
      const { ms, body } = await callApi<TRemovedBody>(app, key, 'DELETE', '/api/alerts');
      if (body.removed !== sizes.heavyAlerts || body.count !== 0) {
        throw new Error(`clear answered removed ${body.removed}, count ${body.count}; expected ${sizes.heavyAlerts} and 0.`);
      }
      clearSamples.push(ms);
    }
    rows.push({
      operation: `clear ${fmtInt(sizes.heavyAlerts)} (DELETE /api/alerts)`,
      stats: summarize(clearSamples),
      target: '—',
      verdict: '—',
    });

    // --- Report --------------------------------------------------------------
    const peakKiB = readStatusKiB('VmHWM');
    const rssKiB = readStatusKiB('VmRSS');
    console.log(`\nResults (ms; p99 by nearest rank: with fewer than 100 runs it is the slowest run); ${describeLoad()}\n`);
    printTable(rows);
    console.log('\nFan-out against the floor');
    for (const r of ratios) log(r);
    console.log('\nMemory (this process is the BFF: app, database connection and bench harness)');
    if (peakReset) {
      log(`peak RSS (VmHWM) while measuring: ${fmtMiB(peakKiB)}`);
      log(`peak RSS (VmHWM) during seeding:  ${fmtMiB(peakAfterSeedKiB)}`);
    } else {
      log(`peak RSS (VmHWM), seeding included: ${fmtMiB(peakKiB)}`);
    }
    log(`RSS at the end: ${fmtMiB(rssKiB)}`);
    log(`seeding time: ${(seedMs / 1000).toFixed(1)} s`);
  } finally {
    handle.sqlite.close();
    removeDir();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  console.log(`  database removed: ${!fs.existsSync(dir)}`);
}
