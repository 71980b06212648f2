/**
 * The PostgreSQL server the bench runs against: its own throw-away cluster (scripts/pg-cluster.mjs's
 * startPostgres(), stopped at the end), or the server of BENCH_DATABASE_URL. Either way every bench part gets
 * fresh databases of its own (tocsin_bench_*), created here and dropped when it is done, so a given server's
 * existing databases are never touched; BENCH_DATABASE_URL's role needs CREATEDB. The throw-away cluster is
 * stopped by the cleanup registry (run.ts runs it at the end, and on interrupt).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { registerCleanup } from './cleanup';

export type TPgServer = {
  /** Where the server is, for the report (no password). */
  describe: string;
  /** The server's processes on this machine (the postmaster and its children), for CPU accounting; empty for a given server. */
  processIds(): number[];
  /** A new, empty database; drop() removes it (also run on interrupt). */
  createDatabase(label: string): Promise<{ url: string; name: string; drop: () => Promise<void> }>;
};

type TPgCluster = { url: string; dir: string; port: number; stop: () => void };
type TPgClusterModule = { startPostgres: () => Promise<TPgCluster> };

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'tocsin-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function serverOf(adminUrl: string, describe: string, processIds: () => number[]): TPgServer {
  return {
    describe,
    processIds,
    async createDatabase(label) {
      const name = `tocsin_bench_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(3).toString('hex')}`;
      await withClient(adminUrl, (c) => c.query(`create database ${name}`));
      const drop = registerCleanup(`drop database ${name}`, async () => {
        await withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
      });
      return { url: databaseUrl(adminUrl, name), name, drop };
    },
  };
}

/** The postmaster of the cluster in `dir` (first line of postmaster.pid) and its children (backends, workers). */
function clusterProcessIds(dir: string): number[] {
  let postmaster: number;
  try {
    postmaster = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const ids = [postmaster];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid), counted after the command name's closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) ids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return ids;
}

/** BENCH_DATABASE_URL's server, or a throw-away cluster started now. */
export async function startPgServer(): Promise<TPgServer> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    if (!/^postgres(ql)?:\/\//i.test(given)) {
      throw new Error(`BENCH_DATABASE_URL must be a postgres:// URL (a server where the bench may create databases), not "${given}".`);
    }
    await withClient(given, (c) => c.query('select 1'));
    return serverOf(given, `${withoutPassword(given)} (BENCH_DATABASE_URL)`, () => []);
  }
  // A variable specifier keeps the typecheck away from the untyped .mjs; tsx loads it at run time.
  const specifier = new URL('../../../scripts/pg-cluster.mjs', import.meta.url).href;
  const { startPostgres } = (await import(specifier)) as TPgClusterModule;
  const started = process.hrtime.bigint();
  const cluster = await startPostgres();
  // Registered first, so it runs last: after the databases on it are dropped and the servers using it stopped.
  registerCleanup('stop the throw-away PostgreSQL', () => cluster.stop());
  const version = await withClient(
    cluster.url,
    async (c) => (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? '?',
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return serverOf(
    cluster.url,
    `throw-away PostgreSQL ${version} on 127.0.0.1:${cluster.port} (fsync=off, synchronous_commit=off; started in ${ms.toFixed(0)} ms)`,
    () => clusterProcessIds(cluster.dir),
  );
}
