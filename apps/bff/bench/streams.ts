/**
 * The live-stream fan-out: 2,000 Server-Sent-Event streams (/api/alerts/stream) of 2,000 different users held by
 * ONE real server process (SQLite, and PostgreSQL), then one event that reaches all of them, raised through
 * POST /api/events: the time until every stream has received its new count. Meanwhile another user polls
 * GET /api/alerts/summary in a loop (in a worker thread, so the 2,000 streams this process reads do not delay
 * its clock): its latency during the fan-out says whether the fan-out stalls other requests.
 * The server's memory (VmRSS/VmHWM from /proc) is read with the 2,000 streams idle, and its peak under the fan-out.
 *
 * Streams are limited per user (STREAM_LIMIT_PER_USER), so every stream has its own user; their sessions are
 * inserted directly (sessions.id is the sha256 of the cookie value), as a login would store them, because 2,000
 * scrypt logins would take minutes. Times are taken in this process: they include reading the streams here.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CHANNEL_BITS } from '@tocsin/contract/catalogue';
import { inArray, sql } from 'drizzle-orm';
import { hashPassword } from '../src/auth/passwords';
import { generateApiKey, SESSION_COOKIE, sha256 } from '../src/auth/sessions';
import type { Database } from '../src/db/database';
import { openPostgresDatabase } from '../src/db/postgres';
import { insertRow, insertRows } from '../src/db/rows';
import { apiTokens, notificationSettings, products, productTypeMembers, productTypes, sessions, users } from '../src/db/schema';
import { openSqliteDatabase } from '../src/db/sqlite';
import { registerCleanup } from './cleanup';
import type { TPgServer } from './postgres-server';
import {
  describeLoad,
  fmtInt,
  fmtMiB,
  fmtMs,
  percentile,
  resetPeakMemory,
  sampleMemory,
  sleep,
  summarize,
  type TDbName,
  type TReport,
  verdictBelow,
} from './report';
import { startServer, type TServerProcess } from './server-process';

export type TStreamsOptions = { dbs: readonly TDbName[]; small: boolean; pg: TPgServer | null; report: TReport };

const TARGETS = { summaryP99Ms: 20, idleMemoryMiB: 256 } as const;
/** Streams opened at once while setting up (each open is a small transaction on the server). */
const OPEN_CONCURRENCY = 50;
const FAN_OUT_EVENT = 'scan_added';

// ---------------------------------------------------------------------------
// File descriptors: each stream is a socket here and one in the server

/** The soft limit on open files of a process (from /proc/<pid>/limits), and its hard limit. */
function readFileLimit(pid: number | 'self'): { soft: number; hard: number } | null {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line?.slice('Max open files'.length).trim().split(/\s+/) ?? []).map((v) =>
      v === 'unlimited' ? Infinity : Number(v),
    );
    return soft !== undefined && hard !== undefined ? { soft, hard } : null;
  } catch {
    return null;
  }
}

/**
 * Make sure this process (and the servers it starts, which inherit it) may open `needed` files: raise the soft
 * limit to the hard one with prlimit(1) when it is lower. Throws a message a person can act on when it cannot.
 */
