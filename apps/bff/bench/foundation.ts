/**
 * The foundation benchmark: fan-out of one event, and the alert list of a user with 100,000 alerts, on a large
 * database (10,000 users, 1,000 products, 1,000,000 alerts), on SQLite and on PostgreSQL.
 *
 * Seeding is raw and set-based (it is not what is measured; foundation-sqlite.ts, foundation-postgres.ts); every
 * measured operation goes through the code users hit: dispatchEvent() for fan-out, the HTTP handlers (called
 * in-process with app.request and an API token, so the time is server time) for the bell, the list, remove and
 * clear. Speed is reported, never asserted: a missed target is a finding, not a failure. Only errors (a call that
 * fails, a count that is not what the setup implies) make the bench exit non-zero.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/app';
import { SESSION_COOKIE, sha256 } from '../src/auth/sessions';
import { insertRow } from '../src/db/rows';
import { sessions } from '../src/db/schema';
import { dispatchEvent } from '../src/notifications/dispatch';
import {
  createRandom,
  DAY_MS,
  eventCount,
  FAN_OUT_ALERT,
  FULL_SIZES,
  HEAVY_USER_ID,
  SMALL_SIZES,
  type TFoundationStore,
  type TSizes,
} from './foundation-data';
import { openPostgresFoundation } from './foundation-postgres';
import { openSqliteFoundation } from './foundation-sqlite';
import type { TPgServer } from './postgres-server';
import {
  describeLoad,
  elapsedMs,
  fmtInt,
  fmtMiB,
  fmtMs,
  printTable,
  readProcMemory,
  resetPeakMemory,
  summarize,
  type TDbName,
  type TReport,
  type TStats,
  verdictBelow,
} from './report';

export type TFoundationOptions = {
  db: TDbName;
  /** 10× less data (and fewer runs): a quick check that the bench works. */
  small: boolean;
  /** Needed for db = postgres. */
  pg: TPgServer | null;
  report: TReport;
};

type TRuns = { fanOut: number; reads: number; remove: number; clear: number; fanOutWarmup: number; readWarmup: number };

const FULL_RUNS: TRuns = { fanOut: 15, reads: 200, remove: 20, clear: 5, fanOutWarmup: 2, readWarmup: 20 };
const SMALL_RUNS: TRuns = { fanOut: 5, reads: 50, remove: 5, clear: 2, fanOutWarmup: 1, readWarmup: 5 };

/** Targets from the issue, in ms; the fan-out's is a ratio to the floor. */
const TARGETS = { fanOutRatio: 3, summary: 2, page: 10, remove: 50, filtered: 50 } as const;

const FAN_OUT_EVENT = 'scan_added';
/** Bench-only side table in the bench database (not part of the app schema). */
const HEAVY_BACKUP = 'bench_heavy_alerts';

type TRow = { operation: string; stats: TStats; target: string; verdict: string };

// ---------------------------------------------------------------------------
// The API, in-process

type TApp = ReturnType<typeof createApp>;

/** An integration's API token, or a browser's session cookie (GET only here: a cookie write would need the CSRF token). */
type TCaller = { token: string } | { cookie: string };

/** One request as a browser or integration would send it; returns the parsed body and the time to the full body. */
async function callApi<T>(app: TApp, caller: TCaller, method: string, url: string, body?: unknown): Promise<{ ms: number; body: T }> {
  const headers: Record<string, string> =
    'token' in caller ? { Authorization: `Token ${caller.token}` } : { Cookie: `${SESSION_COOKIE}=${caller.cookie}` };
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
  const label = options.db === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  console.log(`\n=== Foundation bench on ${label}${options.small ? ' (--small: 10× less data, fewer runs)' : ''} ===`);
  console.log(`  ${describeLoad()}`);
  let store: TFoundationStore;
  if (options.db === 'sqlite') {
    store = openSqliteFoundation();
  } else {
    if (!options.pg) throw new Error('The foundation bench on PostgreSQL needs a server.');
    store = await openPostgresFoundation(options.pg);
  }
  try {
    await measure(store, options);
  } finally {
    await store.close();
  }
}

