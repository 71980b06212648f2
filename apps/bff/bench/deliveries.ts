/**
 * The delivery pipeline benchmark, against the real server (src/server.ts in its own process, as in production;
 * several of them on one PostgreSQL for replicas) and a loopback webhook receiver in this process:
 *   A. 10,000 queued webhook deliveries to 20 receivers that answer 200 at once: deliveries per second, on SQLite
 *      (one process) and on PostgreSQL with 1 and with 3 replicas; each server's peak memory and CPU time.
 *   B. The same with 10% of the receivers answering 503: time until every healthy delivery arrived, against A
 *      (a failing receiver must not slow the healthy ones).
 *   C. The same with 1 of the 20 receivers never answering (a hanging receiver): it holds only its capped share of
 *      the worker's slots (max(2, WORKER_CONCURRENCY / 8) per process), so the healthy ones keep their throughput.
 * The rows are inserted once the servers are up, by this process (a second writer), in one transaction with the
 * set-based insert dispatch uses; on PostgreSQL its NOTIFY wakes every replica as a dispatch on any replica would
 * (a SQLite server cannot hear another process: it finds them at its next poll, WORKER_POLL_MS). So the time
 * measured is the pipeline's, not the servers' start. Figures are printed, never asserted.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/database';
import type { TDeliveryInsert } from '../src/db/hot-paths';
import { openPostgresDatabase } from '../src/db/postgres';
import { insertRow } from '../src/db/rows';
import { events, webhooks } from '../src/db/schema';
import { openSqliteDatabase } from '../src/db/sqlite';
import { perDestinationCap } from '../src/delivery/worker';
import { type Bus, createInProcessBus, createPostgresBus } from '../src/notifications/bus';
import { registerCleanup } from './cleanup';
import type { TPgServer } from './postgres-server';
import {
  describeLoad,
  fmtInt,
  fmtMiB,
  readMachineCpuMs,
  readProcCpuMs,
  readProcSwitches,
  sampleMemory,
  type TDbName,
  type TReport,
  verdictAtLeast,
} from './report';
import { startServer, type TServerProcess } from './server-process';

export type TDeliveriesOptions = {
  dbs: readonly TDbName[];
  small: boolean;
  pg: TPgServer | null;
  report: TReport;
  /** 'throughput': A (1 process, and 3 replicas on PostgreSQL) and B; 'hanging': C. */
  scenarios: readonly ('throughput' | 'hanging')[];
  /** Write a CPU profile of every server process into this folder (node --cpu-prof). */
  cpuProfileDir: string | null;
};

const TARGET_RATE = 1_000;
const ENDPOINTS = 20;
const REPLICAS = 3;
/** Settings of every server process; the others keep their defaults (or what the caller exported). */
const SERVER_ENV = {
  // The default is 500 ms; a bench on a quiet queue would measure mostly the wait for the first poll.
  WORKER_POLL_MS: process.env.WORKER_POLL_MS ?? '100',
  ...(process.env.WORKER_CONCURRENCY ? { WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY } : {}),
  ...(process.env.DATABASE_POOL_MAX ? { DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX } : {}),
};

// ---------------------------------------------------------------------------
// The receiver

type TFailure = 'fail' | 'hang';

type TReceiver = {
  url: string;
  /** Healthy arrivals per X-Tocsin-Delivery id. */
  received: Map<string, number>;
  /** Requests per path (all of them, failing ones included). */
  byPath: Map<string, number>;
  /** Healthy arrivals per X-Tocsin-Instance (which replica sent it). */
  byInstance: Map<string, number>;
  /** When each healthy delivery first arrived (ms), in arrival order. */
  arrivals: number[];
  /** Requests to /hang/ open now, and the most open at once since reset(). */
  hanging: { open: number; max: number };
  onRequest?: () => void;
  reset(): void;
  close(): Promise<void>;
};