function ensureFileLimit(needed: number): string {
  const limit = readFileLimit('self');
  if (!limit) return 'open-file limit unknown (no /proc)';
  if (limit.soft >= needed) return `open-file limit ${limit.soft} (needs about ${fmtInt(needed)})`;
  if (limit.hard >= needed) {
    try {
      execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${limit.hard}:${limit.hard}`]);
      const raised = readFileLimit('self');
      if (raised && raised.soft >= needed)
        return `open-file limit raised from ${limit.soft} to ${raised.soft} (needs about ${fmtInt(needed)})`;
    } catch {
      // fall through to the message below
    }
  }
  throw new Error(
    `The streams bench needs about ${fmtInt(needed)} open files per process, but the limit is ${limit.soft} (hard ${limit.hard}). ` +
      `Raise it before running (e.g. \`ulimit -n ${needed}\`), or run with --small.`,
  );
}

// ---------------------------------------------------------------------------
// The data: 2,000 stream users in one product type, the event's system record `alert`

type TStreamsSetup = { cookies: string[]; adminKey: string; pollerKey: string; productId: number };

async function seedStreams(db: Database, streams: number): Promise<TStreamsSetup> {
  const now = Date.now();
  const passwordHash = await hashPassword('bench-password-123');
  const user = (username: string, isSuperuser: boolean) => ({
    username,
    email: `${username}@bench.example`,
    passwordHash,
    isSuperuser,
    createdAt: now,
  });
  const admin = await insertRow(db, users, user('admin', true));
  const poller = await insertRow(db, users, user('poller', false));
  const type = await insertRow(db, productTypes, { name: 'Streamed', createdAt: now });
  const product = await insertRow(db, products, { name: 'Streamed product', productTypeId: type.id, createdAt: now });
  await insertRow(db, notificationSettings, { scope: 'system', event: FAN_OUT_EVENT, channels: CHANNEL_BITS.alert });

  const cookies: string[] = [];
  const CHUNK = 500;
  for (let from = 0; from < streams; from += CHUNK) {
    const names = Array.from({ length: Math.min(CHUNK, streams - from) }, (_, i) => `stream${String(from + i + 1).padStart(5, '0')}`);
    await db.transaction(async (tx) => {
      await insertRows(
        tx,
        users,
        names.map((n) => user(n, false)),
      );
      const ids = await tx.all<{ id: number }>(sql`select id from users where ${inArray(users.username, names)}`);
      await insertRows(
        tx,
        productTypeMembers,
        ids.map((r) => ({ userId: r.id, productTypeId: type.id, role: 'Reader' })),
      );
      const batch = ids.map((r) => {
        const cookie = randomBytes(32).toString('base64url');
        cookies.push(cookie);
        return {
          id: sha256(cookie),
          userId: r.id,
          csrfToken: randomBytes(24).toString('base64url'),
          createdAt: now,
          expiresAt: now + 12 * 3600_000,
        };
      });
      await insertRows(tx, sessions, batch);
    });
  }
  const token = async (userId: number) => {
    const { key, prefix, keyHash } = generateApiKey();
    await insertRow(db, apiTokens, { userId, name: 'bench', prefix, keyHash, createdAt: now });
    return key;
  };
  return { cookies, adminKey: await token(admin.id), pollerKey: await token(poller.id), productId: product.id };
}

// ---------------------------------------------------------------------------
// SSE clients

type TStreamClient = {
  count: number;
  /** When (ms, performance.timeOrigin-based) the stream last saw a new count. */
  updatedAt: number;
  close(): void;
};

const nowMs = () => performance.timeOrigin + performance.now();

/** Open one stream with a session cookie; resolves once its first message (the current count) arrived. */
function openStream(baseUrl: string, cookie: string, onUpdate: (client: TStreamClient) => void): Promise<TStreamClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}/api/alerts/stream`, { agent: false, headers: { cookie: `${SESSION_COOKIE}=${cookie}` } }, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => reject(new Error(`GET /api/alerts/stream answered ${res.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      const client: TStreamClient = { count: -1, updatedAt: 0, close: () => req.destroy() };
      let buffer = '';
      let isOpen = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data:'));
          if (!block.startsWith('event: alerts') || !data) continue;
          const count = (JSON.parse(data.slice(5)) as { count: number }).count;
          if (count === client.count) continue;
          client.count = count;
          client.updatedAt = nowMs();
          if (!isOpen) {
            isOpen = true;
            resolve(client);
          } else {
            onUpdate(client);
          }
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (err) => reject(err));
  });
}

async function openStreams(
  baseUrl: string,
  cookies: readonly string[],
  onUpdate: (client: TStreamClient) => void,
): Promise<TStreamClient[]> {
  const clients: TStreamClient[] = new Array(cookies.length);
  let next = 0;
  const openOne = async (): Promise<void> => {
    while (next < cookies.length) {
      const i = next++;
      clients[i] = await openStream(baseUrl, cookies[i]!, onUpdate);
    }
  };
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, openOne));
  return clients;
}

// ---------------------------------------------------------------------------
// The poller, in a worker thread

type TPollSample = { at: number; ms: number };

