/**
 * Several replicas on one PostgreSQL, as a team would run them behind a load balancer: three real BFF processes
 * (src/server.ts) on one database, proven to cooperate through it.
 * - 3,000 webhook deliveries raised through all three arrive exactly once each, sent by all three;
 * - a replica SIGKILLed mid-run: the others deliver everything, and the only repeats are deliveries that replica
 *   held when it died, repeated with the same delivery id;
 * - an alert raised on replica 1 reaches a live stream held by replica 3;
 * - a job forced to run on all three at once raises its events once;
 * - one idempotency key sent to two replicas at once creates one event.
 * This file runs in the PostgreSQL run of the suite only (vitest.config.ts): replicas need a shared server.
 */
import type { ChildProcess } from 'node:child_process';
import { channelsToMask } from '@tocsin/contract/catalogue';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from './app';
import { generateApiKey, SESSION_COOKIE } from './auth/sessions';
import type { Database } from './db/database';
import { insertRow, insertRows, updateRows } from './db/rows';
import { apiTokens, systemSettings, webhooks } from './db/schema';
import { startHttpReceiver, type THttpReceiver } from './delivery/test-peers/http-receiver';
import { testEnv } from './env';
import { createUser } from './services/users';
import { processExited, spawnServer } from './test-setup/server-process';
import { readSse } from './test-setup/sse';
import { openTestStore } from './test-setup/store';
import { insertEngagement, insertProduct, insertProductType, TEST_PASSWORD } from './test-utils';

const HOOKS = 30;
const EVENTS_PER_PHASE = 100;

type TReplica = { name: string; child: ChildProcess; url: string; output: () => string };

let db: Database;
let deps: ReturnType<typeof createDeps>;
let closeStore: () => Promise<void>;
let receiver: THttpReceiver;
let adminKey: string;
const replicas: TReplica[] = [];
/** delivery id → how many times it arrived; and which replica sent each arrival (X-Tocsin-Instance). */
const arrivals = new Map<string, number>();
const sentBy = new Map<string, number>();
let onArrival: (() => void) | null = null;

function exited(child: ChildProcess): Promise<void> {
  return processExited(child).then(() => undefined);
}

/** One replica of the real server on `databaseUrl`; resolves once it listens. */
async function startReplica(name: string, databaseUrl: string): Promise<TReplica> {
  const server = spawnServer({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '6',
    INSTANCE_ID: name,
    // Sent as X-Tocsin-Instance: the receiver can tell which replica sent what.
    INSTANCE_NAME: name,
    OUTBOUND_ALLOW: '127.0.0.1',
    SECRET_KEY: 'ab'.repeat(32),
    WORKER_CONCURRENCY: '16',
    WORKER_POLL_MS: '200',
    // Short leases, so the rows of a killed replica come back within the test.
    WORKER_LEASE_SECONDS: '3',
    DELIVERY_BACKOFF_BASE_MS: '100',
    DELIVERY_BACKOFF_MAX_MS: '1000',
    JOBS_ENABLED: 'false',
  });
  return { name, child: server.child, url: await server.listening, output: server.output };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function api(replica: TReplica, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${replica.url}${urlPath}`, {
    method,
    headers: { authorization: `Token ${adminKey}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function raiseEvents(count: number, label: string): Promise<void> {
  const live = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const res = await api(live[i % live.length]!, 'POST', '/api/events', { event: 'other', title: `${label} ${i}` });
      if (res.status !== 202) throw new Error(`POST /api/events answered ${res.status}: ${await res.text()}`);
    }),
  );
}

