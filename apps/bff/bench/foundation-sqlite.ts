/**
 * The foundation bench on SQLite: a fresh file in WAL mode (as openSqliteDatabase sets it), seeded with raw
 * prepared statements in large transactions (seeding is not what is measured).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import type BetterSqlite3 from 'better-sqlite3';
import { createDeps } from '../src/app';
import { hashPassword } from '../src/auth/passwords';
import { generateApiKey } from '../src/auth/sessions';
import { eventCodeOf } from '../src/db/event-codes';
import { openSqliteDatabase } from '../src/db/sqlite';
import { parseEnv } from '../src/env';
import { createInProcessBus } from '../src/notifications/bus';
import { registerCleanup } from './cleanup';
import {
  alertRow,
  BENCH_PASSWORD,
  DAY_MS,
  eventCount,
  eventRow,
  FAN_OUT_ALERT,
  HEAVY_USER_ID,
  planMemberships,
  type TFoundationStore,
  type TSizes,
  usernameOf,
} from './foundation-data';
import { elapsedMs, fmtInt, fmtMs } from './report';

export function openSqliteFoundation(): TFoundationStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-bench-'));
  const removeDir = registerCleanup(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'bench.db');
  const handle = openSqliteDatabase(file, { backgroundCheckpoints: true });
  const { sqlite } = handle;
  // Retention off: the default (999 newest per user) would trim the 100,000-alert list this bench is about.
  // The worker and scheduler are not started (createApp does not start them), so nothing else writes meanwhile.
  const env = parseEnv({ NODE_ENV: 'production' }, { DATABASE_PATH: file, SEED_DEMO: false, WORKER_ENABLED: false, ALERT_RETENTION: -1 });
  const deps = createDeps({ db: handle.db, bus: createInProcessBus() }, env);

  const insertAlert = sqlite.prepare<[number, number, string, number | null, number, string, string, string, string, string, number]>(
    `insert into alerts (user_id, event_id, event, event_code, product_id, title, description, url, source, icon, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // The floor's rows carry an event id past every real one, as the fan-out's do (its event is the newest).
  let floorEventId = 1_000_000_000;
  const floorRun = sqlite.transaction((userIds: readonly number[], createdAt: number) => {
    const a = FAN_OUT_ALERT;
    floorEventId += 1;
    const code = eventCodeOf(a.event);
    for (const userId of userIds) {
      insertAlert.run(userId, floorEventId, a.event, code, a.productId, a.title, a.description, a.url, a.source, a.icon, createdAt);
    }
  });

  return {
    dialect: 'sqlite',
    describe: `${file} (SQLite, WAL, synchronous=NORMAL, as openSqliteDatabase sets it)`,
    deps,
    async seed(sizes, log) {
      return seedSqlite(sqlite, deps.now(), sizes, log, insertAlert);
    },
    async insertFloor(userIds, createdAt) {
      const start = process.hrtime.bigint();
      floorRun(userIds, createdAt);
      return elapsedMs(start);
    },
    async settle() {
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    },
    async quiesce() {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    },
    async sizeOnDisk() {
      return fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    },
    async close() {
      if (sqlite.open) sqlite.close();
      await removeDir();
    },
  };
}

type TSqlite = ReturnType<typeof openSqliteDatabase>['sqlite'];
type TAlertInsert = BetterSqlite3.Statement<
  [number, number, string, number | null, number, string, string, string, string, string, number]
>;

async function seedSqlite(sqlite: TSqlite, now: number, sizes: TSizes, log: (line: string) => void, insertAlert: TAlertInsert) {
  const passwordHash = await hashPassword(BENCH_PASSWORD);

  let t = process.hrtime.bigint();
  const insertUser = sqlite.prepare<[number, string, string, string, string, string, number]>(
    `insert into users (id, username, email, first_name, last_name, password_hash, is_active, is_superuser, global_role, created_at)
     values (?, ?, ?, ?, ?, ?, 1, 0, null, ?)`,
  );
  sqlite.transaction(() => {
    for (let id = 1; id <= sizes.users; id++) {
      const username = usernameOf(id);
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
  const plan = planMemberships(sizes);
  const insertPm = sqlite.prepare<[number, number, string]>('insert into product_members (user_id, product_id, role) values (?, ?, ?)');
  const insertPtm = sqlite.prepare<[number, number, string]>(
    'insert into product_type_members (user_id, product_type_id, role) values (?, ?, ?)',
  );
  sqlite.transaction(() => {
    for (const row of plan.productMembers) insertPm.run(...row);
    for (const row of plan.productTypeMembers) insertPtm.run(...row);
  })();
  log(
    `product types: ${sizes.productTypes}, products: ${fmtInt(productCount)}, product memberships: ${fmtInt(plan.productMembers.length)}, ` +
      `product type memberships: ${fmtInt(plan.productTypeMembers.length)} in ${fmtMs(elapsedMs(t))} ms`,
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
  const startMs = now - 90 * DAY_MS;
  const spanMs = 90 * DAY_MS;
  // The events first (their text index is kept by triggers), then their alerts, oldest first, interleaved by user.
  const insertEvent = sqlite.prepare<[number, string, string, string, string, string, string, string, number, number]>(
    `insert into events (id, name, routed_as, title, description, url, icon, source, product_id, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let k = 0; k < eventCount(sizes); k++) {
      const e = eventRow(k, sizes, startMs, spanMs);
      insertEvent.run(e.id, e.event, e.event, e.title, e.description, e.url, e.icon, e.source, e.productId, e.createdAt);
    }
  })();
  log(`events: ${fmtInt(eventCount(sizes))} (with their text index) in ${fmtMs(elapsedMs(t))} ms`);
  t = process.hrtime.bigint();
  const insertBatch = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const r = alertRow(n, sizes, startMs, spanMs);
      insertAlert.run(
        r.userId,
        r.eventId,
        r.event,
        eventCodeOf(r.event),
        r.productId,
        r.title,
        r.description,
        r.url,
        r.source,
        r.icon,
        r.createdAt,
      );
    }
  });
  for (let from = 0; from < sizes.alerts; from += sizes.alertBatch) insertBatch(from, Math.min(sizes.alerts, from + sizes.alertBatch));
  log(`alerts: ${fmtInt(sizes.alerts)} (${fmtInt(sizes.heavyAlerts)} for the heavy user) in ${fmtMs(elapsedMs(t))} ms`);

  const { key, prefix, keyHash } = generateApiKey();
  sqlite
    .prepare('insert into api_tokens (user_id, name, prefix, key_hash, created_at) values (?, ?, ?, ?, ?)')
    .run(HEAVY_USER_ID, 'bench', prefix, keyHash, now);

  return {
    teamProductId: plan.teamProductId,
    teamRecipients: plan.teamRecipients,
    sharedProductId: plan.sharedProductId,
    allRecipients: plan.allRecipients,
    heavyKey: key,
  };
}