/** Answers at once: 503 under /fail/, never under /hang/, 200 otherwise. */
async function startReceiver(): Promise<TReceiver> {
  const receiver: TReceiver = {
    url: '',
    received: new Map(),
    byPath: new Map(),
    byInstance: new Map(),
    hanging: { open: 0, max: 0 },
    arrivals: [],
    reset() {
      receiver.arrivals.length = 0;
      receiver.received.clear();
      receiver.byPath.clear();
      receiver.byInstance.clear();
      receiver.hanging.max = receiver.hanging.open;
    },
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const p = req.url ?? '/';
      receiver.byPath.set(p, (receiver.byPath.get(p) ?? 0) + 1);
      if (p.startsWith('/hang/')) {
        const { hanging } = receiver;
        hanging.open += 1;
        hanging.max = Math.max(hanging.max, hanging.open);
        res.once('close', () => {
          hanging.open -= 1;
        });
        return;
      }
      if (p.startsWith('/fail/')) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
        return;
      }
      const id = String(req.headers['x-tocsin-delivery']);
      if (!receiver.received.has(id)) receiver.arrivals.push(Date.now());
      receiver.received.set(id, (receiver.received.get(id) ?? 0) + 1);
      const instance = String(req.headers['x-tocsin-instance']);
      receiver.byInstance.set(instance, (receiver.byInstance.get(instance) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      receiver.onRequest?.();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.maxConnections = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

// ---------------------------------------------------------------------------
// A scenario's database

type TScenarioDatabase = {
  db: Database;
  bus: Bus;
  target: { url: string } | { path: string };
  close(): Promise<void>;
};

async function openScenarioDatabase(dbName: TDbName, label: string, pg: TPgServer | null): Promise<TScenarioDatabase> {
  if (dbName === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-bench-deliveries-'));
    const removeDir = registerCleanup(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, `${label}.db`);
    const handle = openSqliteDatabase(file, { backgroundCheckpoints: true });
    return {
      db: handle.db,
      bus: createInProcessBus(),
      target: { path: file },
      async close() {
        await handle.db.close();
        await removeDir();
      },
    };
  }
  if (!pg) throw new Error('The deliveries bench on PostgreSQL needs a server.');
  const database = await pg.createDatabase(label);
  const handle = await openPostgresDatabase(database.url, { max: 2, applicationName: 'tocsin-bench' });
  const bus = await createPostgresBus(database.url);
  return {
    db: handle.db,
    bus,
    target: { url: database.url },
    async close() {
      await bus.close();
      await handle.db.close();
      await database.drop();
    },
  };
}

/** Webhooks enabled (10 s timeout); `healthy + failing` endpoints, the failing ones spread among the healthy. */
async function createEndpoints(db: Database, receiverUrl: string, healthy: number, failing: number, failure: TFailure) {
  await db.run(sql`update system_settings set webhooks_enabled = 1, webhooks_timeout_seconds = 10 where id = 1`);
  const hookIds: number[] = [];
  const failingIds = new Set<number>();
  const total = healthy + failing;
  // Spread, so that their rows are interleaved with the healthy ones in due-time order.
  const failingAt = new Set(Array.from({ length: failing }, (_, k) => Math.floor((k * total) / failing)));
  for (let i = 0; i < total; i++) {
    const isFailing = failingAt.has(i);
    const url = `${receiverUrl}/${isFailing ? failure : 'ok'}/${i}`;
    const hook = await insertRow(db, webhooks, { name: `endpoint-${i}`, url, status: 'active', createdAt: Date.now() });
    hookIds.push(hook.id);
    if (isFailing) failingIds.add(hook.id);
  }
  return { hookIds, failingIds };
}

/** `total` deliveries of one event, round-robin over the endpoints, in one transaction; resolves at the commit. */
async function queueDeliveries(store: TScenarioDatabase, hookIds: readonly number[], total: number): Promise<number> {
  const now = Date.now();
  await store.db.transaction(async (tx) => {
    const event = await insertRow(tx, events, {
      name: 'scan_added',
      routedAs: 'scan_added',
      title: 'Benchmark scan',
      description: 'A scan with findings',
      url: '/alerts',
      icon: 'scan',
      source: 'Scan Added',
      createdAt: now,
    });
    const rows: TDeliveryInsert[] = Array.from({ length: total }, (_, i) => [
      randomUUID(),
      'webhooks',
      'webhook',
      null,
      hookIds[i % hookIds.length] as number,
    ]);
    for (let i = 0; i < rows.length; i += 1000) await tx.hot.insertDeliveries(tx, event.id, now, rows.slice(i, i + 1000));
    await store.bus.publish(tx, { type: 'deliveries-queued' });
  });
  return Date.now();
}

/** Resolves (to Date.now()) once `expected` distinct healthy deliveries have arrived; rejects after 300 s. */
function waitForArrivals(receiver: TReceiver, expected: number, what: string, servers: readonly TServerProcess[]): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timeout = setTimeout(() => {
      receiver.onRequest = undefined;
      reject(
        new Error(`${what}: only ${receiver.received.size}/${expected} arrived in 300 s\n${servers.map((x) => x.output()).join('\n')}`),
      );
    }, 300_000);
    const check = () => {
      if (receiver.received.size >= expected) {
        clearTimeout(timeout);
        receiver.onRequest = undefined;
        resolve(Date.now());
      }
    };
    receiver.onRequest = check;
    check();
  });
}

