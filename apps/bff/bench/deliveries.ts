/**
 * The delivery pipeline benchmark, against the real server (src/server.ts in its own process, as in
 * production) and a loopback webhook receiver in this process:
 *   A. 10,000 queued webhook deliveries to receivers that answer 200 at once: deliveries per second
 *      and the server's peak memory (VmHWM from /proc/<pid>/status, and the highest sampled VmRSS).
 *   B. The same with 10% of the receivers answering 503: time until every healthy delivery arrived,
 *      compared with A (a failing receiver must not slow the healthy ones).
 *   C. The same with 1 of the 20 receivers never answering (a hanging receiver): it holds only its capped
 *      share of the worker's slots (max(2, WORKER_CONCURRENCY / 8)), so the healthy ones keep their throughput.
 * The rows are inserted once the server is up (a second writer on the WAL database), so the time
 * measured is the pipeline's, not the server's start. Figures are printed, never asserted.
 * Run: `pnpm --filter @tocsin/bff bench -- --only deliveries [--small]`, or `tsx bench/deliveries.ts`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { TDeliveryInsert } from '../src/db/hot-paths';
import { insertRow } from '../src/db/rows';
import { events, webhooks } from '../src/db/schema';
import { openSqliteDatabase } from '../src/db/sqlite';

const BFF_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type TReceiver = {
  url: string;
  received: Map<string, number>;
  byPath: Map<string, number>;
  close(): Promise<void>;
  onRequest?: () => void;
};

/** Answers at once: 503 for paths under /fail/, never for paths under /hang/, 200 otherwise. Counts unique X-Tocsin-Delivery ids. */
async function startReceiver(): Promise<TReceiver> {
  const received = new Map<string, number>();
  const byPath = new Map<string, number>();
  const receiver: TReceiver = { url: '', received, byPath, close: async () => {} };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      byPath.set(path, (byPath.get(path) ?? 0) + 1);
      if (path.startsWith('/hang/')) return;
      if (path.startsWith('/fail/')) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
        return;
      }
      const id = String(req.headers['x-tocsin-delivery']);
      received.set(id, (received.get(id) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      receiver.onRequest?.();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

type TServer = { child: ChildProcess; output: () => string };

async function startServer(dbPath: string): Promise<TServer> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: BFF_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_PATH: dbPath,
      WEB_DIST: '',
      SEED_DEMO: 'false',
      // The other worker settings keep their defaults (or what the caller exported).
      WORKER_POLL_MS: process.env.WORKER_POLL_MS ?? '100',
      // The bench's receivers listen on loopback, which the outbound policy refuses unless it is listed.
      OUTBOUND_ALLOW: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const deadline = Date.now() + 30_000;
  while (!output.includes('Tocsin is running')) {
    if (child.exitCode !== null) throw new Error(`the server exited during start:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not start within 30 s:\n${output}`);
    await sleep(50);
  }
  return { child, output: () => output };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readProcStatus(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return rss && hwm ? { rssKb: Number(rss), hwmKb: Number(hwm) } : null;
  } catch {
    return null;
  }
}

async function stopServer(server: TServer): Promise<number> {
  const t0 = performance.now();
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.kill('SIGTERM');
  await exited;
  return performance.now() - t0;
}

/** Open the scenario's SQLite file (migrated), run `fn` with it, close it. */
async function withDatabase<T>(dbPath: string, fn: (db: ReturnType<typeof openSqliteDatabase>['db']) => Promise<T>): Promise<T> {
  const handle = openSqliteDatabase(dbPath);
  try {
    return await fn(handle.db);
  } finally {
    await handle.db.close();
  }
}

/**
 * Insert `total` deliveries of one event spread round-robin over the webhooks, in one transaction, with the
 * set-based insert that dispatch uses (db.hot.insertDeliveries).
 */
function queueDeliveries(dbPath: string, hookIds: number[], total: number): Promise<number> {
  return withDatabase(dbPath, async (db) => {
    const now = Date.now();
    await db.transaction(async (tx) => {
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
    });
    return Date.now();
  });
}

async function prepareDatabase(
  dir: string,
  name: string,
  receiverUrl: string,
  healthy: number,
  failing: number,
  failure: TFailure,
): Promise<{ dbPath: string; hookIds: number[]; failingIds: Set<number> }> {
  const dbPath = path.join(dir, `${name}.db`);
  return withDatabase(dbPath, async (db) => {
    await db.run(sql`update system_settings set webhooks_enabled = 1, webhooks_timeout_seconds = 10 where id = 1`);
    const hookIds: number[] = [];
    const failingIds = new Set<number>();
    const total = healthy + failing;
    // Failing endpoints spread among the healthy ones, so their rows are interleaved in the due-time order.
    const failingAt = new Set(Array.from({ length: failing }, (_, k) => Math.floor((k * total) / failing)));
    for (let i = 0; i < total; i++) {
      const isFailing = failingAt.has(i);
      const url = `${receiverUrl}/${isFailing ? failure : 'ok'}/${i}`;
      const hook = await insertRow(db, webhooks, { name: `${name}-${i}`, url, status: 'active', createdAt: Date.now() });
      hookIds.push(hook.id);
      if (isFailing) failingIds.add(hook.id);
    }
    return { dbPath, hookIds, failingIds };
  });
}

type TFailure = 'fail' | 'hang';

type TRunResult = { seconds: number; rate: number; hwmMb: number; peakRssMb: number; stopMs: number };

async function runScenario(opts: {
  dir: string;
  name: string;
  receiver: TReceiver;
  total: number;
  healthyEndpoints: number;
  failingEndpoints: number;
  /** How the failing endpoints fail: 503 at once, or no answer at all. */
  failure?: TFailure;
}): Promise<TRunResult & { expectedHealthy: number; failingRequests: number; failingStates: string; waiting: number }> {
  const failure = opts.failure ?? 'fail';
  const { dbPath, hookIds, failingIds } = await prepareDatabase(
    opts.dir,
    opts.name,
    opts.receiver.url,
    opts.healthyEndpoints,
    opts.failingEndpoints,
    failure,
  );
  const expectedHealthy = Array.from({ length: opts.total }, (_, i) => hookIds[i % hookIds.length] as number).filter(
    (id) => !failingIds.has(id),
  ).length;

  const server = await startServer(dbPath);
  const pid = server.child.pid as number;
  let peakRssKb = 0;
  const sampler = setInterval(() => {
    const s = readProcStatus(pid);
    if (s) peakRssKb = Math.max(peakRssKb, s.rssKb);
  }, 25);

  opts.receiver.received.clear();
  opts.receiver.byPath.clear();
  const queuedAt = await queueDeliveries(dbPath, hookIds, opts.total);
  let doneAt = 0;
  await new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(
      () => reject(new Error(`${opts.name}: only ${opts.receiver.received.size}/${expectedHealthy} arrived in 120 s\n${server.output()}`)),
      120_000,
    );
    const check = () => {
      if (opts.receiver.received.size >= expectedHealthy) {
        doneAt = Date.now();
        clearTimeout(timeout);
        opts.receiver.onRequest = undefined;
        resolve();
      }
    };
    opts.receiver.onRequest = check;
    check();
  });
  const status = readProcStatus(pid);
  clearInterval(sampler);
  if (status) peakRssKb = Math.max(peakRssKb, status.rssKb);

  let failingRequests = 0;
  for (const [p, n] of opts.receiver.byPath) if (p.startsWith(`/${failure}/`)) failingRequests += n;
  const { states, waiting } = await withDatabase(dbPath, async (db) => ({
    states: await db.all<{ status: string; n: number }>(
      sql`select status, count(*) as n from webhooks where url like ${`%/${failure}/%`} group by status order by status`,
    ),
    waiting:
      (
        await db.get<{ n: number }>(sql`select count(*) as n from deliveries
          where status in ('queued', 'retrying') and webhook_id in (select id from webhooks where url like ${`%/${failure}/%`})`)
      )?.n ?? 0,
  }));
  const stopMs = await stopServer(server);

  const seconds = (doneAt - queuedAt) / 1000;
  return {
    seconds,
    rate: expectedHealthy / seconds,
    hwmMb: (status?.hwmKb ?? 0) / 1024,
    peakRssMb: peakRssKb / 1024,
    stopMs,
    expectedHealthy,
    failingRequests,
    failingStates: states.map((s) => `${s.n} ${s.status}`).join(', ') || 'none',
    waiting,
  };
}