async function measure(store: TFoundationStore, options: TFoundationOptions): Promise<void> {
  const sizes = options.small ? SMALL_SIZES : FULL_SIZES;
  const runs = options.small ? SMALL_RUNS : FULL_RUNS;
  const log = (line: string) => console.log(`  ${line}`);
  const { deps } = store;
  const db = deps.db;
  const app = createApp(deps);
  const part = 'foundation';
  const dbName = store.dialect;

  console.log(`\nSeeding ${store.describe}`);
  const seedStart = process.hrtime.bigint();
  const seed = await store.seed(sizes, log);
  await store.settle();
  const seedMs = elapsedMs(seedStart);
  log(`total seeding: ${(seedMs / 1000).toFixed(1)} s; database ${((await store.sizeOnDisk()) / 1024 / 1024).toFixed(0)} MiB on disk`);

  const countAlerts = async (userId: number) =>
    (await db.get<{ n: number }>(sql`select count(*) as n from alerts where user_id = ${userId}`))?.n ?? 0;
  const heavyCount = await countAlerts(HEAVY_USER_ID);
  if (heavyCount !== sizes.heavyAlerts) throw new Error(`The heavy user has ${heavyCount} alerts after seeding, not ${sizes.heavyAlerts}.`);
  const total = (await db.get<{ n: number }>(sql`select count(*) as n from alerts`))?.n ?? 0;
  if (total !== sizes.alerts) throw new Error(`${total} alerts after seeding, not ${sizes.alerts}.`);
  // A copy of the heavy user's rows, to put them back with their original ids between remove and clear runs:
  // rows appended at the end of the table would sit together, and clearing them would be unrealistically cheap.
  await db.run(sql.raw(`create table ${HEAVY_BACKUP} as select * from alerts where user_id = ${HEAVY_USER_ID}`));
  await store.settle();

  const peakAfterSeedKiB = readProcMemory('self')?.hwmKiB ?? null;
  const peakReset = resetPeakMemory('self');

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
    store.dialect === 'sqlite'
      ? 'floor: the same alert rows (same columns and values) inserted with one prepared INSERT run per row inside one transaction. '
      : 'floor: the same alert rows (same columns and values) inserted with ONE INSERT … SELECT FROM unnest($user_ids) inside one transaction. ',
  );
  log(
    'Floor and fan-out runs alternate; the rows written by each run are deleted (not timed) before the next, and on SQLite ' +
      'each run starts with the WAL copied back (not timed), as the server’s checkpoint thread keeps it between events.',
  );
  log(
    `alert list: user "heavy" (id ${HEAVY_USER_ID}) with ${fmtInt(sizes.heavyAlerts)} alerts, one in every ${sizes.alerts / sizes.heavyAlerts} ` +
      'rows of the table; requests go through createApp() in-process with an API token (auth included in the time; a token records its last use, a write), the bell also with a session cookie.',
  );
  log(
    `remove: ${runs.remove} runs, each a fresh selection of ${fmtInt(sizes.removeBatch)} of the heavy user's ids scattered over the whole list. ` +
      `clear: before each run the heavy user's ${fmtInt(sizes.heavyAlerts)} alerts are put back with their original ids (not timed).`,
  );

  const rows: TRow[] = [];
  const ratios: string[] = [];

  // --- Fan-out vs floor --------------------------------------------------
  console.log('\nMeasuring fan-out…');
  const maxId = async () => (await db.get<{ id: number }>(sql`select coalesce(max(id), 0) as id from alerts`))?.id ?? 0;
  const deleteAfter = (id: number) => db.run(sql`delete from alerts where id > ${id}`);
  const a = FAN_OUT_ALERT;

  for (const [productId, recipients] of [
    [seed.teamProductId, seed.teamRecipients],
    [seed.sharedProductId, seed.allRecipients],
  ] as const) {
    const count = recipients.length;
    const fanOut: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs.fanOutWarmup + runs.fanOut; i++) {
      const before = await maxId();
      await store.quiesce();
      const floorMs = await store.insertFloor(recipients, deps.now());
      await deleteAfter(before);
      await store.quiesce();
      const start = process.hrtime.bigint();
      const result = await dispatchEvent(deps, { event: FAN_OUT_EVENT, title: a.title, description: a.description, url: a.url, productId });
      const fanOutMs = elapsedMs(start);
      await deleteAfter(before);
      if (result.alertsCreated !== count || result.duplicate) {
        throw new Error(`dispatchEvent for product ${productId} created ${result.alertsCreated} alerts, expected ${count}.`);
      }
      if (i >= runs.fanOutWarmup) {
        floor.push(floorMs);
        fanOut.push(fanOutMs);
      }
    }
    const fanStats = summarize(fanOut);
    const floorStats = summarize(floor);
    const ratio = fanStats.median / floorStats.median;
    const verdict = ratio <= TARGETS.fanOutRatio ? 'meets' : 'MISSES';
    rows.push({ operation: `floor: insert ${fmtInt(count)} alert rows`, stats: floorStats, target: '—', verdict: '—' });
    rows.push({
      operation: `fan-out to ${fmtInt(count)} (dispatchEvent)`,
      stats: fanStats,
      target: `≤ ${TARGETS.fanOutRatio}× floor`,
      verdict: `${verdict} (${ratio.toFixed(2)}×)`,
    });
    ratios.push(
      `fan-out to ${fmtInt(count)}: median ${fmtMs(fanStats.median)} ms / floor ${fmtMs(floorStats.median)} ms = ${ratio.toFixed(2)}×`,
    );
    options.report.add({
      part,
      db: dbName,
      figure: `fan-out to ${fmtInt(count)} / floor (${fmtMs(fanStats.median)} / ${fmtMs(floorStats.median)} ms)`,
      value: `${ratio.toFixed(2)}×`,
      target: `≤ ${TARGETS.fanOutRatio}×`,
      verdict,
    });
  }
  await store.settle();

  // --- Reads -------------------------------------------------------------
  console.log('Measuring reads…');
  const key: TCaller = { token: seed.heavyKey };
  // The browser's bell authenticates with its session cookie: a read only, where a token also records its last use.
  const cookie = randomBytes(32).toString('base64url');
  await insertRow(db, sessions, {
    id: sha256(cookie),
    userId: HEAVY_USER_ID,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: deps.now(),
    expiresAt: deps.now() + 12 * 3600_000,
  });
  const lastPage = Math.ceil(sizes.heavyAlerts / sizes.pageSize);
  const deepPage = Math.ceil(lastPage / 2);
  const checkSummary = (body: unknown) => {
    const b = body as TSummaryBody;
    if (b.count !== sizes.heavyAlerts || b.items.length !== 12) {
      throw new Error(`summary answered count ${b.count} with ${b.items.length} items; expected ${sizes.heavyAlerts} and 12.`);
    }
  };
  const reads: { operation: string; url: string; caller: TCaller; target: number | null; check: (body: unknown) => void }[] = [
    {
      caller: key,
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
      caller: key,
      target: TARGETS.summary,
      check: checkSummary,
    },
    {
      operation: 'bell with a session cookie, as the browser asks',
      url: '/api/alerts/summary?limit=12',
      caller: { cookie },
      target: TARGETS.summary,
      check: checkSummary,
    },
    ...[1, deepPage, lastPage].map((page) => ({
      caller: key,
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
    ...filteredReads(sizes, key, deps.now()),
  ];
  for (const read of reads) {
    const samples: number[] = [];
    for (let i = 0; i < runs.readWarmup + runs.reads; i++) {
      const { ms, body } = await callApi(app, read.caller, 'GET', read.url);
      if (i === 0) read.check(body);
      if (i >= runs.readWarmup) samples.push(ms);
    }
    const stats = summarize(samples);
    if (read.target === null) {
      rows.push({ operation: read.operation, stats, target: '—', verdict: '—' });
      continue;
    }
    const verdict = verdictBelow(stats.median, read.target);
    rows.push({ operation: read.operation, stats, target: `< ${read.target} ms`, verdict });
    options.report.add({
      part,
      db: dbName,
      figure: `${read.operation}, median (p99 ${fmtMs(stats.p99)})`,
      value: `${fmtMs(stats.median)} ms`,
      target: `< ${read.target} ms`,
      verdict,
    });
  }

  // --- Remove selected -----------------------------------------------------
  console.log('Measuring remove…');
  const heavyIds = (await db.all<{ id: number }>(sql`select id from alerts where user_id = ${HEAVY_USER_ID} order by id`)).map((r) => r.id);
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
      throw new Error(`remove answered removed ${body.removed}, count ${body.count}; expected ${sizes.removeBatch} and ${expectedCount}.`);
    }
    removeSamples.push(ms);
  }
  const removeStats = summarize(removeSamples);
  const removeVerdict = verdictBelow(removeStats.median, TARGETS.remove);
  const removeLabel = `remove ${fmtInt(sizes.removeBatch)} selected (POST /api/alerts/remove)`;
  rows.push({ operation: removeLabel, stats: removeStats, target: `< ${TARGETS.remove} ms`, verdict: removeVerdict });
  options.report.add({
    part,
    db: dbName,
    figure: `${removeLabel}, median (p99 ${fmtMs(removeStats.p99)})`,
    value: `${fmtMs(removeStats.median)} ms`,
    target: `< ${TARGETS.remove} ms`,
    verdict: removeVerdict,
  });
  await store.settle();

  // --- Clear all -----------------------------------------------------------
  console.log('Measuring clear…');
  const clearSamples: number[] = [];
  for (let i = 0; i < runs.clear; i++) {
    // Put the heavy user's alerts back where they were (not timed): same ids, interleaved with everybody else's.
    // (`where true` lets SQLite parse the upsert clause after a SELECT.)
    await db.transaction((tx) => tx.run(sql.raw(`insert into alerts select * from ${HEAVY_BACKUP} where true on conflict do nothing`)));
    await store.settle();
    const { ms, body } = await callApi<TRemovedBody>(app, key, 'DELETE', '/api/alerts');
    if (body.removed !== sizes.heavyAlerts || body.count !== 0) {
      throw new Error(`clear answered removed ${body.removed}, count ${body.count}; expected ${sizes.heavyAlerts} and 0.`);
    }
    clearSamples.push(ms);
  }
  const clearStats = summarize(clearSamples);
  const clearLabel = `clear ${fmtInt(sizes.heavyAlerts)} (DELETE /api/alerts)`;
  rows.push({ operation: clearLabel, stats: clearStats, target: '—', verdict: '—' });
  options.report.add({
    part,
    db: dbName,
    figure: `${clearLabel}, median`,
    value: `${fmtMs(clearStats.median)} ms`,
    target: '—',
    verdict: '—',
  });

  // --- Report --------------------------------------------------------------
  const memory = readProcMemory('self');
  console.log(`\nResults on ${dbName} (ms; p99 by nearest rank: with fewer than 100 runs it is the slowest run); ${describeLoad()}\n`);
  printTable(
    ['operation', 'runs', 'median ms', 'p99 ms', 'target', 'verdict'],
    rows.map((r) => [r.operation, String(r.stats.runs), fmtMs(r.stats.median), fmtMs(r.stats.p99), r.target, r.verdict]),
    new Set([1, 2, 3]),
  );
  console.log('\nFan-out against the floor');
  for (const r of ratios) log(r);
  console.log(
    `\nMemory (this process is the BFF: app, database ${dbName === 'sqlite' ? 'connection' : 'pool'} and bench harness` +
      `${dbName === 'postgres' ? '; PostgreSQL itself is not counted' : ''})`,
  );
  if (peakReset) {
    log(`peak RSS (VmHWM) while measuring: ${fmtMiB(memory?.hwmKiB ?? null)}`);
    log(`peak RSS (VmHWM) during seeding:  ${fmtMiB(peakAfterSeedKiB)}`);
  } else {
    log(`peak RSS (VmHWM), seeding included: ${fmtMiB(memory?.hwmKiB ?? null)}`);
  }
  log(`RSS at the end: ${fmtMiB(memory?.rssKiB ?? null)}`);
  log(`seeding time: ${(seedMs / 1000).toFixed(1)} s`);
  options.report.add({
    part,
    db: dbName,
    figure: 'bench process peak RSS while measuring (VmHWM)',
    value: fmtMiB(memory?.hwmKiB ?? null),
    target: '—',
    verdict: '—',
  });
}

