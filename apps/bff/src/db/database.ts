/**
 * The async data layer every service talks to. Two implementations sit behind it: SQLite (db/sqlite.ts, the
 * embedded default) and PostgreSQL (db/postgres.ts, for replicas). Services write portable SQL with drizzle's
 * `sql` tag and operators (eq, and, inArray, …) over the tables of schema.ts; the few things that cannot be
 * written portably are either a fragment in `fragments` or a whole operation in `hot` (db/hot-paths.ts).
 *
 * Conventions that keep SQL portable:
 * - alias camelCase columns in double quotes (`user_id as "userId"`): PostgreSQL folds unquoted aliases;
 * - booleans are 0/1 integers in both databases; compare with `= 1`, and wrap a computed boolean in
 *   `case when … then 1 else 0 end` (PostgreSQL would return true/false);
 * - bigint and numeric values come back as JS numbers on both;
 * - a transaction passes its own `tx` down; using the outer database inside it throws (it would deadlock on
 *   SQLite and escape the transaction on PostgreSQL).
 */
import type { SQL, SQLWrapper } from 'drizzle-orm';
import type { THotPaths } from './hot-paths';

export type TDialect = 'sqlite' | 'postgres';

/** SQL that differs between the dialects, as fragments to embed in portable statements. */
export type TSqlFragments = {
  /** `column` is one of `ids` — one bound parameter however many ids (json_each / = any). */
  inIds(column: SQLWrapper, ids: readonly number[]): SQL;
  /** Case-insensitive equality, served by the `*_nocase` indexes. */
  ciEquals(column: SQLWrapper, value: string): SQL;
  /** Case-insensitive `like` with `\` as the escape character. */
  ciLike(column: SQLWrapper, pattern: string): SQL;
  /** An ORDER BY key that sorts case-insensitively. */
  ciOrder(column: SQLWrapper): SQL;
  /** The larger of two values. */
  greatest(a: SQLWrapper, b: SQLWrapper): SQL;
  /** The calendar date (YYYY-MM-DD text) `days` (an integer expression) after the YYYY-MM-DD text `date`. */
  addDays(date: SQLWrapper, days: SQLWrapper): SQL;
  /**
   * Ends a sub-select that picks queue rows to take: rows another transaction holds are passed over, not waited
   * for (PostgreSQL: FOR UPDATE SKIP LOCKED). Empty on SQLite, where the transaction already holds the writer lock.
   */
  skipLocked(): SQL;
};

/** How to run one statement. */
export type TStatementOptions = {
  /**
   * A statement run very often with the same text (authentication, the bell): PostgreSQL prepares it once per
   * connection under this name and reuses its plan (no planning per request). Ignored on SQLite, which keeps its
   * prepared statements anyway, and on PostgreSQL when DATABASE_PREPARED_STATEMENTS is off (an old PgBouncer).
   */
  prepareAs?: string;
};

export type Database = {
  readonly dialect: TDialect;
  /** True inside transaction(): statements run on the transaction's connection. */
  readonly isTransaction: boolean;
  all<T = Record<string, unknown>>(query: SQL, options?: TStatementOptions): Promise<T[]>;
  get<T = Record<string, unknown>>(query: SQL, options?: TStatementOptions): Promise<T | undefined>;
  /** Runs a statement; returns the number of rows it changed (or returned, for RETURNING). */
  run(query: SQL): Promise<number>;
  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE on SQLite) and commits, or rolls back if it throws.
   * Inside a transaction this simply runs `fn` with the same transaction (no savepoints).
   */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  /** Runs `fn` after the surrounding transaction commits (at once outside a transaction). Never after a rollback. */
  afterCommit(fn: () => void): void;
  readonly fragments: TSqlFragments;
  readonly hot: THotPaths;
  close(): Promise<void>;
};

/**
 * PostgreSQL text cannot hold U+0000 (the statement fails; SQLite stores it), so it is dropped on both dialects and
 * both store the same text. What people send is refused before it gets here (lib/router.ts); this keeps text from
 * elsewhere (a scan file, a receiver's answer, a search term) from failing a transaction on PostgreSQL.
 */
const withoutNul = (value: string) => (value.includes('\u0000') ? value.replaceAll('\u0000', '') : value);

/** Booleans become 0/1 (both schemas store flags as integers), undefined becomes NULL, and text loses U+0000. */
export function normalizeParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === true) return 1;
  if (value === false) return 0;
  if (typeof value === 'string') return withoutNul(value);
  // Arrays bound as one parameter (the PostgreSQL hot paths' unnest).
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? withoutNul(v) : v));
  return value;
}

/** A flag column or a computed condition read back from either database (0/1, or true/false on PostgreSQL). */
export const isTruthy = (value: unknown): boolean => value === true || value === 1 || value === '1';

export class OuterDatabaseInTransactionError extends Error {
  constructor() {
    super('The outer database was used inside one of its transactions: pass the transaction (tx) down instead.');
  }
}
