/**
 * The real server (src/server.ts) in its own process, as in production: one per replica. Started with the
 * environment a bench part needs, on a free port; its memory is read from /proc/<pid>/status.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerCleanup } from './cleanup';
import { readProcMemory, type TProcMemory } from './report';

export const BFF_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** 32 bytes as hex: what SECRET_KEY takes. A fixed key is enough here (nothing stored is kept). */
export const BENCH_SECRET_KEY = 'be'.repeat(32);

export type TServerProcess = {
  name: string;
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  memory(): TProcMemory | null;
  /** SIGTERM, then wait for the exit; resolves to how long the drain took (ms). */
  stop(): Promise<number>;
};

export type TServerOptions = {
  name: string;
  /** DATABASE_URL (postgres://…) or DATABASE_PATH (a SQLite file). */
  database: { url: string } | { path: string };
  env?: Record<string, string>;
  /** Node flags before the script, e.g. --cpu-prof. */
  nodeFlags?: string[];
};

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

export async function startServer(opts: TServerOptions): Promise<TServerProcess> {
  let output = '';
  const database = 'url' in opts.database ? { DATABASE_URL: opts.database.url } : { DATABASE_PATH: opts.database.path };
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', 'src/server.ts'], {
    cwd: BFF_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      WEB_DIST: '',
      SEED_DEMO: 'false',
      JOBS_ENABLED: 'false',
      INSTANCE_ID: opts.name,
      // Sent as X-Tocsin-Instance: the receiver can tell which replica sent what.
      INSTANCE_NAME: opts.name,
      // The bench's receivers listen on loopback, which the outbound policy refuses unless allowlisted.
      OUTBOUND_ALLOW: '127.0.0.1',
      SECRET_KEY: BENCH_SECRET_KEY,
      ...database,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forget = registerCleanup(`stop server ${opts.name}`, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server ${opts.name} did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server ${opts.name} exited during start (${signal ?? code}):\n${output}`));
    });
  });
  const pid = child.pid as number;
  return {
    name: opts.name,
    child,
    pid,
    url,
    output: () => output,
    memory: () => readProcMemory(pid),
    async stop() {
      const t0 = performance.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited(child);
      const ms = performance.now() - t0;
      await forget();
      if (child.exitCode !== 0) throw new Error(`server ${opts.name} exited with ${child.signalCode ?? child.exitCode}:\n${output}`);
      return ms;
    },
  };
}
