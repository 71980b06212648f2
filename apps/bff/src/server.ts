/**
 * Start Tocsin: open and migrate the database (SQLite file or PostgreSQL), seed demo data once, serve API + SPA on
 * one port, and run the delivery worker, the job runner and the live streams.
 *
 * Shutdown (SIGTERM/SIGINT) behaves like a service behind a load balancer: stop accepting connections and
 * claiming work, end live streams (browsers reconnect elsewhere), let in-flight requests and sends finish
 * within SHUTDOWN_GRACE_SECONDS, put back what did not, then exit.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp, createDeps } from './app';
import type { Deps } from './app-context';
import { openStore } from './db/open';
import { closeMailTransports } from './delivery/channels/mail';
import { closeOutboundConnections } from './delivery/outbound';
import { resealStoredSecrets } from './delivery/secrets';
import { startWorker } from './delivery/worker';
import { type Env, parseEnv } from './env';
import { forgetOwnStreams, getLiveStreamHub } from './notifications/live-streams';
import { markDraining } from './routes/health';
import { getJobRunner } from './scheduler/jobs';
import { seedDemoData } from './seed';

let env: Env;
try {
  env = parseEnv();
} catch (err) {
  // A bad variable: say which and why, without a stack trace.
  console.error(`Tocsin cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const store = await openStore({
  databaseUrl: env.DATABASE_URL,
  databasePath: env.DATABASE_PATH,
  cacheMiB: env.DATABASE_CACHE_MIB,
  poolMax: env.DATABASE_POOL_MAX,
  preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
});
let deps: Deps;
try {
  deps = createDeps(store, env);
} catch (err) {
  // A missing or unreadable secret key: say what to set, without a stack trace.
  console.error(`Tocsin cannot start: ${err instanceof Error ? err.message : String(err)}`);
  await store.close();
  process.exit(1);
}

// Legacy plaintext secrets are sealed, and values of a previous key (SECRET_KEY_PREVIOUS) sealed with the current one.
const resealed = await resealStoredSecrets(deps);
if (resealed.resealed > 0) console.log(`Sealed ${resealed.resealed} stored secret(s) with the current secret key.`);
for (const problem of resealed.unreadable) console.error(`A stored secret cannot be opened and must be entered again: ${problem}`);

await forgetOwnStreams(deps);
const seeded = env.SEED_DEMO ? await seedDemoData(deps) : null;
const app = createApp(deps);
const worker = env.WORKER_ENABLED ? startWorker(deps) : null;
const jobs = getJobRunner(deps);
if (env.JOBS_ENABLED) jobs.start();

const server = serve(
  {
    fetch: app.fetch,
    hostname: env.HOST,
    port: env.PORT,
    serverOptions: {
      // Slow-loris protection: a client gets this long to send its headers, and its whole request.
      headersTimeout: env.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeout: env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      keepAliveTimeout: 5_000,
    },
  },
  (info) => {
    const url = env.PUBLIC_URL ?? `http://${info.address === '::' ? 'localhost' : info.address}:${info.port}`;
    console.log(`Tocsin is running at ${url}  (database: ${store.location}; instance: ${deps.instanceId})`);
    if (seeded) {
      console.log('Demo logins (username / password):');
      for (const l of seeded.logins) console.log(`  ${l.username.padEnd(10)} ${l.password.padEnd(20)} ${l.note}`);
    }
  },
) as Server;
server.maxConnections = env.HTTP_MAX_CONNECTIONS;
// The listening socket's errors (client errors are 'clientError'): a port in use or not allowed gets one line.
server.on('error', (err: NodeJS.ErrnoException) => {
  const where = `${env.HOST}:${env.PORT}`;
  const why =
    err.code === 'EADDRINUSE'
      ? `${where} is already in use (another Tocsin?); stop that process or set PORT.`
      : err.code === 'EACCES'
        ? `not allowed to listen on ${where}; set PORT above 1023.`
        : `cannot listen on ${where}: ${err.message}`;
  console.error(`Tocsin cannot start: ${why}`);
  void shutdown(null, 1);
});

let stopping = false;
/** Drain and exit: on a signal (said in the log), or with `exitCode` 1 when the server could not listen. */
async function shutdown(signal: string | null, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  markDraining();
  const graceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
  if (signal) {
    console.log(`${signal} received: draining requests and deliveries (at most ${env.SHUTDOWN_GRACE_SECONDS} s), then exiting.`);
  }
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await getLiveStreamHub(deps).closeAll();
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  deadline.unref();
  await Promise.all([closed, jobs.stop(), worker?.stop()]);
  clearTimeout(deadline);
  closeMailTransports();
  await closeOutboundConnections();
  await store.close();
  process.exit(exitCode);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
