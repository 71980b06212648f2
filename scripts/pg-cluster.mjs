// A throw-away PostgreSQL server for the test command (and for trying replicas by hand):
// Debian's postgresql package (installed with apt when initdb is missing and we are root), a cluster in a
// temporary folder on a free loopback port, run as the unprivileged `postgres` user (PostgreSQL refuses root).
//
//   node scripts/pg-cluster.mjs start   → prints DATABASE_URL=… and the folder; keeps running after exit
//   node scripts/pg-cluster.mjs stop <folder>
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function sh(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (res.error) throw res.error;
  return res;
}

/** The newest installed server's bin folder (/usr/lib/postgresql/<major>/bin), or null. */
export function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const majors = fs
    .readdirSync(base)
    .filter((d) => fs.existsSync(path.join(base, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? path.join(base, majors[0], 'bin') : null;
}

export function ensurePostgresInstalled() {
  let bin = findPostgresBin();
  if (bin) return bin;
  if (process.getuid?.() !== 0) {
    throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Install it: apt-get install -y postgresql');
  }
  console.log("PostgreSQL is missing: installing Debian's postgresql package.");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'postgresql'],
  ]) {
    const res = sh('apt-get', args, { env, stdio: 'inherit' });
    if (res.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
  bin = findPostgresBin();
  if (!bin) throw new Error('apt-get installed postgresql, but no initdb was found under /usr/lib/postgresql.');
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Run a server program as `postgres` when we are root, else as ourselves. */
function asServerUser(bin, program, args) {
  const exe = path.join(bin, program);
  if (process.getuid?.() === 0) return sh('runuser', ['-u', 'postgres', '--', exe, ...args]);
  return sh(exe, args);
}

/** Start a cluster; resolves to { url, dir, port, stop() }. */
export async function startPostgres() {
  const bin = ensurePostgresInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-pg-'));
  if (process.getuid?.() === 0) {
    const owner = sh('id', ['-u', 'postgres']);
    if (owner.status !== 0) throw new Error('There is no `postgres` user to run the server as (PostgreSQL refuses root).');
    fs.chownSync(dir, Number(owner.stdout.trim()), Number(sh('id', ['-g', 'postgres']).stdout.trim()));
  }
  const data = path.join(dir, 'data');
  const init = asServerUser(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  const start = asServerUser(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  if (start.status !== 0) {
    const log = fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8') : '';
    throw new Error(`pg_ctl start failed:\n${start.stdout}${start.stderr}${log}`);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return { url, dir, port, stop: () => stopPostgres(dir) };
}

export function stopPostgres(dir) {
  const bin = findPostgresBin();
  const data = path.join(dir, 'data');
  if (bin && fs.existsSync(data)) asServerUser(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, dir] = process.argv.slice(2);
  if (command === 'start') {
    const pg = await startPostgres();
    console.log(`DATABASE_URL=${pg.url}`);
    console.log(`PG_DIR=${pg.dir}`);
  } else if (command === 'stop' && dir) {
    stopPostgres(dir);
  } else {
    console.error('Usage: node scripts/pg-cluster.mjs start | stop <folder>');
    process.exit(2);
  }
}