/**
 * The Alerts page's filters on the heavy user's 100,000 alerts (issue: "fast for a user with 100,000 alerts, under
 * 50 ms"). The rare text is the worst case: it matches a handful of alerts, so the search visits every one of the
 * user's alerts to count them; common text stops at the count cap; event, product and time walk their indexes.
 */
function filteredReads(sizes: TSizes, caller: TCaller, now: number) {
  // An event of the second half (so "#<k>" is no prefix of a longer number) with an "SLA breached" title: the heavy
  // user has one alert of each event.
  let rare = Math.floor(eventCount(sizes) / 2);
  while (rare % 4 !== 2) rare += 1;
  const atLeastOne = (what: string) => (body: unknown) => {
    const b = body as TPageBody;
    if (b.total < 1 || b.items.length < 1) throw new Error(`${what} found nothing (total ${b.total}).`);
  };
  const since = new Date(now - 7 * DAY_MS).toISOString();
  return [
    { what: `text that matches a few alerts (q=#${rare})`, query: `q=%23${rare}` },
    { what: 'text that matches many (q=zap)', query: 'q=zap' },
    { what: 'one event type (event=sla_breach)', query: 'event=sla_breach' },
    { what: 'one product (product_id=11)', query: 'product_id=11' },
    { what: 'the last 7 days (since=…)', query: `since=${encodeURIComponent(since)}` },
  ].map(({ what, query }) => ({
    caller,
    operation: `filtered: ${what}`,
    url: `/api/alerts?${query}&page_size=${sizes.pageSize}`,
    target: TARGETS.filtered,
    check: atLeastOne(what),
  }));
}