/** Plain JavaScript for the worker (no TypeScript loader there): GET the summary in a loop until told to stop. */
const POLLER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const now = () => performance.timeOrigin + performance.now();
let running = true;
const samples = [];
parentPort.on('message', (m) => { if (m === 'stop') running = false; });
function get() {
  return new Promise((resolve, reject) => {
    const req = http.get(workerData.url, { agent, headers: { authorization: 'Token ' + workerData.key } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => res.statusCode === 200 ? resolve(body) : reject(new Error('GET /api/alerts/summary answered ' + res.statusCode + ': ' + body.slice(0, 300))));
    });
    req.on('error', reject);
  });
}
(async () => {
  try {
    while (running) {
      const at = now();
      const body = await get();
      const ms = now() - at;
      JSON.parse(body);
      samples.push({ at, ms });
      // Let the 'stop' message in between requests.
      await new Promise((r) => setImmediate(r));
    }
    parentPort.postMessage({ samples });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.stack || err) });
  }
})();
`;

function startPoller(baseUrl: string, key: string): { stop(): Promise<TPollSample[]> } {
  const worker = new Worker(POLLER_SOURCE, { eval: true, workerData: { url: `${baseUrl}/api/alerts/summary?limit=12`, key } });
  const done = new Promise<TPollSample[]>((resolve, reject) => {
    worker.once('message', (m: { samples?: TPollSample[]; error?: string }) => {
      if (m.error || !m.samples) reject(new Error(`the summary poller failed: ${m.error}`));
      else resolve(m.samples);
    });
    worker.once('error', reject);
  });
  const forget = registerCleanup('stop the summary poller', () => worker.terminate().then(() => undefined));
  return {
    async stop() {
      worker.postMessage('stop');
      try {
        return await done;
      } finally {
        await worker.terminate();
        await forget();
      }
    },
  };
}

// ---------------------------------------------------------------------------
// One database

type TStreamsDatabase = { db: Database; target: { url: string } | { path: string }; close(): Promise<void> };

async function openStreamsDatabase(dbName: TDbName, pg: TPgServer | null): Promise<TStreamsDatabase> {
  if (dbName === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-bench-streams-'));
    const removeDir = registerCleanup(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'streams.db');
    const handle = openSqliteDatabase(file, { backgroundCheckpoints: true });
    return {
      db: handle.db,
      target: { path: file },
      async close() {
        await handle.db.close();
        await removeDir();
      },
    };
  }
  if (!pg) throw new Error('The streams bench on PostgreSQL needs a server.');
  const database = await pg.createDatabase('streams');
  const handle = await openPostgresDatabase(database.url, { max: 2, applicationName: 'tocsin-bench' });
  return {
    db: handle.db,
    target: { url: database.url },
    async close() {
      await handle.db.close();
      await database.drop();
    },
  };
}

/** Streams that have not shown an event's count after this long count as not updated. */
const UPDATE_DEADLINE_MS = 30_000;

type TFanOutRun = {
  updated: number;
  /** When the last stream was updated, after the POST was sent; null when some were not within the deadline. */
  allMs: number | null;
  firstMs: number | null;
  medianMs: number | null;
  postMs: number;
  alertsCreated: number;
};

async function runOnDatabase(dbName: TDbName, opts: TStreamsOptions, streams: number, fanOuts: number): Promise<void> {
  const { report } = opts;
  const part = 'streams';
  const store = await openStreamsDatabase(dbName, opts.pg);
  let server: TServerProcess | null = null;
  let clients: TStreamClient[] = [];
  let poller: { stop(): Promise<TPollSample[]> } | null = null;
  try {
    const setupStart = performance.now();
    const setup = await seedStreams(store.db, streams);
    console.log(`  ${dbName}: ${fmtInt(streams)} users with a session each, seeded in ${fmtInt(performance.now() - setupStart)} ms`);

    server = await startServer({
      name: `${dbName}-streams`,
      database: store.target,
      env: {
        // Every stream is a connection; the default (10,000) already allows 2,000, said explicitly here.
        HTTP_MAX_CONNECTIONS: String(Math.max(10_000, streams * 2)),
        STREAM_LIMIT_PER_USER: '5',
      },
    });
    const baseUrl = server.url;
    const startMemory = server.memory();

    // The streams that have shown the current fan-out's count (or a later one).
    let expectedCount = 0;
    const reached = new Set<TStreamClient>();
    let onAllUpdated: (() => void) | null = null;
    const onUpdate = (client: TStreamClient) => {
      if (client.count < expectedCount || reached.has(client)) return;
      reached.add(client);
      if (reached.size === clients.length) onAllUpdated?.();
    };
    const openStart = performance.now();
    clients = await openStreams(baseUrl, setup.cookies, onUpdate);
    const openMs = performance.now() - openStart;
    if (clients.some((c) => c.count !== 0)) throw new Error('A new stream did not start with a count of 0.');
    console.log(`  ${fmtInt(clients.length)} streams open in ${fmtInt(openMs)} ms (${OPEN_CONCURRENCY} opening at once)`);

    // Idle: let the opening's garbage be collected and the heap settle, then read the server's memory.
    await sleep(3_000);
    const idle = server.memory();
    console.log(
      `  server memory with ${fmtInt(streams)} idle streams: VmRSS ${fmtMiB(idle?.rssKiB ?? null)}, VmHWM ${fmtMiB(idle?.hwmKiB ?? null)} ` +
        `(at start, without streams: VmRSS ${fmtMiB(startMemory?.rssKiB ?? null)})`,
    );

    // The poller alone first: its latency with the streams open but quiet, to read the fan-out's against.
    poller = startPoller(baseUrl, setup.pollerKey);
    await sleep(1_000);
    const isPeakReset = resetPeakMemory(server.pid);
    const sampler = sampleMemory(server.pid, 10);
    const windows: { from: number; to: number }[] = [];
    const runs: TFanOutRun[] = [];
    for (let run = 1; run <= fanOuts; run++) {
      expectedCount = run;
      reached.clear();
      // Resolves when every stream has its update, or at the deadline with those that have.
      const allUpdated = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, UPDATE_DEADLINE_MS);
        onAllUpdated = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      const t0 = nowMs();
      const res = await fetch(`${baseUrl}/api/events`, {
        method: 'POST',
        headers: { authorization: `Token ${setup.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event: FAN_OUT_EVENT, title: `Fan-out ${run}`, product_id: setup.productId }),
      });
      const postMs = nowMs() - t0;
      const body = (await res.json()) as { alerts_created?: number };
      if (res.status !== 202) throw new Error(`POST /api/events answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
      const alertsCreated = body.alerts_created ?? 0;
      // The stream users, and the superuser who raised it.
      if (alertsCreated !== streams + 1) throw new Error(`The event created ${alertsCreated} alerts, not ${streams + 1}.`);
      await allUpdated;
      const updated = [...reached];
      // Each user got exactly one alert per event: any other count is wrong, not slow.
      const wrong = updated.find((c) => c.count !== run);
      if (wrong) throw new Error(`After fan-out ${run} a stream shows a count of ${wrong.count}, not ${run}.`);
      const arrivals = updated.map((c) => c.updatedAt - t0).sort((a, b) => a - b);
      const isComplete = updated.length === clients.length;
      const last = isComplete ? arrivals[arrivals.length - 1]! : UPDATE_DEADLINE_MS;
      windows.push({ from: t0, to: t0 + last });
      runs.push({
        updated: updated.length,
        allMs: isComplete ? last : null,
        firstMs: arrivals[0] ?? null,
        medianMs: arrivals.length > 0 ? percentile(arrivals, 0.5) : null,
        postMs,
        alertsCreated,
      });
      await sleep(500);
    }
    const underFanOut = sampler.stop();
    const samples = await poller.stop();
    poller = null;

    const firstFanOut = windows[0]!.from;
    const quiet = samples.filter((s) => s.at + s.ms < firstFanOut).map((s) => s.ms);
    const during = samples.filter((s) => windows.some((w) => s.at <= w.to && s.at + s.ms >= w.from)).map((s) => s.ms);
    if (during.length === 0) throw new Error('The summary poller made no request during the fan-outs.');
    const quietStats = quiet.length > 0 ? summarize(quiet) : null;
    const duringStats = summarize(during);
    const complete = runs.flatMap((r) => (r.allMs === null ? [] : [r.allMs]));
    const allStats = complete.length > 0 ? summarize(complete) : null;
    const fewest = Math.min(...runs.map((r) => r.updated));

    console.log(`\n  Fan-out to ${fmtInt(streams)} open streams (${fanOuts} events, each reaching every stream), ${describeLoad()}`);
    for (const [i, r] of runs.entries()) {
      const ms = (v: number | null) => (v === null ? 'n/a' : `${fmtMs(v)} ms`);
      console.log(
        `   event ${i + 1}: POST answered in ${fmtMs(r.postMs)} ms (${fmtInt(r.alertsCreated)} alerts); streams updated: first ${ms(r.firstMs)}, ` +
          `half ${ms(r.medianMs)}, ` +
          (r.allMs === null
            ? `only ${fmtInt(r.updated)} of ${fmtInt(streams)} within ${UPDATE_DEADLINE_MS / 1000} s`
            : `all ${fmtInt(streams)} ${ms(r.allMs)} after the POST was sent`),
      );
    }
    console.log(
      `   GET /api/alerts/summary of another user during the fan-outs: ${during.length} requests, p50 ${fmtMs(duringStats.median)} ms, ` +
        `p99 ${fmtMs(duringStats.p99)} ms, max ${fmtMs(duringStats.max)} ms` +
        (quietStats
          ? `; with the streams quiet: ${quietStats.runs} requests, p50 ${fmtMs(quietStats.median)} ms, p99 ${fmtMs(quietStats.p99)} ms`
          : ''),
    );
    console.log(
      `   server memory under the fan-outs: VmHWM ${fmtMiB(underFanOut?.hwmKiB ?? null)}${isPeakReset ? ' (reset before the first event)' : ' (since start: clear_refs not allowed)'}, ` +
        `highest sampled VmRSS ${fmtMiB(sampler.peakRssKiB)}`,
    );

    report.add({
      part,
      db: dbName,
      figure:
        fewest === streams && allStats
          ? `all ${fmtInt(streams)} streams updated after one event, median of ${fanOuts} (worst ${fmtMs(allStats.max)} ms)`
          : `streams updated within ${UPDATE_DEADLINE_MS / 1000} s: ${fmtInt(fewest)} of ${fmtInt(streams)} in the worst of ${fanOuts} events`,
      value: allStats ? `${fmtMs(allStats.median)} ms` : 'n/a',
      target: `all ${fmtInt(streams)} updated`,
      verdict: fewest === streams ? 'meets' : 'MISSES',
    });
    report.add({
      part,
      db: dbName,
      figure: `summary poll during the fan-out, p99 (p50 ${fmtMs(duringStats.median)} ms, ${during.length} requests)`,
      value: `${fmtMs(duringStats.p99)} ms`,
      target: `< ${TARGETS.summaryP99Ms} ms`,
      verdict: verdictBelow(duringStats.p99, TARGETS.summaryP99Ms),
    });
    report.add({
      part,
      db: dbName,
      figure: `server VmRSS with ${fmtInt(streams)} idle streams (VmHWM ${fmtMiB(idle?.hwmKiB ?? null)})`,
      value: fmtMiB(idle?.rssKiB ?? null),
      target: `< ${TARGETS.idleMemoryMiB} MiB`,
      verdict: idle ? verdictBelow(idle.rssKiB / 1024, TARGETS.idleMemoryMiB) : '—',
    });
    report.add({
      part,
      db: dbName,
      figure: `server peak memory under the fan-out (VmHWM; sampled VmRSS ${fmtMiB(sampler.peakRssKiB)})`,
      value: fmtMiB(underFanOut?.hwmKiB ?? null),
      target: '—',
      verdict: '—',
    });
  } finally {
    await poller?.stop().catch(() => undefined);
    for (const c of clients) c.close();
    await server?.stop().catch((err: Error) => console.error(err.message));
    await store.close();
  }
}

export async function runStreamsBench(opts: TStreamsOptions): Promise<void> {
  const streams = opts.small ? 200 : 2_000;
  const fanOuts = opts.small ? 3 : 10;
  console.log(
    `\n=== Streams bench: ${fmtInt(streams)} live streams of ${fmtInt(streams)} users on one server process, ${fanOuts} fan-outs ===`,
  );
  console.log(`  ${describeLoad()}`);
  // A socket per stream here and in the server, plus the poller, the database and the runtime.
  console.log(`  ${ensureFileLimit(streams + 512)}`);
  for (const db of opts.dbs) await runOnDatabase(db, opts, streams, fanOuts);
}
