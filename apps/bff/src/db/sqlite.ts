/**
 * The SQLite implementation of the data layer (better-sqlite3, one connection, WAL).
 *
 * better-sqlite3 is synchronous, so one connection is shared by every request. An async transaction would let
 * other requests' statements slip into it between its awaits; a FIFO lock prevents that: a transaction holds
 * the lock from BEGIN to COMMIT, and any statement outside it waits for its turn. With the lock free (nearly
 * always), a statement runs at once, with no queueing cost. Prepared statements are cached by their SQL text.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { type Database, normalizeParam, OuterDatabaseInTransactionError, type TSqlFragments } from './database';
import { sqliteHotPaths } from './hot-paths.sqlite';
import { startCheckpointer, type TCheckpointer } from './sqlite-checkpointer';

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations', 'sqlite');
const STATEMENT_CACHE_SIZE = 500;

export const sqliteFragments: TSqlFragments = {
  inIds: (column, ids) => sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`,
  ciEquals: (column, value) => sql`${column} = ${value} collate nocase`,
  ciLike: (column, pattern) => sql`${column} like ${pattern} escape '\\'`,
  ciOrder: (column) => sql`${column} collate nocase`,
  greatest: (a: SQLWrapper, b: SQLWrapper) => sql`max(${a}, ${b})`,
  addDays: (date: SQLWrapper, days: SQLWrapper) => sql`date(${date}, printf('%+d days', ${days}))`,
  skipLocked: () => sql``,
};

type TTxState = { owner: SqliteConnection; isActive: boolean };

/** The connection, its statement cache and its lock; shared by the outer database and its transactions. */
class SqliteConnection {
  readonly dialect = new SQLiteSyncDialect();
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private isLocked = false;
  private readonly waiters: (() => void)[] = [];
  readonly txContext = new AsyncLocalStorage<TTxState>();

  constructor(readonly sqlite: BetterSqlite3.Database) {}

  private prepare(text: string): BetterSqlite3.Statement {
    let statement = this.statements.get(text);
    if (statement) {
      // Re-insert: the Map's order is the LRU order.
      this.statements.delete(text);
    } else {
      statement = this.sqlite.prepare(text);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
    }
    this.statements.set(text, statement);
    return statement;
  }

  execute(query: SQL, mode: 'all' | 'get' | 'run'): unknown {
    const { sql: text, params } = this.dialect.sqlToQuery(query);
    const statement = this.prepare(text);
    const values = params.map(normalizeParam);
    if (mode === 'run') return statement.reader ? statement.all(...values).length : statement.run(...values).changes;
    if (!statement.reader) {
      statement.run(...values);
      return mode === 'all' ? [] : undefined;
    }
    return mode === 'all' ? statement.all(...values) : statement.get(...values);
  }

  async acquire(): Promise<void> {
    if (!this.isLocked) {
      this.isLocked = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.isLocked = false;
  }

  get isFree(): boolean {
    return !this.isLocked;
  }

  assertNotInOwnTransaction(): void {
    const state = this.txContext.getStore();
    if (state?.owner === this && state.isActive) throw new OuterDatabaseInTransactionError();
  }
}

class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  readonly fragments = sqliteFragments;
  readonly hot = sqliteHotPaths;

  constructor(
    private readonly connection: SqliteConnection,
    private readonly tx: { hooks: (() => void)[] } | null,
  ) {}

  get isTransaction(): boolean {
    return this.tx !== null;
  }

  private async execute(query: SQL, mode: 'all' | 'get' | 'run'): Promise<unknown> {
    if (this.tx) return this.connection.execute(query, mode);
    this.connection.assertNotInOwnTransaction();
    if (this.connection.isFree) return this.connection.execute(query, mode);
    await this.connection.acquire();
    try {
      return this.connection.execute(query, mode);
    } finally {
      this.connection.release();
    }
  }

  all<T>(query: SQL): Promise<T[]> {
    return this.execute(query, 'all') as Promise<T[]>;
  }

  get<T>(query: SQL): Promise<T | undefined> {
    return this.execute(query, 'get') as Promise<T | undefined>;
  }

  async run(query: SQL): Promise<number> {
    const changed = (await this.execute(query, 'run')) as number;
    // A write outside transaction() committed on its own: the log has new pages to copy.
    if (!this.tx) this.checkpointer?.wake();
    return changed;
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    this.connection.assertNotInOwnTransaction();
    await this.connection.acquire();
    const state: TTxState = { owner: this.connection, isActive: true };
    const hooks: (() => void)[] = [];
    let result: T;
    try {
      this.connection.sqlite.exec('BEGIN IMMEDIATE');
      try {
        const tx = new SqliteDatabase(this.connection, { hooks });
        result = await this.connection.txContext.run(state, () => fn(tx));
        this.connection.sqlite.exec('COMMIT');
        this.checkpointer?.wake();
      } catch (err) {
        if (this.connection.sqlite.inTransaction) this.connection.sqlite.exec('ROLLBACK');
        throw err;
      }
    } finally {
      state.isActive = false;
      this.connection.release();
    }
    for (const hook of hooks) hook();
    return result;
  }

  afterCommit(fn: () => void): void {
    if (this.tx) this.tx.hooks.push(fn);
    else fn();
  }

  /** Set by openSqliteDatabase when checkpoints run on a background thread: stopped before the connection closes. */
  checkpointer: TCheckpointer | null = null;

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.connection.sqlite.open) this.connection.sqlite.close();
  }
}

export type TSqliteHandle = { db: Database; sqlite: BetterSqlite3.Database; path: string };

/**
 * The page cache of the connection, in MiB (SQLite's own default is 2). A fan-out writes one entry per recipient
 * at that user's place in the alerts_user index, so it touches about one index page per recipient: with 2 MiB,
 * the pages of a 10,000-user audience are read from the OS again for every event. Foundation bench, 1 M alerts,
 * fan-out to 10,000: 262–272 ms in 5 runs of 7 with 2 MiB (123–133 in the others); 97–109 ms in 3 of 6 with
 * 64 MiB (240–251 in the others, runs in which this VM's disk wrote slowly and the plain-insert floor was slow too).
 * Pages take memory only once read: 2,000 idle streams measure 229–236 MiB of server RSS (230 with 2 MiB).
 */
export const SQLITE_CACHE_MIB = 64;

/**
 * Open (creating if needed) a SQLite file in WAL mode with foreign keys on, and apply pending migrations. With
 * `backgroundCheckpoints` (the server's and the bench's choice), WAL checkpoints run on a worker thread instead
 * of inside whichever commit fills the log (sqlite-checkpointer.ts). `cacheMiB`: DATABASE_CACHE_MIB.
 */
export function openSqliteDatabase(file: string, options: { backgroundCheckpoints?: boolean; cacheMiB?: number } = {}): TSqliteHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = ${-1024 * Math.trunc(options.cacheMiB ?? SQLITE_CACHE_MIB)}`);
  migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
  sqlite.prepare('insert into system_settings (id) values (1) on conflict do nothing').run();
  const db = new SqliteDatabase(new SqliteConnection(sqlite), null);
  if (options.backgroundCheckpoints && file !== ':memory:') {
    sqlite.pragma('wal_autocheckpoint = 0');
    db.checkpointer = startCheckpointer(file);
  }
  return { db, sqlite, path: file };
}