// ---------------------------------------------------------------------------
// One run

type TServerFigures = {
  name: string;
  sent: number;
  hwmKiB: number | null;
  peakRssKiB: number;
  cpuMs: number | null;
  /** Context switches during the run: voluntary (waiting for I/O) and involuntary (preempted: the cores were busy). */
  switches: { voluntary: number; involuntary: number } | null;
  stopMs: number;
};

type TRunResult = {
  seconds: number;
  rate: number;
  expectedHealthy: number;
  duplicates: number;
  servers: TServerFigures[];
  failingRequests: number;
  /** The most requests the hanging receiver held at once. */
  maxHanging: number;
  /** The longest time without a new arrival (a stall), and when it ended, in ms after queueing. */
  longestPause: { ms: number; endedAt: number };
  failingStates: string;
  waiting: number;
  /** Share of the machine's CPU (all cores) that was busy during the run, and this process's own CPU time. */
  machineBusy: number | null;
  benchCpuMs: number;
  /** PostgreSQL's CPU time (all its processes) and its own counters for the run; null on SQLite. */
  pgCpuMs: number | null;
  pgWork: TPgWork | null;
};

type TPgWork = { commits: number; rowsScanned: number; rowsFetched: number; rowsUpdated: number };

/** The database's counters (pg_stat_database): transactions, rows read by scans, rows fetched by index, rows updated. */
async function readPgWork(db: Database): Promise<TPgWork | null> {
  if (db.dialect !== 'postgres') return null;
  const row = await db.get<{ commits: number; scanned: number; fetched: number; updated: number }>(sql`
    select xact_commit as commits, tup_returned as scanned, tup_fetched as fetched, tup_updated as updated
    from pg_stat_database where datname = current_database()`);
  return row ? { commits: row.commits, rowsScanned: row.scanned, rowsFetched: row.fetched, rowsUpdated: row.updated } : null;
}

/** CPU time so far of each of PostgreSQL's processes on this machine. */
function readPgCpu(pg: TPgServer | null): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pg?.processIds() ?? []) {
    const ms = readProcCpuMs(pid);
    if (ms !== null) cpu.set(pid, ms);
  }
  return cpu;
}

type TScenario = {
  db: TDbName;
  label: string;
  replicas: number;
  total: number;
  /** Deliveries to the healthy endpoints sent before the measured ones (JIT, connections). */
  warmup: number;
  healthyEndpoints: number;
  failingEndpoints: number;
  failure: TFailure;
};