describe('three replicas on one PostgreSQL', () => {
  beforeAll(async () => {
    receiver = await startHttpReceiver({
      respond: (req) => {
        const id = String(req.headers['x-tocsin-delivery']);
        arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
        const instance = String(req.headers['x-tocsin-instance']);
        sentBy.set(instance, (sentBy.get(instance) ?? 0) + 1);
        onArrival?.();
        return { status: 200 };
      },
    });
    const opened = await openTestStore();
    db = opened.store.db;
    closeStore = opened.cleanup;
    deps = createDeps(opened.store, testEnv());
    const admin = await createUser(deps, { username: 'admin', email: 'admin@x.test', password: TEST_PASSWORD, isSuperuser: true });
    const { key, prefix, keyHash } = generateApiKey();
    adminKey = key;
    await insertRow(db, apiTokens, { userId: admin.id, name: 'replica test', prefix, keyHash, createdAt: Date.now() });
    await updateRows(db, systemSettings, { webhooksEnabled: true, webhooksTimeoutSeconds: 1 }, eq(systemSettings.id, 1));
    await db.run(
      sql`insert into notification_settings (scope, event, channels) values ('system', 'other', ${channelsToMask(['webhooks'])})`,
    );
    await insertRows(
      db,
      webhooks,
      Array.from({ length: HOOKS }, (_, i) => ({ name: `receiver ${i}`, url: `${receiver.url}/in/${i}`, createdAt: Date.now() })),
    );
    const url = opened.store.location;
    replicas.push(...(await Promise.all(['replica-1', 'replica-2', 'replica-3'].map((name) => startReplica(name, url)))));
  }, 60_000);

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => exited(r.child)));
    await receiver?.close();
    await closeStore?.();
  }, 30_000);

  it('delivers 3,000 webhook deliveries exactly once, sent by all three replicas', async () => {
    await raiseEvents(EVENTS_PER_PHASE, 'Phase one');
    const expected = EVENTS_PER_PHASE * HOOKS;
    await until(
      () => arrivals.size >= expected,
      60_000,
      () => `${expected} deliveries (have ${arrivals.size})`,
    );
    await until(
      async () => (await db.get<{ n: number }>(sql`select count(*) as n from deliveries where status = 'sent'`))?.n === expected,
      10_000,
      () => 'every delivery row marked sent',
    );
    expect(arrivals.size).toBe(expected);
    expect([...arrivals.values()].every((n) => n === 1)).toBe(true);
    for (const r of replicas) expect(sentBy.get(r.name) ?? 0, `${r.name} sent some`).toBeGreaterThan(0);
  }, 90_000);

  it('keeps delivering when a replica is SIGKILLed mid-run; repeats only what it held, with the same delivery id', async () => {
    const before = new Set(arrivals.keys());
    const victim = replicas[1]!;
    const held: { atKill: Set<string> | null } = { atKill: null };
    let killed: Promise<void> | null = null;
    onArrival = () => {
      if (killed || arrivals.size < before.size + 400) return;
      victim.child.kill('SIGKILL');
      killed = exited(victim.child).then(async () => {
        const rows = await db.all<{ uuid: string }>(
          sql`select uuid from deliveries where status = 'sending' and lease_owner = ${victim.name}`,
        );
        held.atKill = new Set(rows.map((r) => r.uuid));
      });
    };
    await raiseEvents(EVENTS_PER_PHASE, 'Phase two');
    const expected = 2 * EVENTS_PER_PHASE * HOOKS;
    await until(
      () => arrivals.size >= expected,
      90_000,
      () => `${expected} deliveries after the kill (have ${arrivals.size})`,
    );
    onArrival = null;
    expect(killed).not.toBeNull();
    await killed;
    const repeated = [...arrivals.entries()].filter(([id, n]) => n > 1 && !before.has(id)).map(([id]) => id);
    // A repeat is a row the dead replica held (it may have sent it just before dying): same id, so receivers can de-duplicate.
    for (const id of repeated) expect(held.atKill?.has(id), `repeated ${id} was held by the killed replica`).toBe(true);
    expect(repeated.length).toBeLessThanOrEqual(16);
    await until(
      async () => (await db.get<{ n: number }>(sql`select count(*) as n from deliveries where status <> 'sent'`))?.n === 0,
      20_000,
      () => 'every delivery row marked sent',
    );
  }, 120_000);

  it('an alert raised on replica 1 reaches a live stream held by replica 3', async () => {
    const r1 = replicas[0]!;
    const r3 = replicas[2]!;
    const login = await fetch(`${r3.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(login.headers.get('set-cookie') ?? '')?.[1];
    const res = await fetch(`${r3.url}/api/alerts/stream`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
    expect(res.status).toBe(200);
    const stream = readSse(res);
    const first = JSON.parse((await stream.next()).data) as { count: number };
    await db.run(sql`insert into notification_settings (scope, event, channels) values ('system', 'product_type_added', 1)`);
    const started = Date.now();
    const raised = await api(r1, 'POST', '/api/events', { event: 'product_type_added', title: 'Seen on another replica' });
    expect(raised.status).toBe(202);
    let message = JSON.parse((await stream.next()).data) as { count: number };
    while (message.count === first.count) message = JSON.parse((await stream.next()).data) as { count: number };
    expect(message.count).toBe(first.count + 1);
    expect(Date.now() - started).toBeLessThan(2_000);
    await stream.cancel();
  }, 30_000);

  it('runs a job forced on all three replicas at once, raising its event once', async () => {
    const product = await insertProduct(deps, 'Replicated', (await insertProductType(deps, 'Replicas')).id);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await insertEngagement(deps, { name: 'Starts tomorrow', productId: product.id, targetStart: tomorrow, targetEnd: tomorrow });
    const live = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
    const answers = await Promise.all(live.map((r) => api(r, 'POST', '/api/jobs/engagement_checks/run')));
    for (const a of answers) expect([200, 409]).toContain(a.status);
    const n = await db.get<{ n: number }>(sql`select count(*) as n from events where name = 'upcoming_engagement'`);
    expect(n?.n).toBe(1);
  }, 30_000);

  it('creates one event for one idempotency key sent to two replicas at once', async () => {
    const body = { event: 'other', title: 'Once', idempotency_key: 'pipeline-run-7' };
    const [a, b] = await Promise.all([api(replicas[0]!, 'POST', '/api/events', body), api(replicas[2]!, 'POST', '/api/events', body)]);
    const [ja, jb] = (await Promise.all([a.json(), b.json()])) as { id: number; duplicate: boolean }[];
    expect(ja?.id).toBe(jb?.id);
    expect([ja?.duplicate, jb?.duplicate].sort()).toEqual([false, true]);
    const n = await db.get<{ n: number }>(sql`select count(*) as n from events where idempotency_key = 'pipeline-run-7'`);
    expect(n?.n).toBe(1);
  }, 30_000);
});
