/**
 * The foundation bench on PostgreSQL: a fresh database on the bench's server, migrated by
 * openPostgresDatabase as a replica would, with the PostgreSQL bus (fan-out's NOTIFY is part of what is timed).
 * Seeding is set-based (generate_series, unnest of arrays), a handful of statements for a million rows; the
 * rows are the same as on SQLite (foundation-data.ts). The floor is one INSERT … SELECT FROM unnest(…) in one
 * transaction, on a connection of its own.
 */
import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import type pg from 'pg';
import { createDeps } from '../src/app';
import { hashPassword } from '../src/auth/passwords';
import { generateApiKey } from '../src/auth/sessions';
import { eventCodeOf } from '../src/db/event-codes';
import { openPostgresDatabase } from '../src/db/postgres';
import { parseEnv } from '../src/env';
import { createPostgresBus } from '../src/notifications/bus';
import {
  ALERT_KINDS,
  BENCH_PASSWORD,
  DAY_MS,
  eventCount,
  FAN_OUT_ALERT,
  HEAVY_USER_ID,
  planMemberships,
  SEVERITIES,
  type TFoundationStore,
  type TSizes,
} from './foundation-data';
import type { TPgServer } from './postgres-server';
import { elapsedMs, fmtInt, fmtMs } from './report';
import { BENCH_SECRET_KEY } from './server-process';

/** Connections of the app's pool in this process (DATABASE_POOL_MAX's default). */
const POOL_MAX = 10;

export async function openPostgresFoundation(server: TPgServer): Promise<TFoundationStore> {
  const database = await server.createDatabase('foundation');
  const handle = await openPostgresDatabase(database.url, { max: POOL_MAX, applicationName: 'tocsin-bench-app' });
  const bus = await createPostgresBus(database.url);
  const env = parseEnv(
    { NODE_ENV: 'production' },
    {
      DATABASE_URL: database.url,
      SECRET_KEY: BENCH_SECRET_KEY,
      SEED_DEMO: false,
      WORKER_ENABLED: false,
      ALERT_RETENTION: -1,
      DATABASE_POOL_MAX: POOL_MAX,
    },
  );
  const deps = createDeps({ db: handle.db, bus }, env);
  const { pool } = handle;
  // The floor's rows carry an event id past every real one, as the fan-out's do (its event is the newest).
  let floorEventId = 1_000_000_000;

  return {
    dialect: 'postgres',
    describe: `database ${database.name} on ${server.describe}; app pool of ${POOL_MAX}, LISTEN/NOTIFY bus`,
    deps,
    seed: (sizes, log) => seedPostgres(pool, deps.now(), sizes, log),
    async insertFloor(userIds, createdAt) {
      const client = await pool.connect();
      try {
        const a = FAN_OUT_ALERT;
        const start = process.hrtime.bigint();
        await client.query('begin');
        await client.query(
          `insert into alerts (user_id, event_id, event, event_code, product_id, title, description, url, source, icon, created_at)
           select u, $11, $8, $10, $9, $2, $3, $4, $5, $6, $7 from unnest($1::int[]) as u`,
          [userIds, a.title, a.description, a.url, a.source, a.icon, createdAt, a.event, a.productId, eventCodeOf(a.event), ++floorEventId],
        );
        await client.query('commit');
        return elapsedMs(start);
      } finally {
        client.release();
      }
    },
    async quiesce() {},
    async settle() {
      // Not `vacuum full`: dead rows go back to the free space map, statistics are fresh, index-only scans work.
      await pool.query('vacuum analyze');
    },
    async sizeOnDisk() {
      const row = await pool.query<{ n: number }>('select pg_database_size(current_database()) as n');
      return Number(row.rows[0]?.n ?? 0);
    },
    async close() {
      await bus.close();
      await handle.db.close();
      await database.drop();
    },
  };
}