async function runScenario(s: TScenario, receiver: TReceiver, opts: TDeliveriesOptions): Promise<TRunResult> {
  const store = await openScenarioDatabase(s.db, s.label, opts.pg);
  const servers: TServerProcess[] = [];
  try {
    const { hookIds, failingIds } = await createEndpoints(store.db, receiver.url, s.healthyEndpoints, s.failingEndpoints, s.failure);
    const expectedHealthy = Array.from({ length: s.total }, (_, i) => hookIds[i % hookIds.length] as number).filter(
      (id) => !failingIds.has(id),
    ).length;

    const nodeFlags = opts.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(opts.cpuProfileDir, `${s.db}-${s.label}`)] : [];
    const names = Array.from({ length: s.replicas }, (_, i) => (s.replicas === 1 ? `${s.db}-${s.label}` : `${s.db}-${s.label}-${i + 1}`));
    servers.push(...(await Promise.all(names.map((name) => startServer({ name, database: store.target, env: SERVER_ENV, nodeFlags })))));
    // Warm-up, not measured: every process compiles its hot paths and opens its connections before the clock starts,
    // so 1 and 3 replicas are compared in their steady state (a long-running server is warm).
    const healthyIds = hookIds.filter((id) => !failingIds.has(id));
    receiver.reset();
    await queueDeliveries(store, healthyIds, s.warmup);
    await waitForArrivals(receiver, s.warmup, `${s.db} ${s.label} warm-up`, servers);

    const samplers = servers.map((server) => sampleMemory(server.pid));
    const cpuBefore = servers.map((server) => readProcCpuMs(server.pid));
    const switchesBefore = servers.map((server) => readProcSwitches(server.pid));
    const isPg = s.db === 'postgres';
    const pgCpuBefore = isPg ? readPgCpu(opts.pg) : null;
    const pgWorkBefore = await readPgWork(store.db);
    const machineBefore = readMachineCpuMs();
    const benchBefore = process.cpuUsage();

    receiver.reset();
    const queuedAt = await queueDeliveries(store, hookIds, s.total);
    const doneAt = await waitForArrivals(receiver, expectedHealthy, `${s.db} ${s.label}`, servers);
    const maxHanging = receiver.hanging.max;
    let longestPause = { ms: 0, endedAt: 0 };
    for (let i = 0, previous = queuedAt; i < receiver.arrivals.length; i++) {
      const at = receiver.arrivals[i]!;
      if (at - previous > longestPause.ms) longestPause = { ms: at - previous, endedAt: at - queuedAt };
      previous = at;
    }
    const machineAfter = readMachineCpuMs();
    const benchCpu = process.cpuUsage(benchBefore);
    const cpuAfter = servers.map((server) => readProcCpuMs(server.pid));
    const switchesAfter = servers.map((server) => readProcSwitches(server.pid));
    // Backends started during the run count in full; one that ended during it is missed (the pools keep theirs).
    const pgCpuAfter = isPg ? readPgCpu(opts.pg) : null;
    const pgCpuMs =
      pgCpuBefore && pgCpuAfter && pgCpuAfter.size > 0
        ? [...pgCpuAfter].reduce((sum, [pid, ms]) => sum + ms - (pgCpuBefore.get(pid) ?? 0), 0)
        : null;
    const memories = samplers.map((sampler) => sampler.stop());

    let failingRequests = 0;
    for (const [p, n] of receiver.byPath) if (p.startsWith(`/${s.failure}/`)) failingRequests += n;
    const pattern = `%/${s.failure}/%`;
    const states = await store.db.all<{ status: string; n: number }>(
      sql`select status, count(*) as n from webhooks where url like ${pattern} group by status order by status`,
    );
    const waiting =
      (
        await store.db.get<{ n: number }>(sql`select count(*) as n from deliveries
          where status in ('queued', 'retrying') and webhook_id in (select id from webhooks where url like ${pattern})`)
      )?.n ?? 0;
    const stopMs = await Promise.all(servers.map((server) => server.stop()));
    servers.length = 0;
    // Read once the servers are gone: a backend reports its counters when it ends, at the latest.
    const pgWorkAfter = await readPgWork(store.db);
    const pgWork =
      pgWorkBefore && pgWorkAfter
        ? {
            commits: pgWorkAfter.commits - pgWorkBefore.commits,
            rowsScanned: pgWorkAfter.rowsScanned - pgWorkBefore.rowsScanned,
            rowsFetched: pgWorkAfter.rowsFetched - pgWorkBefore.rowsFetched,
            rowsUpdated: pgWorkAfter.rowsUpdated - pgWorkBefore.rowsUpdated,
          }
        : null;

    const seconds = (doneAt - queuedAt) / 1000;
    return {
      seconds,
      rate: expectedHealthy / seconds,
      expectedHealthy,
      duplicates: [...receiver.received.values()].filter((n) => n > 1).length,
      servers: names.map((name, i) => ({
        name,
        sent: receiver.byInstance.get(name) ?? 0,
        hwmKiB: memories[i]?.hwmKiB ?? null,
        peakRssKiB: samplers[i]?.peakRssKiB ?? 0,
        cpuMs: cpuBefore[i] != null && cpuAfter[i] != null ? cpuAfter[i]! - cpuBefore[i]! : null,
        switches: (() => {
          const [before, after] = [switchesBefore[i], switchesAfter[i]];
          return before && after
            ? { voluntary: after.voluntary - before.voluntary, involuntary: after.involuntary - before.involuntary }
            : null;
        })(),
        stopMs: stopMs[i] ?? 0,
      })),
      failingRequests,
      maxHanging,
      longestPause,
      failingStates: states.map((x) => `${x.n} ${x.status}`).join(', ') || 'none',
      waiting,
      machineBusy:
        machineBefore && machineAfter
          ? (machineAfter.busyMs - machineBefore.busyMs) / (machineAfter.totalMs - machineBefore.totalMs)
          : null,
      benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
      pgCpuMs,
      pgWork,
    };
  } finally {
    // A failed run must not leave servers behind (the cleanup registry would, but only at exit).
    await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
    await store.close();
  }
}

