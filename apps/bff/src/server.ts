/** Start Tocsin: open and migrate the database, seed demo data once, serve API + SPA on one port, run the worker and the scheduler. */
import { serve } from '@hono/node-server';
import { createApp, createDeps } from './app';
import { openDatabase } from './db/client';
import { startWorker } from './delivery/worker';
import { parseEnv } from './env';
import { startRetention } from './notifications/retention';
import { startScheduler } from './scheduler/scheduler';
import { seedDemoData } from './seed';

const env = parseEnv();
const handle = openDatabase(env.DATABASE_PATH);
const deps = createDeps(handle, env);

const seeded = env.SEED_DEMO ? await seedDemoData(deps) : null;
const app = createApp(deps);
const retention = startRetention(deps);
const worker = env.WORKER_ENABLED ? startWorker(deps) : null;
const scheduler = startScheduler(deps);

const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
  const url = env.PUBLIC_URL ?? `http://${info.address === '::' ? 'localhost' : info.address}:${info.port}`;
  console.log(`Tocsin is running at ${url}  (database: ${env.DATABASE_PATH})`);
  if (seeded) {
    console.log('Demo logins (username / password):');
    for (const l of seeded.logins) console.log(`  ${l.username.padEnd(10)} ${l.password.padEnd(20)} ${l.note}`);
  }
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received: finishing in-flight deliveries, then exiting.`);
  retention.stop();
  scheduler.stop();
  server.close();
  await worker?.stop();
  handle.sqlite.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
