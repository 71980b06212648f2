/**
 * The PostgreSQL implementation of the data layer (node-postgres pool), for one or many replicas.
 * Migrations run at start under an advisory lock, so replicas starting together migrate once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { type Database, normalizeParam, OuterDatabaseInTransactionError, type TSqlFragments, type TStatementOptions } from './database';
import { pgHotPaths } from './hot-paths.pg';

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations', 'pg');
/** Any constant works; it only has to be the same for every replica. ("tocsin" in ASCII.) */
export const MIGRATION_LOCK_KEY = 0x746f6373696e;

export const pgFragments: TSqlFragments = {
  inIds: (column, ids) => sql`${column} = any(${sql.param(ids as number[])}::bigint[])`,
  ciEquals: (column, value) => sql`lower(${column}) = lower(${value})`,
  ciLike: (column, pattern) => sql`${column} ilike ${pattern} escape '\\'`,
  ciOrder: (column) => sql`lower(${column})`,
  greatest: (a: SQLWrapper, b: SQLWrapper) => sql`greatest(${a}, ${b})`,
  addDays: (date: SQLWrapper, days: SQLWrapper) => sql`to_char(cast(${date} as date) + cast(${days} as integer), 'YYYY-MM-DD')`,
  skipLocked: () => sql`for update skip locked`,
};

// bigint (int8) and numeric come back as strings by default; every such value here (ids, unix ms, counts)
// fits a JS number.
const toNumber = (value: string) => Number(value);
const typeParsers = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return toNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

type TTxState = { owner: PgDatabase; isActive: boolean };
const txContext = new AsyncLocalStorage<TTxState>();
const dialect = new PgDialect();

type TQueryable = Pick<pg.PoolClient, 'query'>;

class PgDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly fragments = pgFragments;
  readonly hot = pgHotPaths;

  constructor(
    readonly pool: pg.Pool,
    private readonly settings: { preparedStatements: boolean },
    private readonly tx: { client: pg.PoolClient; hooks: (() => void)[]; root: PgDatabase } | null,
  ) {}

  get isTransaction(): boolean {
    return this.tx !== null;
  }

  private async query(query: SQL, options?: TStatementOptions): Promise<pg.QueryResult> {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const values = params.map(normalizeParam);
    let target: TQueryable = this.pool;
    if (this.tx) {
      target = this.tx.client;
    } else {
      const state = txContext.getStore();
      if (state?.owner === this && state.isActive) throw new OuterDatabaseInTransactionError();
    }
    const name = options?.prepareAs && this.settings.preparedStatements ? options.prepareAs : undefined;
    return name ? target.query({ name, text, values }) : target.query(text, values);
  }

  async all<T>(query: SQL, options?: TStatementOptions): Promise<T[]> {
    return (await this.query(query, options)).rows as T[];
  }

  async get<T>(query: SQL, options?: TStatementOptions): Promise<T | undefined> {
    return (await this.query(query, options)).rows[0] as T | undefined;
  }

  async run(query: SQL): Promise<number> {
    return (await this.query(query)).rowCount ?? 0;
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    const state = txContext.getStore();
    if (state?.owner === this && state.isActive) throw new OuterDatabaseInTransactionError();
    const client = await this.pool.connect();
    const hooks: (() => void)[] = [];
    const own: TTxState = { owner: this, isActive: true };
    let result: T;
    try {
      await client.query('BEGIN');
      try {
        result = await txContext.run(own, () => fn(new PgDatabase(this.pool, this.settings, { client, hooks, root: this })));
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      own.isActive = false;
      client.release();
    }
    for (const hook of hooks) hook();
    return result;
  }

  afterCommit(fn: () => void): void {
    if (this.tx) this.tx.hooks.push(fn);
    else fn();
  }

  async close(): Promise<void> {
    if (!this.tx) await this.pool.end();
  }
}

export type TPgHandle = { db: Database; pool: pg.Pool; url: string };

export type TPgOptions = {
  max?: number;
  applicationName?: string;
  /** Name the statements that ask for it (TStatementOptions.prepareAs); off for a PgBouncer without prepared statements. */
  preparedStatements?: boolean;
};

/** Connect, migrate (once across replicas, under an advisory lock) and make sure the settings row exists. */
export async function openPostgresDatabase(url: string, options: TPgOptions = {}): Promise<TPgHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'tocsin',
    types: typeParsers,
  });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', (err) => console.error(`PostgreSQL pool: ${err.message}`));
  // No JIT: its compile time (hundreds of ms) is decided by cost estimates and paid by OLTP statements whose plan
  // looks expensive but runs in milliseconds — the candidates of a fan-out to 10,000 users with personal rules
  // ran 420 ms, 377 of them compiling. Queued on the new connection before anything else runs on it.
  pool.on('connect', (client) => {
    client.query('set jit = off').catch((err: Error) => console.error(`PostgreSQL: could not turn JIT off: ${err.message}`));
  });
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
      await client.query('insert into system_settings (id) values (1) on conflict do nothing');
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
  return { db: new PgDatabase(pool, { preparedStatements: options.preparedStatements ?? true }, null), pool, url };
}