const fmtRate = (rate: number) => `${fmtInt(rate)}/s`;

/** CPU time per healthy delivery of the server processes together, and of PostgreSQL (null on SQLite), in ms. */
function cpuPerDelivery(r: TRunResult): { servers: number; pg: number | null } {
  const servers = r.servers.reduce((sum, x) => sum + (x.cpuMs ?? 0), 0);
  return { servers: servers / r.expectedHealthy, pg: r.pgCpuMs === null ? null : r.pgCpuMs / r.expectedHealthy };
}

function printServers(r: TRunResult): void {
  for (const x of r.servers) {
    console.log(
      `   ${x.name}: sent ${fmtInt(x.sent)}; peak memory VmHWM ${fmtMiB(x.hwmKiB)} (highest sampled RSS ${fmtMiB(x.peakRssKiB)}); ` +
        `CPU ${x.cpuMs === null ? 'n/a' : `${fmtInt(x.cpuMs)} ms (${(x.cpuMs / Math.max(1, x.sent)).toFixed(2)} ms per delivery sent)`}` +
        (x.switches ? `, context switches ${fmtInt(x.switches.voluntary)} voluntary / ${fmtInt(x.switches.involuntary)} preempted` : '') +
        `; SIGTERM → exit in ${fmtInt(x.stopMs)} ms`,
    );
  }
  const busy = r.machineBusy === null ? 'n/a' : `${(r.machineBusy * 100).toFixed(0)}%`;
  console.log(
    `   longest pause between two arrivals: ${fmtInt(r.longestPause.ms)} ms (ending ${(r.longestPause.endedAt / 1000).toFixed(2)} s after queueing)`,
  );
  console.log(
    `   machine CPU busy during the run: ${busy} of ${os.cpus().length} cores (servers, PostgreSQL, this process and anything else); ` +
      `this process (receiver + bench): ${fmtInt(r.benchCpuMs)} ms CPU in ${r.seconds.toFixed(2)} s`,
  );
  if (r.pgCpuMs !== null || r.pgWork) {
    const per = (n: number) => (n / r.expectedHealthy).toFixed(1);
    const cpu = r.pgCpuMs === null ? 'n/a' : `${fmtInt(r.pgCpuMs)} ms`;
    const work = r.pgWork
      ? `; per healthy delivery: ${per(r.pgWork.commits)} transactions, ${per(r.pgWork.rowsScanned)} rows scanned, ` +
        `${per(r.pgWork.rowsFetched)} rows fetched, ${per(r.pgWork.rowsUpdated)} rows updated (pg_stat_database)`
      : '';
    console.log(`   PostgreSQL: CPU ${cpu}${work}`);
  }
  if (r.duplicates > 0)
    console.log(`   ${r.duplicates} deliveries arrived more than once (at-least-once delivery; same X-Tocsin-Delivery id)`);
}

