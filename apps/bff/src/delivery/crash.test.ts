/**
 * Crash safety, end to end: the real server (src/server.ts) sends webhook deliveries to a loopback
 * receiver, is killed with SIGKILL mid-batch, and restarted on the same database. Every delivery
 * must reach the receiver at least once (duplicates are allowed: de-duplicate by X-Tocsin-Delivery).
 * It runs on the database of the test run: a SQLite file, or a PostgreSQL database (TEST_DATABASE_URL).
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { insertRow, insertRows, updateRows } from '../db/rows';
import { deliveries, events, systemSettings, webhooks } from '../db/schema';
import { TEST_SECRET_KEY } from '../env';
import { processExited, spawnServer } from '../test-setup/server-process';
import { openTestStore, TEST_DIALECT } from '../test-setup/store';
import { startHttpReceiver, type THttpReceiver } from './test-peers/http-receiver';

const TOTAL = 600;

let cleanup: (() => Promise<void>) | null = null;
let receiver: THttpReceiver | null = null;
const children: ChildProcess[] = [];

afterEach(async () => {
  const running = children.splice(0);
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(running.map(exited));
  await receiver?.close();
  receiver = null;
  await cleanup?.();
  cleanup = null;
});

function startServer(location: string): { child: ChildProcess; output: () => string } {
  const server = spawnServer({
    ...(TEST_DIALECT === 'postgres' ? { DATABASE_URL: location } : { DATABASE_PATH: location }),
    // The same name on both runs: the restarted server is the instance that was killed.
    INSTANCE_ID: 'crash-test',
    WORKER_CONCURRENCY: '8',
    WORKER_POLL_MS: '100',
    // Leases far longer than the test: the rows in flight at the kill come back only because the restarted
    // instance takes back its own leases at start (lapsed leases of another instance: worker.test.ts).
    WORKER_LEASE_SECONDS: '600',
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '500',
    // The receiver listens on loopback; PostgreSQL needs a shared key (the test key).
    OUTBOUND_ALLOW: '127.0.0.1',
    SECRET_KEY: TEST_SECRET_KEY,
  });
  children.push(server.child);
  return server;
}

const exited = processExited;

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function countByStatus(db: Database): Promise<Record<string, number>> {
  const counts = await db.all<{ status: string; n: number }>(sql`select status, count(*) as n from deliveries group by status`);
  return Object.fromEntries(counts.map((c) => [c.status, c.n]));
}

describe(`crash safety (${TEST_DIALECT})`, () => {
  it('delivers every queued and in-flight delivery after a SIGKILL mid-batch and a restart', async () => {
    const seen = new Map<string, number>();
    let killAt: { count: number; kill: () => void } | null = null;
    receiver = await startHttpReceiver({
      respond: (req) => {
        const id = String(req.headers['x-tocsin-delivery']);
        seen.set(id, (seen.get(id) ?? 0) + 1);
        // Kill from inside a request: this one and the others in flight are mid-send when the server dies.
        if (killAt && seen.size >= killAt.count) {
          killAt.kill();
          killAt = null;
        }
        return { status: 200 };
      },
    });

    // A fresh database; this test reads it while the servers run (WAL on SQLite, a pool on PostgreSQL).
    const opened = await openTestStore();
    cleanup = opened.cleanup;
    const db = opened.store.db;
    const expected = new Set<string>();
    {
      const now = Date.now();
      await updateRows(db, systemSettings, { webhooksEnabled: true, webhooksTimeoutSeconds: 1 }, eq(systemSettings.id, 1));
      const hook = await insertRow(db, webhooks, { name: 'receiver', url: `${receiver.url}/in`, createdAt: now });
      const event = await insertRow(db, events, {
        name: 'scan_added',
        routedAs: 'scan_added',
        title: 'Crash test',
        url: '/alerts',
        icon: 'scan',
        source: 'Scan Added',
        createdAt: now,
      });
      const rows = Array.from({ length: TOTAL }, () => {
        const uuid = randomUUID();
        expected.add(uuid);
        return {
          uuid,
          eventId: event.id,
          channel: 'webhooks',
          targetKind: 'webhook',
          webhookId: hook.id,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        };
      });
      for (let i = 0; i < rows.length; i += 200) await insertRows(db, deliveries, rows.slice(i, i + 200));
    }

    // First run: kill -9 once about a third has arrived.
    const first = startServer(opened.store.location);
    killAt = { count: Math.floor(TOTAL / 3), kill: () => first.child.kill('SIGKILL') };
    await until(
      () => first.child.signalCode !== null || first.child.exitCode !== null,
      30_000,
      () => `the kill (got ${seen.size} deliveries); server said: ${first.output()}`,
    );
    expect(await exited(first.child)).toEqual({ code: null, signal: 'SIGKILL' });
    const receivedBeforeRestart = seen.size;
    expect(receivedBeforeRestart).toBeLessThan(TOTAL);

    // The kill left rows in flight (leased) and rows not yet claimed.
    const afterKill = await countByStatus(db);
    expect(afterKill.sending ?? 0).toBeGreaterThan(0);
    expect(afterKill.queued ?? 0).toBeGreaterThan(0);

    // Restart on the same database: the queued rows and the killed instance's in-flight ones go at once.
    const second = startServer(opened.store.location);
    await until(
      () => seen.size >= TOTAL,
      30_000,
      () => `all deliveries (got ${seen.size}); server said: ${second.output()}`,
    );
    const missing = [...expected].filter((id) => !seen.has(id));
    expect(missing).toEqual([]);
    expect([...seen.keys()].every((id) => expected.has(id))).toBe(true);

    // Rows that were in flight at the kill (and may have reached the receiver) are sent again and recorded as sent.
    let unsent = TOTAL;
    await until(
      async () => {
        const byStatus = await countByStatus(db);
        unsent = TOTAL - (byStatus.sent ?? 0);
        return unsent === 0;
      },
      15_000,
      () => `every row recorded as sent (${unsent} left); server said: ${second.output()}`,
    );
    // A graceful stop exits 0.
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toEqual({ code: 0, signal: null });
  }, 90_000);
});
