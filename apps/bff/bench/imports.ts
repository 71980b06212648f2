/**
 * The imports bench (issue 8): a 10,000-result SARIF file imported through POST /api/imports, in process (the
 * Hono app's request(), multipart with an API token, as src/imports/routes.test.ts does), then re-imported into
 * the test it made (test_id), unchanged and with 10% of its results new and 10% gone; the peak memory (VmHWM)
 * of this process during the first import. Then a note mentioning 20 people who may see the finding, through
 * POST /api/findings/{id}/notes, written 30 times (a new note each time). Targets: import < 5 s, re-import < 3 s,
 * note < 20 ms (median).
 *
 * The file is src/imports/fixtures/generate-sarif.ts's (CodeQL-shaped, about 1.5 kB a result, 20 rules whose
 * security-severity scores make Critical, High, Medium and Low findings; every result has its own location,
 * message and fingerprint). The system record alerts on every event, so the import's test_added and scan_added
 * and the note's user_mentioned fan out to everyone who may see the product, as in production.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import type { TImportScanResult } from '@tocsin/contract/findings';
import type { TNoteResult } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import { createApp, createDeps } from '../src/app';
import type { Deps } from '../src/app-context';
import { generateApiKey } from '../src/auth/sessions';
import { openPostgresDatabase } from '../src/db/postgres';
import { insertRow } from '../src/db/rows';
import { apiTokens, engagements, productMembers, products, productTypeMembers, productTypes } from '../src/db/schema';
import { openSqliteDatabase } from '../src/db/sqlite';
import { parseEnv } from '../src/env';
import { generateSarif } from '../src/imports/fixtures/generate-sarif';
import { createInProcessBus, createPostgresBus } from '../src/notifications/bus';
import { createUser } from '../src/services/users';
import { registerCleanup } from './cleanup';
import type { TPgServer } from './postgres-server';
import {
  describeLoad,
  elapsedMs,
  fmtInt,
  fmtMiB,
  fmtMs,
  readProcMemory,
  resetPeakMemory,
  summarize,
  type TDbName,
  type TReport,
  verdictBelow,
} from './report';
import { BENCH_SECRET_KEY } from './server-process';

export type TImportsBenchOptions = { db: TDbName; small: boolean; pg: TPgServer | null; report: TReport };

const TARGET_IMPORT_MS = 5_000;
const TARGET_REIMPORT_MS = 3_000;
const TARGET_NOTE_MS = 20;
const MENTIONED = 20;
const POOL_MAX = 10;

type TApp = ReturnType<typeof createApp>;
type TStore = { dialect: TDbName; describe: string; deps: Deps; close: () => Promise<void> };

async function openStore(options: TImportsBenchOptions): Promise<TStore> {
  // PostgreSQL deployments must share a SECRET_KEY (createDeps refuses to start without one); nothing stored is kept.
  const base = { NODE_ENV: 'production', SECRET_KEY: BENCH_SECRET_KEY };
  if (options.db === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-imports-bench-'));
    const removeDir = registerCleanup(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'bench.db');
    const handle = openSqliteDatabase(file, { backgroundCheckpoints: true });
    const env = parseEnv(base, { DATABASE_PATH: file, SEED_DEMO: false, WORKER_ENABLED: false });
    return {
      dialect: 'sqlite',
      describe: `${file} (SQLite, WAL, as openSqliteDatabase sets it)`,
      deps: createDeps({ db: handle.db, bus: createInProcessBus() }, env),
      async close() {
        if (handle.sqlite.open) handle.sqlite.close();
        await removeDir();
      },
    };
  }
  if (!options.pg) throw new Error('The imports bench on PostgreSQL needs a server.');
  const database = await options.pg.createDatabase('imports');
  const handle = await openPostgresDatabase(database.url, { max: POOL_MAX, applicationName: 'tocsin-bench-app' });
  const bus = await createPostgresBus(database.url);
  const env = parseEnv(base, { DATABASE_URL: database.url, SEED_DEMO: false, WORKER_ENABLED: false, DATABASE_POOL_MAX: POOL_MAX });
  return {
    dialect: 'postgres',
    describe: `database ${database.name} on ${options.pg.describe}; app pool of ${POOL_MAX}, LISTEN/NOTIFY bus`,
    deps: createDeps({ db: handle.db, bus }, env),
    async close() {
      await bus.close();
      await handle.db.close();
      await database.drop();
    },
  };
}

/** A product type, a product, an engagement; an importer (Writer on the product, with an API token) and user1…user20 (Readers of the type). */
async function seed(deps: Deps) {
  for (const event of EVENT_NAMES) {
    await deps.db.run(sql`insert into notification_settings (scope, event, channels) values ('system', ${event}, 1)`);
  }
  const now = deps.now();
  const type = await insertRow(deps.db, productTypes, { name: 'Bench', description: '', createdAt: now });
  const product = await insertRow(deps.db, products, { name: 'Bench API', description: '', productTypeId: type.id, createdAt: now });
  const engagement = await insertRow(deps.db, engagements, {
    name: 'CI',
    productId: product.id,
    leadId: null,
    targetStart: '2026-01-01',
    targetEnd: '2026-12-31',
    status: 'In Progress',
    createdAt: now,
  });
  const password = 'bench-password-123';
  const importer = await createUser(deps, { username: 'importer', email: 'importer@bench.example', password });
  await insertRow(deps.db, productMembers, { userId: importer.id, productId: product.id, role: 'Writer' });
  for (let n = 1; n <= MENTIONED; n++) {
    const user = await createUser(deps, { username: `user${n}`, email: `user${n}@bench.example`, password });
    await insertRow(deps.db, productTypeMembers, { userId: user.id, productTypeId: type.id, role: 'Reader' });
  }
  const { key, prefix, keyHash } = generateApiKey();
  await insertRow(deps.db, apiTokens, { userId: importer.id, name: 'bench', prefix, keyHash, createdAt: now });
  return { product, engagement, auth: { authorization: `Token ${key}` } };
}