function addServerMemory(report: TReport, db: TDbName, what: string, r: TRunResult): void {
  report.add({
    part: 'deliveries',
    db,
    figure: `${what}: peak memory per process (VmHWM)`,
    value: r.servers.map((x) => fmtMiB(x.hwmKiB)).join(' / '),
    target: '—',
    verdict: '—',
  });
}

// ---------------------------------------------------------------------------
// The bench

export async function runDeliveriesBench(opts: TDeliveriesOptions): Promise<void> {
  const total = opts.small ? 1_000 : 10_000;
  const warmup = total / 5;
  const concurrency = process.env.WORKER_CONCURRENCY ?? '32 (default)';
  console.log(
    `\n=== Deliveries bench: ${fmtInt(total)} webhook deliveries (after ${fmtInt(warmup)} not measured) to ${ENDPOINTS} receivers, real server processes, ` +
      `WORKER_CONCURRENCY=${concurrency}, WORKER_POLL_MS=${SERVER_ENV.WORKER_POLL_MS}, DATABASE_POOL_MAX=${process.env.DATABASE_POOL_MAX ?? '10 (default)'} ===`,
  );
  console.log(`  ${describeLoad()}`);
  if (opts.cpuProfileDir) console.log(`  CPU profiles of every server process go to ${opts.cpuProfileDir}`);
  const receiver = await startReceiver();
  const { report } = opts;
  const cap = perDestinationCap(Number(process.env.WORKER_CONCURRENCY ?? 32));
  try {
    for (const db of opts.dbs) {
      const baseline: Record<number, TRunResult> = {};
      if (opts.scenarios.includes('throughput')) {
        const counts = db === 'postgres' ? [1, REPLICAS] : [1];
        for (const replicas of counts) {
          const what = replicas === 1 ? (db === 'sqlite' ? '1 process' : '1 replica') : `${replicas} replicas`;
          const r = await runScenario(
            {
              db,
              label: `healthy-${replicas}`,
              replicas,
              total,
              warmup,
              healthyEndpoints: ENDPOINTS,
              failingEndpoints: 0,
              failure: 'fail',
            },
            receiver,
            opts,
          );
          baseline[replicas] = r;
          console.log(`A. ${db}, ${what}: all ${ENDPOINTS} receivers answer 200 at once`);
          console.log(
            `   ${fmtInt(r.expectedHealthy)} delivered in ${r.seconds.toFixed(2)} s = ${fmtRate(r.rate)} (target ≥ ${fmtInt(TARGET_RATE)}/s)`,
          );
          printServers(r);
          report.add({
            part: 'deliveries',
            db,
            figure: `A. webhook deliveries/s, ${what}`,
            value: fmtRate(r.rate),
            target: `≥ ${fmtInt(TARGET_RATE)}/s`,
            verdict: verdictAtLeast(r.rate, TARGET_RATE),
          });
          if (replicas > 1 && baseline[1]) {
            const one = baseline[1].rate;
            report.add({
              part: 'deliveries',
              db,
              figure: `A. ${replicas} replicas against 1 replica (${fmtRate(r.rate)} / ${fmtRate(one)})`,
              value: `${(r.rate / one).toFixed(2)}×`,
              target: '≥ 1.00×',
              verdict: verdictAtLeast(r.rate / one, 1),
            });
          }
          addServerMemory(report, db, `A. ${what}`, r);
          const cpu = cpuPerDelivery(r);
          report.add({
            part: 'deliveries',
            db,
            figure: `A. ${what}: CPU per delivery, server processes${db === 'postgres' ? ' + PostgreSQL' : ''}`,
            value: cpu.pg === null ? `${cpu.servers.toFixed(2)} ms` : `${cpu.servers.toFixed(2)} + ${cpu.pg.toFixed(2)} ms`,
            target: '—',
            verdict: '—',
          });
          const one = baseline[1];
          if (replicas > 1 && one && r.rate < one.rate) {
            const before = cpuPerDelivery(one);
            const busy = (x: TRunResult) => (x.machineBusy === null ? 'n/a' : `${(x.machineBusy * 100).toFixed(0)}%`);
            report.note(
              `deliveries on ${db}: ${replicas} replicas were slower than 1 (${fmtRate(r.rate)} against ${fmtRate(one.rate)}). ` +
                `The machine's ${os.cpus().length} cores were ${busy(one)} and ${busy(r)} busy during the two runs; CPU per delivery was ` +
                `${before.servers.toFixed(2)} ms in 1 server process and ${cpu.servers.toFixed(2)} ms in ${replicas} ` +
                `(PostgreSQL: ${before.pg?.toFixed(2) ?? 'n/a'} and ${cpu.pg?.toFixed(2) ?? 'n/a'} ms). When the cores are busy, more replicas ` +
                'add no CPU, only their own overhead.',
            );
          }
        }

        const b = await runScenario(
          {
            db,
            label: 'ten-percent-503',
            replicas: 1,
            total,
            warmup,
            healthyEndpoints: ENDPOINTS - 2,
            failingEndpoints: 2,
            failure: 'fail',
          },
          receiver,
          opts,
        );
        const a = baseline[1];
        const ofA = a ? ` (${((b.rate / a.rate) * 100).toFixed(0)}% of A)` : '';
        console.log(
          `B. ${db}: 10% of the receivers answer 503 (2 of ${ENDPOINTS} endpoints, ${fmtInt(total - b.expectedHealthy)} of the deliveries)`,
        );
        console.log(
          `   all ${fmtInt(b.expectedHealthy)} healthy deliveries arrived ${b.seconds.toFixed(2)} s after queueing = ${fmtRate(b.rate)}${ofA}`,
        );
        console.log(
          `   failing receivers got ${b.failingRequests} requests in that time; their endpoints: ${b.failingStates}; ` +
            `${fmtInt(b.waiting)} deliveries wait for them (retried when the endpoints recover)`,
        );
        printServers(b);
        report.add({
          part: 'deliveries',
          db,
          figure: `B. healthy deliveries/s with 10% answering 503${ofA}`,
          value: fmtRate(b.rate),
          target: `≥ ${fmtInt(TARGET_RATE)}/s`,
          verdict: verdictAtLeast(b.rate, TARGET_RATE),
        });
      }

      if (opts.scenarios.includes('hanging')) {
        const c = await runScenario(
          { db, label: 'one-hanging', replicas: 1, total, warmup, healthyEndpoints: ENDPOINTS - 1, failingEndpoints: 1, failure: 'hang' },
          receiver,
          opts,
        );
        const a = baseline[1];
        const ofA = a ? ` (${((c.rate / a.rate) * 100).toFixed(0)}% of A)` : '';
        console.log(`C. ${db}: 1 of the ${ENDPOINTS} receivers never answers (${fmtInt(total - c.expectedHealthy)} of the deliveries)`);
        console.log(
          `   all ${fmtInt(c.expectedHealthy)} healthy deliveries arrived ${c.seconds.toFixed(2)} s after queueing = ${fmtRate(c.rate)}${ofA}`,
        );
        console.log(
          `   the hanging receiver got ${c.failingRequests} requests and held at most ${c.maxHanging} at once (its cap: ${cap}); ` +
            `${fmtInt(c.waiting)} deliveries wait for it; on SIGTERM its sends are cancelled after the grace period and put back`,
        );
        printServers(c);
        report.add({
          part: 'hanging',
          db,
          figure: `C. healthy deliveries/s, 1 of ${ENDPOINTS} receivers hanging${ofA}`,
          value: fmtRate(c.rate),
          target: `≥ ${fmtInt(TARGET_RATE)}/s`,
          verdict: verdictAtLeast(c.rate, TARGET_RATE),
        });
        report.add({
          part: 'hanging',
          db,
          figure: 'C. sends the hanging receiver held at once (per-destination cap)',
          value: String(c.maxHanging),
          target: `≤ ${cap}`,
          verdict: c.maxHanging <= cap ? 'meets' : 'MISSES',
        });
      }
    }
  } finally {
    await receiver.close();
  }
}