async function seedPostgres(pool: pg.Pool, now: number, sizes: TSizes, log: (line: string) => void) {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const client = await pool.connect();
  try {
    let t = process.hrtime.bigint();
    await client.query(
      `insert into users (id, username, email, first_name, last_name, password_hash, is_active, is_superuser, global_role, created_at)
       select g, name, name || '@bench.example', 'Bench', 'User ' || g, $1, 1, 0, null, $2
       from generate_series(1, $3::int) as g,
         lateral (select case when g = $4 then 'heavy' else 'user' || lpad(g::text, 5, '0') end as name) as n`,
      [passwordHash, now - DAY_MS * 365, sizes.users, HEAVY_USER_ID],
    );
    log(`users: ${fmtInt(sizes.users)} in ${fmtMs(elapsedMs(t))} ms`);

    t = process.hrtime.bigint();
    const productCount = sizes.productTypes * sizes.productsPerType;
    await client.query(
      `insert into product_types (id, name, created_at)
       select g, 'Product type ' || lpad(g::text, 3, '0'), $2 from generate_series(1, $1::int) as g`,
      [sizes.productTypes, now],
    );
    await client.query(
      `insert into products (id, name, product_type_id, created_at)
       select g, 'Product ' || lpad(g::text, 4, '0'), (g + $2 - 1) / $2, $3 from generate_series(1, $1::int) as g`,
      [productCount, sizes.productsPerType, now],
    );
    const plan = planMemberships(sizes);
    const columns = (rows: readonly (readonly [number, number, string])[]) => [
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[2]),
    ];
    await client.query(
      'insert into product_members (user_id, product_id, role) select * from unnest($1::int[], $2::int[], $3::text[])',
      columns(plan.productMembers),
    );
    await client.query(
      'insert into product_type_members (user_id, product_type_id, role) select * from unnest($1::int[], $2::int[], $3::text[])',
      columns(plan.productTypeMembers),
    );
    log(
      `product types: ${sizes.productTypes}, products: ${fmtInt(productCount)}, product memberships: ${fmtInt(plan.productMembers.length)}, ` +
        `product type memberships: ${fmtInt(plan.productTypeMembers.length)} in ${fmtMs(elapsedMs(t))} ms`,
    );

    t = process.hrtime.bigint();
    const events = [...EVENT_NAMES];
    const system = await client.query(
      `insert into notification_settings (scope, user_id, event, channels)
       select s.scope, null, e, s.channels from unnest($1::text[]) as e, (values ('system', 0), ('template', 1)) as s(scope, channels)`,
      [events],
    );
    // Every user's personal record as the template would have copied it: `alert` for every event.
    const personal = await client.query(
      `insert into notification_settings (scope, user_id, event, channels)
       select 'personal', u, e, 1 from generate_series(1, $1::int) as u, unnest($2::text[]) as e order by u`,
      [sizes.users, events],
    );
    log(`notification settings: ${fmtInt((system.rowCount ?? 0) + (personal.rowCount ?? 0))} rows in ${fmtMs(elapsedMs(t))} ms`);

    t = process.hrtime.bigint();
    // eventRow() of foundation-data.ts, as SQL: event k of the seed, oldest first (its id is k + 1).
    await client.query(
      `insert into events (id, name, routed_as, title, description, url, icon, source, product_id, created_at)
       select
         k + 1,
         ($7::text[])[k % 4 + 1],
         ($7::text[])[k % 4 + 1],
         case k % 4
           when 0 then 'Scan added: ' || (k % 17) || ' new findings in ZAP Scan'
           when 1 then 'Engagement "Q' || ((k % 4) + 1) || ' pentest" added'
           when 2 then 'SLA breached for finding #' || k
           else 'Test "Nightly DAST" added to engagement ' || (k % 500)
         end,
         '**' || ($2::text[])[k % 4 + 1] || '** on product ' || (k % $8 + 1) || E'.\\n\\nSeverity: ' || ($4::text[])[k % 4 + 1]
           || '. See the product page for details.',
         '/products/' || (k % $8 + 1) || '/findings?page=' || (k % 9 + 1),
         ($3::text[])[k % 4 + 1],
         ($2::text[])[k % 4 + 1],
         k % $8 + 1,
         $5::bigint + floor((k::float8 / $1::float8) * $6::float8)::bigint
       from generate_series(0, $1::int - 1) as k
       order by k`,
      [
        eventCount(sizes),
        ALERT_KINDS.map((k) => k.source),
        ALERT_KINDS.map((k) => k.icon),
        [...SEVERITIES],
        now - 90 * DAY_MS,
        90 * DAY_MS,
        ALERT_KINDS.map((k) => k.event),
        sizes.productTypes * sizes.productsPerType,
      ],
    );
    log(`events: ${fmtInt(eventCount(sizes))} (with their text index) in ${fmtMs(elapsedMs(t))} ms`);
    t = process.hrtime.bigint();
    // alertRow() of foundation-data.ts, as SQL: alert n of the seed, oldest first (ids follow n), its event's fields.
    const stride = sizes.alerts / sizes.heavyAlerts;
    await client.query(
      `insert into alerts (user_id, event_id, event, event_code, product_id, title, description, url, source, icon, created_at)
       select
         case when n % $2 = 0 then $3 else 2 + ((n - ((n - 1) / $2 + 1)) % $4) end,
         e.id, e.routed_as, ($5::int[])[array_position($6::text[], e.routed_as)], e.product_id, e.title, e.description, e.url,
         e.source, e.icon, e.created_at
       from generate_series(0, $1::int - 1) as n join events e on e.id = n / $2 + 1
       order by n`,
      [sizes.alerts, stride, HEAVY_USER_ID, sizes.users - 1, ALERT_KINDS.map((k) => eventCodeOf(k.event)), ALERT_KINDS.map((k) => k.event)],
    );
    log(`alerts: ${fmtInt(sizes.alerts)} (${fmtInt(sizes.heavyAlerts)} for the heavy user) in ${fmtMs(elapsedMs(t))} ms`);

    // Explicit ids above: move the identity sequences past them, as if the rows had been inserted one by one.
    for (const table of ['users', 'product_types', 'products', 'events']) {
      await client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
    }
    const { key, prefix, keyHash } = generateApiKey();
    await client.query('insert into api_tokens (user_id, name, prefix, key_hash, created_at) values ($1, $2, $3, $4, $5)', [
      HEAVY_USER_ID,
      'bench',
      prefix,
      keyHash,
      now,
    ]);
    return {
      teamProductId: plan.teamProductId,
      teamRecipients: plan.teamRecipients,
      sharedProductId: plan.sharedProductId,
      allRecipients: plan.allRecipients,
      heavyKey: key,
    };
  } finally {
    client.release();
  }
}
