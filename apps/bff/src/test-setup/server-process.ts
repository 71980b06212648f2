/**
 * The real server (src/server.ts) as a child process, for tests that kill, restart or run several of it
 * (crash safety, replicas). Run as `node --import tsx src/server.ts`: one process, so SIGKILL kills the server
 * itself (the tsx CLI would fork a child that outlives the kill).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BFF_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type TServerProcess = {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output: () => string;
  /** Its base URL once it prints "running at …"; rejects if it exits or does not start within 30 s. */
  listening: Promise<string>;
};

/** Start the server with only `env` (and PATH) in its environment: nothing leaks in from the test runner. */
export function spawnServer(env: Record<string, string>): TServerProcess {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: BFF_DIR,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', WEB_DIST: '', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 30 s:\n${output}`)), 30_000);
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
      reject(new Error(`the server exited (${code ?? signal}) before it listened:\n${output}`));
    });
  });
  listening.catch(() => undefined);
  return { child, output: () => output, listening };
}

/** Resolves with how the process ended (at once if it already has). */
export function processExited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