async function writeSarif(file: string, results: number, first: number): Promise<number> {
  await pipeline(Readable.from(generateSarif(results, { first })), fs.createWriteStream(file));
  return fs.statSync(file).size;
}

/** POST /api/imports, multipart, the file streamed from disk; its answer and wall time (request to parsed answer). */
async function timedImport(app: TApp, auth: Record<string, string>, fields: Record<string, string | number>, file: string) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, String(value));
  form.append('file', await fs.openAsBlob(file), path.basename(file));
  const start = process.hrtime.bigint();
  const res = await app.request('http://localhost/api/imports', { method: 'POST', body: form, headers: auth });
  const body = (await res.json()) as TImportScanResult;
  const ms = elapsedMs(start);
  if (res.status !== 201) throw new Error(`POST /api/imports answered ${res.status}: ${JSON.stringify(body)}`);
  return { ms, result: body };
}

const counts = (r: TImportScanResult) =>
  `${fmtInt(r.new)} new, ${fmtInt(r.reactivated)} reactivated, ${fmtInt(r.mitigated)} mitigated, ${fmtInt(r.untouched)} untouched`;

function expectCounts(what: string, r: TImportScanResult, expected: Pick<TImportScanResult, 'new' | 'mitigated' | 'untouched'>) {
  if (r.new !== expected.new || r.mitigated !== expected.mitigated || r.untouched !== expected.untouched) {
    throw new Error(
      `${what}: ${counts(r)}; expected ${expected.new} new, ${expected.mitigated} mitigated, ${expected.untouched} untouched.`,
    );
  }
}

