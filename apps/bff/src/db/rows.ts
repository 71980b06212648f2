/**
 * Row-level helpers over the tables of schema.ts, in portable SQL: find, insert, update and delete whole rows
 * with drizzle's operators for the conditions. They read the table's own column list, so a select returns the
 * typed row of `$inferSelect` (flags decoded to booleans) on either database. Hot paths write their SQL by hand.
 */
import {
  type Column,
  getTableColumns,
  getTableName,
  type InferInsertModel,
  type InferSelectModel,
  type SQL,
  sql,
  type Table,
} from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { Database } from './database';

type TColumnInfo = { key: string; column: Column; isGenerated: boolean; needsDecoding: boolean };
const columnCache = new WeakMap<Table, TColumnInfo[]>();

function columnsInfo(table: Table): TColumnInfo[] {
  let info = columnCache.get(table);
  if (!info) {
    info = Object.entries(getTableColumns(table)).map(([key, column]) => ({
      key,
      column,
      isGenerated: column.generated !== undefined,
      // Only flags (integer in 'boolean' mode) differ between the stored and the typed value.
      needsDecoding: column.columnType === 'SQLiteBoolean',
    }));
    columnCache.set(table, info);
  }
  return info;
}

/** The select list as drizzle builds it: one fragment per column (rendered anew on every use). */
export function columnsFragmentOf(table: Table): SQL {
  return sql.join(
    columnsInfo(table).map(({ key, column }) => sql`${column} as ${sql.identifier(key)}`),
    sql`, `,
  );
}

const columnsTextCache = new WeakMap<Table, SQL>();
const identifierDialect = new SQLiteSyncDialect();

/**
 * `"users"."first_name" as "firstName", …`: every column of the table, aliased to its property name. The text is
 * the same on both databases (identifiers in double quotes, no parameters), so it is rendered once per table and
 * reused: rendering users' columns anew cost about 50 µs and 60 KB of garbage on every request's authentication.
 */
export function columnsOf(table: Table): SQL {
  let text = columnsTextCache.get(table);
  if (!text) {
    text = sql.raw(identifierDialect.sqlToQuery(columnsFragmentOf(table)).sql);
    columnsTextCache.set(table, text);
  }
  return text;
}

/** The stored row (as selected by columnsOf) as the typed row: flags become booleans. */
export function decodeRow<T extends Table>(table: T, row: Record<string, unknown>): InferSelectModel<T> {
  for (const { key, column, needsDecoding } of columnsInfo(table)) {
    if (needsDecoding && row[key] !== null && row[key] !== undefined) row[key] = column.mapFromDriverValue(row[key]);
  }
  return row as InferSelectModel<T>;
}

export async function findRow<T extends Table>(db: Database, table: T, where: SQL | undefined): Promise<InferSelectModel<T> | undefined> {
  const row = await db.get<Record<string, unknown>>(
    sql`select ${columnsOf(table)} from ${table} ${where ? sql`where ${where}` : sql``} limit 1`,
  );
  return row ? decodeRow(table, row) : undefined;
}

export async function findRows<T extends Table>(
  db: Database,
  table: T,
  where?: SQL,
  options: { orderBy?: SQL; limit?: number; offset?: number } = {},
): Promise<InferSelectModel<T>[]> {
  const rows = await db.all<Record<string, unknown>>(sql`select ${columnsOf(table)} from ${table}
    ${where ? sql`where ${where}` : sql``}
    ${options.orderBy ? sql`order by ${options.orderBy}` : sql``}
    ${options.limit !== undefined ? sql`limit ${options.limit}` : sql``}
    ${options.offset !== undefined ? sql`offset ${options.offset}` : sql``}`);
  return rows.map((r) => decodeRow(table, r));
}

function encodedEntries(table: Table, values: Record<string, unknown>): { column: Column; value: unknown }[] {
  const entries: { column: Column; value: unknown }[] = [];
  for (const { key, column, isGenerated } of columnsInfo(table)) {
    if (isGenerated || !(key in values) || values[key] === undefined) continue;
    const value = values[key];
    entries.push({ column, value: value === null ? null : column.mapToDriverValue(value) });
  }
  return entries;
}

const columnName = (column: Column) => sql.identifier(column.name);

/** Insert one row and return it as stored (defaults and id filled in). */
export async function insertRow<T extends Table>(db: Database, table: T, values: InferInsertModel<T>): Promise<InferSelectModel<T>> {
  const entries = encodedEntries(table, values as Record<string, unknown>);
  const row = await db.get<Record<string, unknown>>(sql`insert into ${table} (${sql.join(
    entries.map((e) => columnName(e.column)),
    sql`, `,
  )})
    values (${sql.join(
      entries.map((e) => sql`${e.value}`),
      sql`, `,
    )}) returning ${returningColumns(table)}`);
  if (!row) throw new Error(`insert into ${getTableName(table)} returned no row`);
  return decodeRow(table, row);
}

/** Insert several rows with one statement (all rows must name the same columns). Returns how many were inserted. */
export async function insertRows<T extends Table>(db: Database, table: T, rows: InferInsertModel<T>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const first = encodedEntries(table, rows[0] as Record<string, unknown>);
  const tuples = rows.map((r) => {
    const entries = encodedEntries(table, r as Record<string, unknown>);
    return sql`(${sql.join(
      entries.map((e) => sql`${e.value}`),
      sql`, `,
    )})`;
  });
  return db.run(
    sql`insert into ${table} (${sql.join(
      first.map((e) => columnName(e.column)),
      sql`, `,
    )}) values ${sql.join(tuples, sql`, `)}`,
  );
}

/** Update the rows matching `where` with `patch`; returns the updated rows. */
export async function updateRows<T extends Table>(
  db: Database,
  table: T,
  patch: Partial<InferInsertModel<T>> | Record<string, unknown>,
  where: SQL | undefined,
): Promise<InferSelectModel<T>[]> {
  const entries = encodedEntries(table, patch as Record<string, unknown>);
  if (entries.length === 0) return findRows(db, table, where);
  const rows = await db.all<Record<string, unknown>>(sql`update ${table} set ${sql.join(
    entries.map((e) => sql`${columnName(e.column)} = ${e.value}`),
    sql`, `,
  )}
    ${where ? sql`where ${where}` : sql``} returning ${returningColumns(table)}`);
  return rows.map((r) => decodeRow(table, r));
}

/** Delete the rows matching `where`; returns how many were deleted. */
export function deleteRows(db: Database, table: Table, where: SQL | undefined): Promise<number> {
  return db.run(sql`delete from ${table} ${where ? sql`where ${where}` : sql``}`);
}

/** RETURNING takes bare column names (no table prefix) on both databases. */
function returningColumns(table: Table): SQL {
  return sql.join(
    columnsInfo(table).map(({ key, column }) => sql`${columnName(column)} as ${sql.identifier(key)}`),
    sql`, `,
  );
}