export async function runDeliveriesBench(): Promise<void> {
  const small = process.argv.includes('--small');
  const total = small ? 1_000 : 10_000;
  const concurrency = process.env.WORKER_CONCURRENCY ?? '32 (default)';
  console.log(
    `\n=== Deliveries bench: ${total.toLocaleString('en')} webhook deliveries, real server, WORKER_CONCURRENCY=${concurrency}, ${os.cpus().length} CPUs ===`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-bench-deliveries-'));
  const receiver = await startReceiver();
  try {
    const a = await runScenario({ dir, name: 'all-healthy', receiver, total, healthyEndpoints: 20, failingEndpoints: 0 });
    console.log(`A. all receivers answer 200 at once (20 endpoints)`);
    console.log(
      `   ${a.expectedHealthy.toLocaleString('en')} delivered in ${a.seconds.toFixed(2)} s = ${Math.round(a.rate).toLocaleString('en')} deliveries/s (target ≥ 1,000/s)`,
    );
    console.log(
      `   server peak memory: VmHWM ${a.hwmMb.toFixed(0)} MB, highest sampled RSS ${a.peakRssMb.toFixed(0)} MB; SIGTERM → exit in ${a.stopMs.toFixed(0)} ms`,
    );

    const b = await runScenario({ dir, name: 'ten-percent-503', receiver, total, healthyEndpoints: 18, failingEndpoints: 2 });
    console.log(
      `B. 10% of the receivers answer 503 (2 of 20 endpoints, ${(total - b.expectedHealthy).toLocaleString('en')} of the deliveries)`,
    );
    console.log(
      `   all ${b.expectedHealthy.toLocaleString('en')} healthy deliveries arrived ${b.seconds.toFixed(2)} s after queueing = ${Math.round(b.rate).toLocaleString('en')}/s (A: ${Math.round(a.rate).toLocaleString('en')}/s)`,
    );
    console.log(
      `   failing receivers got ${b.failingRequests} requests in that time; their endpoints: ${b.failingStates}; ${b.waiting.toLocaleString('en')} deliveries wait for them (retried when the endpoints recover)`,
    );
    console.log(
      `   server peak memory: VmHWM ${b.hwmMb.toFixed(0)} MB, highest sampled RSS ${b.peakRssMb.toFixed(0)} MB; SIGTERM → exit in ${b.stopMs.toFixed(0)} ms`,
    );

    const c = await runScenario({
      dir,
      name: 'one-hanging',
      receiver,
      total,
      healthyEndpoints: 19,
      failingEndpoints: 1,
      failure: 'hang',
    });
    console.log(`C. 1 of the 20 receivers never answers (${(total - c.expectedHealthy).toLocaleString('en')} of the deliveries)`);
    console.log(
      `   all ${c.expectedHealthy.toLocaleString('en')} healthy deliveries arrived ${c.seconds.toFixed(2)} s after queueing = ${Math.round(c.rate).toLocaleString('en')}/s (A: ${Math.round(a.rate).toLocaleString('en')}/s)`,
    );
    console.log(
      `   the hanging receiver holds ${c.failingRequests} requests (its capped share of the slots); ${c.waiting.toLocaleString('en')} deliveries wait for it`,
    );
    console.log(`   SIGTERM → exit in ${c.stopMs.toFixed(0)} ms (the hanging sends are cancelled after the grace period and put back)`);
  } finally {
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runDeliveriesBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
