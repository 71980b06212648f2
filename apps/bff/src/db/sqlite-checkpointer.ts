/**
 * WAL checkpoints on a background thread. SQLite copies the write-ahead log back into the database file at a
 * checkpoint; by default the commit that takes the log past 1,000 pages does it, on the event loop, so one request
 * in a few hundred pays for everyone's writes (a remove of 1,000 alerts took 68 ms instead of 28 ms; bench).
 * Here the main connection never checkpoints (wal_autocheckpoint = 0) and a worker thread with its own connection
 * runs a PASSIVE checkpoint every CHECKPOINT_EVERY_MS: it copies what no reader still needs, without taking the
 * writer lock, on the other core. When the log still grows past RESTART_AT_PAGES (readers kept old frames busy),
 * the worker asks for a RESTART checkpoint, which waits for the writer (busy_timeout) so the log is reused.
 * Durability is unchanged: a commit is in the log (synchronous = NORMAL, as before) whether or not it has been copied.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export const CHECKPOINT_EVERY_MS = 200;
/** 16,384 pages of 4 KiB: a 64 MiB log. */
export const RESTART_AT_PAGES = 16_384;

export type TCheckpointer = {
  /** Stop the thread after its current checkpoint; resolves when it has closed its connection. */
  stop(): Promise<void>;
  /** How many checkpoints ran and how many pages they copied (for the tests and the bench). */
  stats(): Promise<{ runs: number; copied: number; restarts: number }>;
};

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const stats = { runs: 0, copied: 0, restarts: 0 };
let stopping = false;
function checkpoint() {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    stats.runs += 1;
    stats.copied += Math.max(0, row.checkpointed);
    if (row.log >= workerData.restartAtPages) {
      db.pragma('wal_checkpoint(RESTART)');
      stats.restarts += 1;
    }
  } catch (err) {
    // SQLITE_BUSY and the like: the next round tries again.
  }
}
const timer = setInterval(() => { if (!stopping) checkpoint(); }, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message === 'stats') parentPort.postMessage({ stats });
  if (message === 'stop') {
    stopping = true;
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.postMessage({ stopped: true });
  }
});
`;

/** Start the background checkpoints of the SQLite file `file` (not for ':memory:'). */
export function startCheckpointer(file: string, options: { everyMs?: number; restartAtPages?: number } = {}): TCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      driver,
      everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
      restartAtPages: options.restartAtPages ?? RESTART_AT_PAGES,
    },
  });
  // The thread must not keep the process alive (a server stops it on shutdown; a test may not).
  worker.unref();
  let stopped: Promise<void> | null = null;
  const ask = <T>(message: string, key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (key in m) {
          worker.off('message', onMessage);
          resolve(m[key] as T);
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage(message);
    });
  return {
    stop() {
      stopped ??= ask<boolean>('stop', 'stopped').then(() => worker.terminate().then(() => undefined));
      return stopped;
    },
    stats: () => ask('stats', 'stats'),
  };
}
