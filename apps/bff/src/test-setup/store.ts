/** A fresh, migrated, empty database (and its bus) for one test, on the dialect of this test run. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TStore } from '../db/open';
import { openPostgresDatabase } from '../db/postgres';
import { openSqliteDatabase } from '../db/sqlite';
import { createInProcessBus, createPostgresBus } from '../notifications/bus';
import { createTestPostgresDatabase } from './postgres';

/** The dialect this test run uses: PostgreSQL when the test command gave a server, else SQLite. */
export const TEST_DIALECT: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';

/** A fresh, migrated, empty database (and its bus), for one test. */
export async function openTestStore(): Promise<{ store: Pick<TStore, 'db' | 'bus' | 'location'>; cleanup: () => Promise<void> }> {
  if (TEST_DIALECT === 'postgres') {
    const { url, drop } = await createTestPostgresDatabase();
    const handle = await openPostgresDatabase(url, { max: 4 });
    const bus = await createPostgresBus(url);
    return {
      store: { db: handle.db, bus, location: url },
      cleanup: async () => {
        await bus.close();
        await handle.db.close();
        await drop();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-test-'));
  const handle = openSqliteDatabase(path.join(dir, 'test.db'));
  const bus = createInProcessBus();
  return {
    store: { db: handle.db, bus, location: handle.path },
    cleanup: async () => {
      await handle.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
