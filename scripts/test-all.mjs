// `npm run test:all` (what .ci/run runs): install what the tests need — Chromium from apt when missing —
// then lint, typecheck, build, every Vitest project and the Playwright suite, and close with
// `total: N passed, M failed` summed from the runners' JSON reports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installDependencies, pnpm, root, run } from './lib.mjs';
import { startPostgres } from './pg-cluster.mjs';

const out = path.join(root, '.test-out');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

function ensureChromium() {
  const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (fs.existsSync(exe)) return;
  if (process.getuid?.() !== 0) {
    console.error(`Chromium is missing at ${exe}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  console.log("Chromium is missing: installing Debian's chromium package.");
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', 'chromium'], { env }) !== 0) {
    console.error('Could not install Chromium with apt-get.');
    process.exit(1);
  }
}

ensureChromium();
installDependencies();

// PostgreSQL: the one given in TEST_DATABASE_URL, or a throw-away cluster of our own (stopped at the end).
let postgres = null;
let testDatabaseUrl = process.env.TEST_DATABASE_URL;
if (!testDatabaseUrl) {
  try {
    postgres = await startPostgres();
    testDatabaseUrl = postgres.url;
    console.log(`Started a throw-away PostgreSQL at ${postgres.url}`);
  } catch (err) {
    console.error(`Could not start PostgreSQL for the tests: ${err.message}`);
  }
}
const stopPostgres = () => {
  if (postgres) postgres.stop();
  postgres = null;
};
process.on('exit', stopPostgres);

const results = [];
function check(name, status) {
  results.push({ name, passed: 0, failed: status === 0 ? 0 : 1, skipped: 0, note: status === 0 ? 'ok' : 'FAILED' });
}

check('lint (biome)', pnpm(['exec', 'biome', 'ci', '.']));
check('typecheck', pnpm(['-r', 'typecheck']));
const built = pnpm(['--filter', '@tocsin/web', 'build']);
check('build (web)', built);

/** One Vitest run of a project; its JSON report gives the counts. */
function runVitest(name, dir, env = {}) {
  const report = path.join(out, `${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
  const status = run(
    'corepack',
    ['pnpm', 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    {
      cwd: dir,
      env,
    },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let note = status === 0 ? 'ok' : 'FAILED';
  const failures = [];
  try {
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed = json.numPassedTests;
    failed = json.numFailedTests;
    skipped = json.numPendingTests + (json.numTodoTests ?? 0);
    for (const file of json.testResults ?? []) {
      const rel = path.relative(dir, file.name ?? '');
      for (const t of file.assertionResults ?? []) if (t.status === 'failed') failures.push(`${rel} › ${t.fullName}`);
      if ((file.assertionResults ?? []).length === 0 && file.status === 'failed')
        failures.push(`${rel} (did not load: ${String(file.message).split('\n')[0]})`);
    }
  } catch {
    failed = 1; // the runner crashed before reporting
    note = 'FAILED (no report: the runner crashed)';
  }
  if (status !== 0 && failed === 0) {
    // Every test passed but Vitest exited non-zero: an unhandled error or a suite that failed to load. Its
    // details are in the runner's output above ("Unhandled Errors").
    failed = 1;
    note = 'FAILED (unhandled error or a suite that did not load: see "Unhandled Errors" above)';
  }
  results.push({ name, passed, failed, skipped, note, failures });
}

runVitest('vitest packages/contract', path.join(root, 'packages/contract'));
runVitest('vitest apps/bff (SQLite)', path.join(root, 'apps/bff'));
if (testDatabaseUrl) {
  runVitest('vitest apps/bff (PostgreSQL)', path.join(root, 'apps/bff'), { TEST_DATABASE_URL: testDatabaseUrl });
} else {
  // Never a silent skip: no PostgreSQL is a failure of the run.
  results.push({ name: 'vitest apps/bff (PostgreSQL)', passed: 0, failed: 1, skipped: 0, note: 'FAILED (no PostgreSQL)' });
}
runVitest('vitest apps/web', path.join(root, 'apps/web'));

if (built === 0) {
  const report = path.join(out, 'e2e.json');
  const status = pnpm(['--filter', '@tocsin/e2e', 'exec', 'playwright', 'test'], {
    env: { E2E_JSON_REPORT: report, E2E_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-e2e-')) },
  });
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const { stats } = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed = stats.expected + stats.flaky;
    failed = stats.unexpected;
    skipped = stats.skipped;
  } catch {
    failed = 1;
  }
  if (status !== 0 && failed === 0) failed = 1;
  results.push({ name: 'playwright e2e', passed, failed, skipped, note: status === 0 ? 'ok' : 'FAILED' });
}

stopPostgres();

console.log('\nSummary');
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(28)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${String(r.skipped).padStart(3)} skipped  ${r.note}`,
  );
  for (const f of (r.failures ?? []).slice(0, 20)) console.log(`      ✗ ${f}`);
}
const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
console.log(`total: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed === 0 ? 0 : 1);
