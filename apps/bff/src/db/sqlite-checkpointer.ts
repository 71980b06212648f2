/**
 * WAL checkpoints on a background thread. SQLite copies the write-ahead log back into the database file at a
 * checkpoint; by default the commit that takes the log past 1,000 pages does it, on the event loop, so one request
 * in a few hundred pays for everyone's writes (a remove of 1,000 alerts took 68 ms instead of 28 ms; bench).
 * Here the main connection never checkpoints (wal_autocheckpoint = 0) and a worker thread with its own connection
 * runs PASSIVE checkpoints: it copies what no reader still needs, without taking the writer lock, on the other
 * core. Every commit wakes it (wake(): a message, no wait), and while there is work (the last round copied pages)
 * it goes again after BUSY_EVERY_MS, so the log is copied as it is written instead of piling up; when nothing
 * happens it looks every CHECKPOINT_EVERY_MS. A log that still grows past
 * RESTART_AT_PAGES (readers kept old frames busy) gets a RESTART checkpoint, which waits for the writer
 * (busy_timeout) so the log is reused; it blocks writers while it runs, so it must stay the exception: with one
 * round every 200 ms, a fan-out to 10,000 after another write of that size waited ~150 ms behind one (bench).
 * Durability is unchanged: a commit is in the log (synchronous = NORMAL, as before) whether or not it has been copied.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export const CHECKPOINT_EVERY_MS = 200;
/** The next round while the last one found pages to copy. */
export const BUSY_EVERY_MS = 10;
/** 16,384 pages of 4 KiB: a 64 MiB log. */
export const RESTART_AT_PAGES = 16_384;

export type TCheckpointer = {
  /** Stop the thread after its current checkpoint; resolves when it has closed its connection. */
  stop(): Promise<void>;
  /** Something was committed: take a round soon (at most one per BUSY_EVERY_MS). Returns at once. */
  wake(): void;
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
// PRAGMA data_version changes when another connection commits: whether there was anything new to copy.
let lastVersion = db.pragma('data_version', { simple: true });
let last = { log: 0, checkpointed: 0 };
/** One round; returns whether anything had been committed since the last one. */
function checkpoint() {
  try {
    const version = db.pragma('data_version', { simple: true });
    const fresh = version !== lastVersion;
    lastVersion = version;
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    stats.runs += 1;
    // 'checkpointed' counts the frames of the current log copied so far. A writer that finds the log fully
    // copied starts it again from the top (and the count with it).
    const restarted = fresh && last.checkpointed === last.log;
    stats.copied += Math.max(0, restarted ? row.checkpointed : row.checkpointed - last.checkpointed);
    last = { log: row.log, checkpointed: row.checkpointed };
    if (row.log >= workerData.restartAtPages) {
      db.pragma('wal_checkpoint(RESTART)');
      stats.restarts += 1;
      last = { log: 0, checkpointed: 0 };
    }
    return fresh;
  } catch (err) {
    // SQLITE_BUSY and the like: the next round tries again.
    return false;
  }
}
let timer = null;
let nextAt = 0;
let lastRoundAt = 0;
function schedule(delay) {
  clearTimeout(timer);
  nextAt = Date.now() + delay;
  timer = setTimeout(round, delay);
}
function round() {
  if (stopping) return;
  lastRoundAt = Date.now();
  const busy = checkpoint();
  schedule(busy ? workerData.busyEveryMs : workerData.everyMs);
}
schedule(workerData.everyMs);
parentPort.on('message', (message) => {
  if (message === 'wake') {
    const soonest = Math.max(0, lastRoundAt + workerData.busyEveryMs - Date.now());
    if (!stopping && nextAt - Date.now() > soonest) schedule(soonest);
    return;
  }
  if (message === 'stats') parentPort.postMessage({ stats });
  if (message === 'stop') {
    stopping = true;
    clearTimeout(timer);
    checkpoint();
    db.close();
    parentPort.postMessage({ stopped: true });
  }
});
`;

/** Start the background checkpoints of the SQLite file `file` (not for ':memory:'). */
export function startCheckpointer(
  file: string,
  options: { everyMs?: number; busyEveryMs?: number; restartAtPages?: number } = {},
): TCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      driver,
      everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
      busyEveryMs: options.busyEveryMs ?? BUSY_EVERY_MS,
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
  let isStopping = false;
  return {
    wake() {
      if (!isStopping) worker.postMessage('wake');
    },
    stop() {
      isStopping = true;
      stopped ??= ask<boolean>('stop', 'stopped').then(() => worker.terminate().then(() => undefined));
      return stopped;
    },
    stats: () => ask('stats', 'stats'),
  };
}
