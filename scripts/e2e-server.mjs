// Starts the built app for the e2e suite: a fresh SQLite file with demo data, the SPA from apps/web/dist.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.E2E_DATA_DIR;
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
const bff = path.join(root, 'apps/bff');
const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: bff,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_PATH: path.join(dataDir, 'tocsin.db'),
    WEB_DIST: path.join(root, 'apps/web/dist'),
    SEED_DEMO: 'true',
    WORKER_POLL_MS: '100',
    DELIVERY_BACKOFF_BASE_MS: '200',
    LOGIN_MAX_FAILURES: '50',
    // The tests' webhook and Teams stand-ins listen on loopback, which the outbound policy refuses unless listed.
    OUTBOUND_ALLOW: '127.0.0.1',
  },
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
