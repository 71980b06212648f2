/**
 * Crash safety, end to end: the real server (src/server.ts) sends webhook deliveries to a loopback
 * receiver, is killed with SIGKILL mid-batch, and restarted on the same database. Every delivery
 * must reach the receiver at least once (duplicates are allowed: de-duplicate by X-Tocsin-Delivery).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client';
import { deliveries, events, systemSettings, webhooks } from '../db/schema';
import { startHttpReceiver, type THttpReceiver } from './test-peers/http-receiver';

const BFF_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOTAL = 600;

let dir: string;
let receiver: THttpReceiver | null = null;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await receiver?.close();
  receiver = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `node --import tsx src/server.ts`: one process, so SIGKILL really kills the server (the tsx CLI would fork a child). */
function startServer(dbPath: string): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: BFF_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_PATH: dbPath,
      WEB_DIST: '',
      SEED_DEMO: 'false',
      WORKER_CONCURRENCY: '8',
      WORKER_POLL_MS: '100',
      // Short leases (with the 1 s webhook timeout: 3 s) so the rows in flight at the kill are claimable soon after the restart.
      WORKER_LEASE_SECONDS: '1',
      DELIVERY_BACKOFF_BASE_MS: '50',
      DELIVERY_BACKOFF_MAX_MS: '500',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  children.push(child);
  return { child, output: () => output };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('crash safety', () => {
  it('delivers every queued and in-flight delivery after a SIGKILL mid-batch and a restart', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-crash-'));
    const dbPath = path.join(dir, 'tocsin.db');
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

    const expected = new Set<string>();
    {
      const handle = openDatabase(dbPath);
      const now = Date.now();
      handle.db.update(systemSettings).set({ webhooksEnabled: true, webhooksTimeoutSeconds: 1 }).run();
      const hook = handle.db
        .insert(webhooks)
        .values({ name: 'receiver', url: `${receiver.url}/in`, createdAt: now })
        .returning()
        .get();
      const event = handle.db
        .insert(events)
        .values({
          name: 'scan_added',
          routedAs: 'scan_added',
          title: 'Crash test',
          url: '/alerts',
          icon: 'scan',
          source: 'Scan Added',
          createdAt: now,
        })
        .returning()
        .get();
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
      for (let i = 0; i < rows.length; i += 200)
        handle.db
          .insert(deliveries)
          .values(rows.slice(i, i + 200))
          .run();
      handle.sqlite.close();
    }

    // First run: kill -9 once about a third has arrived.
    const first = startServer(dbPath);
    killAt = { count: Math.floor(TOTAL / 3), kill: () => first.child.kill('SIGKILL') };
    await until(
      () => first.child.signalCode !== null || first.child.exitCode !== null,
      30_000,
      () => `the kill (got ${seen.size} deliveries); server said: ${first.output()}`,
    );
    expect(await exited(first.child)).toEqual({ code: null, signal: 'SIGKILL' });
    const receivedBeforeRestart = seen.size;
    expect(receivedBeforeRestart).toBeLessThan(TOTAL);

    {
      const handle = openDatabase(dbPath);
      const counts = handle.sqlite.prepare('select status, count(*) as n from deliveries group by status').all() as {
        status: string;
        n: number;
      }[];
      handle.sqlite.close();
      const byStatus = Object.fromEntries(counts.map((c) => [c.status, c.n]));
      // The kill left rows in flight (leased) and rows not yet claimed.
      expect(byStatus.sending ?? 0).toBeGreaterThan(0);
      expect(byStatus.queued ?? 0).toBeGreaterThan(0);
    }

    // Restart on the same database: queued rows go at once, the killed in-flight ones when their lease expires.
    const second = startServer(dbPath);
    await until(
      () => seen.size >= TOTAL,
      30_000,
      () => `all deliveries (got ${seen.size}); server said: ${second.output()}`,
    );
    const missing = [...expected].filter((id) => !seen.has(id));
    expect(missing).toEqual([]);
    expect([...seen.keys()].every((id) => expected.has(id))).toBe(true);

    // Rows that were in flight at the kill and had reached the receiver are sent again once their lease expires.
    const reader = new Database(dbPath, { readonly: true });
    try {
      const countUnsent = () => (reader.prepare("select count(*) as n from deliveries where status != 'sent'").get() as { n: number }).n;
      await until(
        () => countUnsent() === 0,
        15_000,
        () => `every row recorded as sent (${countUnsent()} left)`,
      );
    } finally {
      reader.close();
    }
    // A graceful stop exits 0.
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toEqual({ code: 0, signal: null });
  }, 90_000);
});
