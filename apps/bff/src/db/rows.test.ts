/** The select list columnsOf renders once per table is exactly what drizzle renders anew, on both dialects. */
import { is, sql, Table } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { columnsFragmentOf, columnsOf } from './rows';
import * as sqliteSchema from './schema';
import * as pgSchema from './schema.pg';

const tablesOf = (schema: Record<string, unknown>) => Object.entries(schema).filter((e): e is [string, Table] => is(e[1], Table));
const dialects = { sqlite: new SQLiteSyncDialect(), postgres: new PgDialect() };

describe('columnsOf', () => {
  const tables: [string, Table][] = [
    ...tablesOf(sqliteSchema).map(([n, t]): [string, Table] => [`sqlite ${n}`, t]),
    ...tablesOf(pgSchema).map(([n, t]): [string, Table] => [`pg ${n}`, t]),
  ];

  it('covers every table of both schemas', () => {
    expect(tables.length).toBeGreaterThan(30);
  });

  it.each(tables)('%s: the same text and no parameters as drizzle on both dialects', (_name, table) => {
    for (const dialect of Object.values(dialects)) {
      const fresh = dialect.sqlToQuery(sql`select ${columnsFragmentOf(table)} from ${table} where id = ${7}`);
      const cached = dialect.sqlToQuery(sql`select ${columnsOf(table)} from ${table} where id = ${7}`);
      expect(cached).toEqual(fresh);
      expect(cached.params).toEqual([7]);
    }
  });

  it('renders each table once and reuses it', () => {
    const [, table] = tables[0] as [string, Table];
    expect(columnsOf(table)).toBe(columnsOf(table));
  });
});
