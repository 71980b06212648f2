// Shared by demo.mjs and test-all.mjs: run commands, and install with pnpm through corepack
// (a fresh machine has Node 20 and npm only).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function run(cmd, args, opts = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const res = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    ...opts,
    env: { ...process.env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', ...(opts.env ?? {}) },
  });
  if (res.error) console.error(res.error.message);
  return res.status ?? 1;
}

export function pnpm(args, opts) {
  return run('corepack', ['pnpm', ...args], opts);
}

export function installDependencies() {
  // Frozen lockfile: the install is exactly what was tested. better-sqlite3 compiles here (about a minute).
  const status = pnpm(['install', '--frozen-lockfile']);
  if (status !== 0) {
    console.error('Dependency install failed (see above).');
    process.exit(status);
  }
}
