/** How the server's SQLite connection is opened: its page cache (DATABASE_CACHE_MIB). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { openStore } from './open';
import { openSqliteDatabase, SQLITE_CACHE_MIB, type TSqliteHandle } from './sqlite';

const dirs: string[] = [];
const handles: TSqliteHandle[] = [];
afterEach(() => {
  for (const h of handles.splice(0)) h.sqlite.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-sqlite-'));
  dirs.push(dir);
  return path.join(dir, 'tocsin.db');
}

/** SQLite reports a cache size given in KiB as a negative number. */
const cacheMiBOf = (h: TSqliteHandle) => -Number(h.sqlite.pragma('cache_size', { simple: true })) / 1024;

describe('the SQLite page cache', () => {
  it(`is ${SQLITE_CACHE_MIB} MiB unless told otherwise, and what it is told`, () => {
    const plain = openSqliteDatabase(tempFile());
    handles.push(plain);
    expect(cacheMiBOf(plain)).toBe(SQLITE_CACHE_MIB);
    const small = openSqliteDatabase(tempFile(), { cacheMiB: 8 });
    handles.push(small);
    expect(cacheMiBOf(small)).toBe(8);
  });

  it('comes from DATABASE_CACHE_MIB through the store the server opens', async () => {
    const env = parseEnv({ DATABASE_CACHE_MIB: '24' });
    expect(env.DATABASE_CACHE_MIB).toBe(24);
    expect(parseEnv({}).DATABASE_CACHE_MIB).toBe(SQLITE_CACHE_MIB);
    const store = await openStore({ databasePath: tempFile(), cacheMiB: env.DATABASE_CACHE_MIB });
    try {
      const row = await store.db.get<{ cache_size: number }>(sql`pragma cache_size`);
      expect(row?.cache_size).toBe(-24 * 1024);
    } finally {
      await store.close();
    }
  });

  it('refuses a size that is not a whole number of MiB from 1 to 4096, naming the variable', () => {
    for (const bad of ['0', '-5', '1.5', 'lots', '5000']) {
      expect(() => parseEnv({ DATABASE_CACHE_MIB: bad }), bad).toThrow(
        'Invalid environment:\n  DATABASE_CACHE_MIB: must be a whole number of MiB from 1 to 4096',
      );
    }
  });
});
