/** schema.ts (SQLite) and schema.pg.ts must describe the same tables and columns: one body of SQL serves both. */
import { getTableColumns, getTableName, is, Table } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from './schema';
import * as pgSchema from './schema.pg';

function describeSchema(schema: Record<string, unknown>) {
  const tables: Record<string, Record<string, { name: string; notNull: boolean; hasDefault: boolean; primary: boolean }>> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!is(value, Table)) continue;
    const columns: (typeof tables)[string] = {};
    for (const [prop, column] of Object.entries(getTableColumns(value))) {
      // Identity (PostgreSQL) and rowid (SQLite) keys both fill themselves in; only other defaults are compared.
      columns[prop] = {
        name: column.name,
        notNull: column.notNull,
        hasDefault: column.primary || column.hasDefault,
        primary: column.primary,
      };
    }
    tables[`${key}:${getTableName(value)}`] = columns;
  }
  return tables;
}

describe('schema parity', () => {
  it('has the same tables, column names, nullability, defaults and primary keys on SQLite and PostgreSQL', () => {
    expect(describeSchema(pgSchema)).toEqual(describeSchema(sqliteSchema));
  });
});