export async function runImportsBench(options: TImportsBenchOptions): Promise<void> {
  const label = options.db === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const results = options.small ? 1_000 : 10_000;
  const noteRuns = options.small ? { warmup: 2, measured: 10 } : { warmup: 3, measured: 30 };
  console.log(
    `\n=== Imports bench on ${label}${options.small ? ' (--small)' : ''}: ${fmtInt(results)}-result SARIF, note with ${MENTIONED} mentions ===`,
  );
  console.log(`  ${describeLoad()}`);
  const log = (line: string) => console.log(`  ${line}`);
  const store = await openStore(options);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-imports-sarif-'));
  const removeDir = registerCleanup(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    log(store.describe);
    const { deps } = store;
    const app = createApp(deps);
    let t = process.hrtime.bigint();
    const world = await seed(deps);
    log(`seeded a product, an engagement and ${MENTIONED + 1} users through the user service in ${fmtMs(elapsedMs(t))} ms`);

    const scan = path.join(dir, 'scan.sarif');
    const changed = path.join(dir, 'scan-changed.sarif');
    const tenth = results / 10;
    t = process.hrtime.bigint();
    const size = await writeSarif(scan, results, 0);
    // Results tenth … results + tenth - 1: the first tenth gone, a tenth new.
    await writeSarif(changed, results, tenth);
    log(`SARIF files: ${(size / 1024 / 1024).toFixed(1)} MiB each, written in ${fmtMs(elapsedMs(t))} ms`);

    // Peak memory: VmHWM of this process (the app, and SQLite's pages on SQLite), reset to the current RSS first.
    const reset = resetPeakMemory('self');
    const before = readProcMemory('self');
    const first = await timedImport(app, world.auth, { engagement_id: world.engagement.id }, scan);
    const after = readProcMemory('self');
    expectCounts('import', first.result, { new: results, mitigated: 0, untouched: 0 });
    const peakText = `${fmtMiB(after?.hwmKiB ?? null)}${reset ? '' : ' (peak of the whole run: VmHWM could not be reset)'}`;
    log(`import: ${fmtMs(first.ms)} ms — ${counts(first.result)} (test ${first.result.test_id})`);
    log(
      `  memory of this process: RSS ${fmtMiB(before?.rssKiB ?? null)} before, peak (VmHWM) ${peakText}, RSS ${fmtMiB(after?.rssKiB ?? null)} after`,
    );
    const severities = await deps.db.all<{ severity: string; n: number }>(
      sql`select severity, count(*) as n from findings where test_id = ${first.result.test_id} group by severity order by severity`,
    );
    log(`  severities: ${severities.map((s) => `${s.severity} ${fmtInt(Number(s.n))}`).join(', ')}`);

    const fields = { test_id: first.result.test_id };
    const again = await timedImport(app, world.auth, fields, scan);
    expectCounts('re-import', again.result, { new: 0, mitigated: 0, untouched: results });
    log(`re-import, unchanged: ${fmtMs(again.ms)} ms — ${counts(again.result)}`);
    const moved = await timedImport(app, world.auth, fields, changed);
    expectCounts('re-import with changes', moved.result, { new: tenth, mitigated: tenth, untouched: results - tenth });
    log(`re-import, 10% new and 10% gone: ${fmtMs(moved.ms)} ms — ${counts(moved.result)}`);

    // The note: on one of the findings still active, by the importer, mentioning user1…user20 (Readers of the type).
    const finding = await deps.db.get<{ id: number }>(
      sql`select id from findings where test_id = ${first.result.test_id} and status = 'active' order by id limit 1`,
    );
    if (!finding) throw new Error('No active finding to write notes on.');
    const entry = `Please check this one: ${Array.from({ length: MENTIONED }, (_, i) => `@user${i + 1}`).join(' ')}`;
    const samples: number[] = [];
    for (let i = 0; i < noteRuns.warmup + noteRuns.measured; i++) {
      const start = process.hrtime.bigint();
      const res = await app.request(`http://localhost/api/findings/${finding.id}/notes`, {
        method: 'POST',
        body: JSON.stringify({ entry }),
        headers: { ...world.auth, 'content-type': 'application/json' },
      });
      const body = (await res.json()) as TNoteResult;
      const ms = elapsedMs(start);
      if (res.status !== 201) throw new Error(`POST /api/findings/${finding.id}/notes answered ${res.status}: ${JSON.stringify(body)}`);
      if (body.mentions.notified.length !== MENTIONED) {
        throw new Error(`The note notified ${body.mentions.notified.length} of ${MENTIONED}: ${JSON.stringify(body.mentions)}`);
      }
      if (i >= noteRuns.warmup) samples.push(ms);
    }
    const note = summarize(samples);
    log(
      `note with ${MENTIONED} mentions (each notified): median ${fmtMs(note.median)} ms, p99 ${fmtMs(note.p99)} ms ` +
        `(${note.runs} notes after ${noteRuns.warmup} warm-up)`,
    );

    const r = options.report;
    const db = store.dialect;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    r.add({
      part: 'imports',
      db,
      figure: `import ${fmtInt(results)}-result SARIF (POST /api/imports)`,
      value: s(first.ms),
      target: `< ${s(TARGET_IMPORT_MS)}`,
      verdict: verdictBelow(first.ms, TARGET_IMPORT_MS),
    });
    r.add({
      part: 'imports',
      db,
      figure: 'peak RSS (VmHWM) of the process during the import',
      value: fmtMiB(after?.hwmKiB ?? null),
      target: '—',
      verdict: '—',
    });
    r.add({
      part: 'imports',
      db,
      figure: 're-import, unchanged (test_id)',
      value: s(again.ms),
      target: `< ${s(TARGET_REIMPORT_MS)}`,
      verdict: verdictBelow(again.ms, TARGET_REIMPORT_MS),
    });
    r.add({
      part: 'imports',
      db,
      figure: 're-import, 10% new and 10% gone',
      value: s(moved.ms),
      target: `< ${s(TARGET_REIMPORT_MS)}`,
      verdict: verdictBelow(moved.ms, TARGET_REIMPORT_MS),
    });
    r.add({
      part: 'imports',
      db,
      figure: `note with ${MENTIONED} mentions, median (p99 ${fmtMs(note.p99)} ms)`,
      value: `${fmtMs(note.median)} ms`,
      target: `< ${TARGET_NOTE_MS} ms`,
      verdict: verdictBelow(note.median, TARGET_NOTE_MS),
    });
  } finally {
    await removeDir();
    await store.close();
  }
}
