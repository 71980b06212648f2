/**
 * Open the store the environment names: PostgreSQL when DATABASE_URL is a postgres:// URL, else the SQLite
 * file at DATABASE_PATH. Either way the schema is migrated before this resolves, and the bus that matches
 * the database comes with it (LISTEN/NOTIFY for PostgreSQL, in-process for SQLite).
 */
import { type Bus, createInProcessBus, createPostgresBus } from '../notifications/bus';
import type { Database } from './database';
import { openPostgresDatabase } from './postgres';
import { openSqliteDatabase } from './sqlite';

export type TStore = {
  db: Database;
  bus: Bus;
  /** Where the data is, for the start-up line (no password). */
  location: string;
  close(): Promise<void>;
};

export type TStoreOptions = {
  databaseUrl?: string;
  databasePath: string;
  /** SQLite's page cache (DATABASE_CACHE_MIB). */
  cacheMiB?: number;
  poolMax?: number;
  preparedStatements?: boolean;
};

export const isPostgresUrl = (url: string | undefined): url is string => !!url && /^postgres(ql)?:\/\//i.test(url);

/** The URL without its password, for logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export async function openStore(options: TStoreOptions): Promise<TStore> {
  if (isPostgresUrl(options.databaseUrl)) {
    const handle = await openPostgresDatabase(options.databaseUrl, {
      max: options.poolMax,
      preparedStatements: options.preparedStatements,
    });
    const bus = await createPostgresBus(options.databaseUrl);
    return {
      db: handle.db,
      bus,
      location: describeDatabaseUrl(options.databaseUrl),
      async close() {
        await bus.close();
        await handle.db.close();
      },
    };
  }
  const handle = openSqliteDatabase(options.databasePath, { backgroundCheckpoints: true, cacheMiB: options.cacheMiB });
  const bus = createInProcessBus();
  return {
    db: handle.db,
    bus,
    location: handle.path,
    async close() {
      await bus.close();
      await handle.db.close();
    },
  };
}
