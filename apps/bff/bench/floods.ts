/**
 * The flood bench (issue 10 §4): 5,000 sla_breach events in one run — 100 findings, 50 notices each, within one
 * coalescing window (fake clock: one event every 60 ms over 5 minutes) — to 40 users of the product, half on
 * immediate mail, half on an hourly mail digest. Then the hour's digests go out.
 *
 * Printed: the time, alerts written against the 200,000 an uncoalesced flood writes, deliveries per user against
 * the digest setting, and the accounting that nothing was lost: every (event, user) pair is an alert or a fold in
 * one, every immediate user's mail rows carry every event, every digest user's items are all in one digest.
 *
 *   corepack pnpm exec tsx bench/floods.ts [--small]        (SQLite)
 *   corepack pnpm bench -- --only floods --db sqlite|postgres|both [--small]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { createDeps } from '../src/app';
import type { Database } from '../src/db/database';
import { openPostgresDatabase } from '../src/db/postgres';
import { openSqliteDatabase } from '../src/db/sqlite';
import { sendDueDigests } from '../src/digests/job';
import { parseEnv } from '../src/env';
import { type Bus, createInProcessBus, createPostgresBus } from '../src/notifications/bus';
import { dispatchEvents } from '../src/notifications/dispatch-batch';
import type { TPgServer } from './postgres-server';
import type { TDbName, TReport } from './report';
import { BENCH_SECRET_KEY } from './server-process';

type TSizes = { findings: number; repeats: number; users: number };
const FULL: TSizes = { findings: 100, repeats: 50, users: 40 };
const SMALL: TSizes = { findings: 20, repeats: 25, users: 10 };

type TFloodStore = { db: Database; bus: Bus; databaseUrl?: string; close: () => Promise<void> };

/** A fresh SQLite file, or a fresh database on the bench's PostgreSQL server (migrated as a replica would). */
async function openFloodStore(dbName: TDbName, pg: TPgServer | null): Promise<TFloodStore> {
  if (dbName === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-floods-bench-'));
    const handle = openSqliteDatabase(path.join(dir, 'bench.db'), { backgroundCheckpoints: true });
    return {
      db: handle.db,
      bus: createInProcessBus(),
      close: async () => {
        await handle.db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!pg) throw new Error('The flood bench on PostgreSQL needs a server (scripts/pg-cluster.mjs, or BENCH_DATABASE_URL).');
  const database = await pg.createDatabase('floods');
  const handle = await openPostgresDatabase(database.url, { max: 10, applicationName: 'tocsin-bench-floods' });
  const bus = await createPostgresBus(database.url);
  return {
    db: handle.db,
    bus,
    databaseUrl: database.url,
    close: async () => {
      await bus.close();
      await handle.db.close();
      await database.drop();
    },
  };
}

export async function runFloodsBench({
  small,
  report,
  db: dbName = 'sqlite',
  pg = null,
}: {
  small: boolean;
  report?: TReport;
  db?: TDbName;
  pg?: TPgServer | null;
}): Promise<void> {
  const sizes = small ? SMALL : FULL;
  const events = sizes.findings * sizes.repeats;
  const label = dbName === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const store = await openFloodStore(dbName, pg);
  const db = store.db;
  // PostgreSQL deployments must share a SECRET_KEY (createDeps refuses to start without one); nothing stored is kept.
  const env = parseEnv(
    { NODE_ENV: 'production', SECRET_KEY: BENCH_SECRET_KEY },
    { SEED_DEMO: false, WORKER_ENABLED: false, ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}) },
  );
  const start = Date.UTC(2026, 10, 30, 12, 0, 0);
  let clock = start;
  try {
    const deps = createDeps({ db, bus: store.bus }, env);
    deps.now = () => clock;
    console.log(
      `\n=== Flood bench (${label}): ${events.toLocaleString('en')} sla_breach events on ${sizes.findings} findings, ${sizes.users} users ===`,
    );
    await db.run(sql`insert into system_settings (id, mail_enabled) values (1, 1) on conflict (id) do update set mail_enabled = 1`);
    await db.run(sql`insert into product_types (name, created_at) values ('Web', ${start})`);
    await db.run(sql`insert into products (name, product_type_id, created_at) values ('Shop', 1, ${start})`);
    await db.run(sql`insert into notification_settings (scope, event, channels) values ('system', 'sla_breach', 1)`);
    for (let u = 1; u <= sizes.users; u++) {
      await db.run(
        sql`insert into users (username, email, password_hash, created_at) values (${`user${u}`}, ${`user${u}@bench.test`}, 'x', ${start})`,
      );
      await db.run(sql`insert into product_members (user_id, product_id, role) values (${u}, 1, 'Reader')`);
      // alert | mail
      await db.run(sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${u}, 'sla_breach', 3)`);
      if (u % 2 === 0) await db.run(sql`insert into digest_settings (user_id, channel, mode) values (${u}, 'mail', 'hourly')`);
    }
    const digestUsers = Math.floor(sizes.users / 2);
    const immediateUsers = sizes.users - digestUsers;

    const started = process.hrtime.bigint();
    const step = Math.floor((5 * 60_000) / events);
    for (let r = 0; r < sizes.repeats; r++) {
      const inputs = Array.from({ length: sizes.findings }, (_, f) => ({
        event: 'sla_breach',
        title: `Finding ${f + 1} is overdue`,
        productId: 1,
        dedupeKey: `sla:finding:${f + 1}`,
      }));
      // One batch per round of notices; the clock moves on between events' rounds.
      await dispatchEvents(deps, inputs);
      clock += step * sizes.findings;
    }
    const floodMs = Number(process.hrtime.bigint() - started) / 1e6;

    const alerts = await db.get<{ n: number; folded: number }>(
      sql`select count(*) as n, coalesce(sum(coalesced_count), 0) as folded from alerts`,
    );
    const counts = await db.get<{ n: number }>(sql`select coalesce(sum(n), 0) as n from alert_counts`);
    const immediate = await db.get<{ rows: number; carried: number; maxPerUser: number }>(sql`select count(*) as rows,
        sum(1 + coalesced_count) as carried,
        (select max(c) from (select count(*) as c from deliveries where channel = 'mail' group by user_id) per_user) as "maxPerUser"
      from deliveries where channel = 'mail'`);
    const items = await db.get<{ n: number }>(sql`select count(*) as n from digest_items`);

    clock = start + 3_600_000;
    const digests = await sendDueDigests(deps);
    const perDigestUser = await db.get<{ maxPerUser: number; unsent: number }>(sql`select
        (select max(c) from (select count(*) as c from deliveries d join events e on e.id = d.event_id
          where e.name = 'notification_digest' group by d.user_id) per_user) as "maxPerUser",
        (select count(*) from digest_items where delivery_id is null) as unsent`);

    const pairs = events * sizes.users;
    const alertsCarried = Number(alerts?.n) + Number(alerts?.folded);
    const mailCarried = Number(immediate?.carried ?? 0);
    const lines = [
      `flood: ${events.toLocaleString('en')} events dispatched in ${(floodMs / 1000).toFixed(2)} s (${(floodMs / events).toFixed(2)} ms/event)`,
      `alerts: ${Number(alerts?.n).toLocaleString('en')} written (uncoalesced: ${pairs.toLocaleString('en')}); bell counts sum to ${Number(counts?.n).toLocaleString('en')}`,
      `alerts account for ${alertsCarried.toLocaleString('en')} of ${pairs.toLocaleString('en')} (event, user) pairs (alert + folded)`,
      `immediate mail (${immediateUsers} users): ${Number(immediate?.rows).toLocaleString('en')} delivery rows before digests, at most ${immediate?.maxPerUser} per user (uncoalesced: ${events.toLocaleString('en')} per user); they carry ${mailCarried.toLocaleString('en')} of ${(events * immediateUsers).toLocaleString('en')} events`,
      `hourly digest (${digestUsers} users): ${Number(items?.n).toLocaleString('en')} digest items (expected ${(events * digestUsers).toLocaleString('en')}); ${digests.digests} digests queued at the hour, at most ${perDigestUser?.maxPerUser ?? 0} per user; ${perDigestUser?.unsent ?? 0} items left unsent`,
    ];
    for (const line of lines) console.log(`  ${line}`);
    const lost =
      alertsCarried !== pairs ||
      mailCarried !== events * immediateUsers ||
      Number(items?.n) !== events * digestUsers ||
      Number(perDigestUser?.unsent) !== 0;
    console.log(`  nothing lost: ${lost ? 'NO' : 'yes'}`);
    report?.add({
      part: 'floods',
      db: dbName,
      figure: `${events} SLA events: alerts written`,
      value: String(alerts?.n),
      target: `≤ ${sizes.findings * sizes.users} (one per finding and user)`,
      verdict: Number(alerts?.n) <= sizes.findings * sizes.users ? 'meets' : 'MISSES',
    });
    report?.add({
      part: 'floods',
      db: dbName,
      figure: 'digest deliveries per user per hour',
      value: String(perDigestUser?.maxPerUser ?? 0),
      target: '1',
      verdict: Number(perDigestUser?.maxPerUser) === 1 ? 'meets' : 'MISSES',
    });
    report?.add({
      part: 'floods',
      db: dbName,
      figure: 'events lost',
      value: lost ? 'some' : '0',
      target: '0',
      verdict: lost ? 'MISSES' : 'meets',
    });
  } finally {
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runFloodsBench({ small: process.argv.includes('--small') }).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
