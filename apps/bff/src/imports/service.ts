/**
 * Importing a scan file into a test: a new test in an engagement (created by name when the product has none of
 * that name), or a re-import into an existing test. One transaction per import: the engagement and test it
 * creates, its findings (streamed from the file and inserted in batches, never all held in memory), their tags,
 * status history and SLA expiry, the re-import's reactivations and mitigations (matchReimport), and the events
 * (test_added, scan_added / scan_added_empty) commit together; a file that turns out to be broken halfway
 * (ImportParseError) rolls everything back and is answered 400 with where it broke.
 *
 * Who may import: Writers and above on the product (auth/rbac.ts); a product the caller may see but not write
 * to is 403, one they may not see is 404 (so ids cannot be probed).
 */

import type { TFindingStatus, TImportFormat } from '@tocsin/contract/findings';
import { IMPORT_FORMAT_LABELS, SEVERITIES, type TImportScanInput, type TImportScanResult, type TSeverity } from '@tocsin/contract/findings';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { findProductAccessLevel } from '../auth/rbac';
import type { Database } from '../db/database';
import { getEngagement } from '../engagements/service';
import { severityRank } from '../findings/queries';
import { recordImportedFindings, transitionFindings } from '../findings/transitions';
import { addDays, calendarDateIn } from '../lib/calendar-date';
import { clipText, collapseWhitespace } from '../lib/clip-text';
import { forbidden, HttpError, notFound } from '../lib/errors';
import { dispatchEvent } from '../notifications/dispatch';
import { findingLinks, PAYLOAD_LIST_LIMIT, type TPayloadFinding, type TPayloadFindingLists } from '../notifications/event-payload';
import { engagementAddedEvent } from '../services/domain-events';
import { recomputeSlaExpiry } from '../sla/configurations';
import { ImportParseError } from './errors';
import { scanImportedEvent, type TImportContext, type TImportCounts, testAddedEvent } from './events';
import type { TNormalizedFinding } from './finding';
import { readScanFindings, type TScanSummary } from './read-scan';
import { matchReimport, type TExistingFinding } from './reimport';

/** The uploaded file, already on disk (imports/upload.ts), or a fixture (the demo seed). */
export type TScanFile = { path: string; name: string; bytes: number };

/** Findings inserted per statement: about 25 parameters each, far below either database's limit. */
const INSERT_BATCH = 250;
const TAG_MAX = 100;

type TTarget = {
  productId: number;
  productName: string;
  /** Null when the engagement is to be found or created by name. */
  engagement: { id: number; name: string } | null;
  engagementName: string | null;
  test: { id: number; title: string; format: TImportFormat } | null;
};

/** Writers and above may import: a product the caller may see is 403, one they may not see 404 (like a missing one). */
function assertMayImport(access: 'none' | 'view' | 'write', what: string, productName: string): void {
  if (access === 'write') return;
  throw access === 'none'
    ? notFound(what)
    : forbidden(`Importing scans into ${productName} needs the Writer role or higher on the product (or globally).`);
}

/** The test, engagement or product the body names, if the caller may write to it; else 404 or 403. */
async function resolveTarget(deps: Deps, user: UserRow, input: TImportScanInput): Promise<TTarget> {
  const db = deps.db;
  if (input.test_id !== undefined) {
    const t = await db.get<{
      id: number;
      title: string;
      format: TImportFormat;
      engagementId: number;
      engagementName: string;
      productId: number;
      productName: string;
    }>(sql`select t.id, t.title, t.format, t.engagement_id as "engagementId", e.name as "engagementName",
        t.product_id as "productId", p.name as "productName"
      from tests t join engagements e on e.id = t.engagement_id join products p on p.id = t.product_id where t.id = ${input.test_id}`);
    const access = t ? await findProductAccessLevel(deps, user, t.productId) : 'none';
    assertMayImport(access, `test_id ${input.test_id}`, t?.productName ?? '');
    if (!t) throw notFound(`test_id ${input.test_id}`);
    return {
      productId: t.productId,
      productName: t.productName,
      engagement: { id: t.engagementId, name: t.engagementName },
      engagementName: null,
      test: { id: t.id, title: t.title, format: t.format },
    };
  }
  if (input.engagement_id !== undefined) {
    const e = await db.get<{ id: number; name: string; productId: number; productName: string }>(sql`select e.id, e.name,
        e.product_id as "productId", p.name as "productName"
      from engagements e join products p on p.id = e.product_id where e.id = ${input.engagement_id}`);
    const access = e ? await findProductAccessLevel(deps, user, e.productId) : 'none';
    assertMayImport(access, `engagement_id ${input.engagement_id}`, e?.productName ?? '');
    if (!e) throw notFound(`engagement_id ${input.engagement_id}`);
    return { productId: e.productId, productName: e.productName, engagement: { id: e.id, name: e.name }, engagementName: null, test: null };
  }
  const productId = input.product_id!;
  const p = await db.get<{ id: number; name: string }>(sql`select id, name from products where id = ${productId}`);
  const access = p ? await findProductAccessLevel(deps, user, productId) : 'none';
  assertMayImport(access, `product_id ${productId}`, p?.name ?? '');
  if (!p) throw notFound(`product_id ${productId}`);
  return { productId, productName: p.name, engagement: null, engagementName: input.engagement_name!, test: null };
}

/** Import a scan file; see the module comment. `file` stays where it is (the caller removes uploads). */
export async function importScan(deps: Deps, user: UserRow, input: TImportScanInput, file: TScanFile): Promise<TImportScanResult> {
  const target = await resolveTarget(deps, user, input);
  try {
    return await deps.db.transaction((tx) => runImport(withDb(deps, tx), user, input, file, target));
  } catch (err) {
    if (err instanceof ImportParseError) throw new HttpError(400, err.code, err.message, err.toJSON());
    throw err;
  }
}

/** The engagement of that name on the product (case-insensitive, the newest), or a new one (engagement_added). */
async function findOrCreateEngagement(deps: Deps, user: UserRow, target: TTarget, today: string): Promise<{ id: number; name: string }> {
  const db = deps.db;
  const name = target.engagementName!;
  const existing = await db.get<{ id: number; name: string }>(sql`select id, name from engagements
    where product_id = ${target.productId} and ${db.fragments.ciEquals(sql`name`, name)} order by id desc limit 1`);
  if (existing) return existing;
  const row = await db.get<{
    id: number;
  }>(sql`insert into engagements (name, product_id, lead_id, target_start, target_end, status, created_at)
    values (${name}, ${target.productId}, ${null}, ${today}, ${addDays(today, 365)}, 'In Progress', ${deps.now()}) returning id`);
  const engagement = await getEngagement(deps, user, row!.id);
  await dispatchEvent(deps, engagementAddedEvent(engagement, user));
  return { id: engagement.id, name: engagement.name };
}

const rankOf = (s: TSeverity) => SEVERITIES.indexOf(s);

/** The status a finding enters with, from what the file says of it (a mitigated one never gets here). */
function initialStatus(f: TNormalizedFinding): TFindingStatus {
  if (f.flags.falsePositive) return 'false_positive';
  if (f.flags.outOfScope) return 'out_of_scope';
  if (f.flags.verified) return 'verified';
  return 'active';
}

function findingTags(f: TNormalizedFinding, importTags: readonly string[]): string[] {
  const tags = new Set<string>();
  for (const t of f.tags) {
    const tag = clipText(collapseWhitespace(t).toLowerCase(), TAG_MAX);
    if (tag !== '') tags.add(tag);
  }
  for (const t of importTags) tags.add(t);
  return [...tags];
}

const FINDING_COLUMNS = sql.raw(`test_id, engagement_id, product_id, import_id, title, severity, description, mitigation, impact,
  reference_text, tool, tool_version, rule_id, cwe, file_path, line, component, component_version, location_url, fingerprint,
  vulnerability_ids, date_found, sla_start_date, status, created_at, updated_at`);

type TBatchContext = {
  testId: number;
  engagementId: number;
  productId: number;
  importId: number;
  scanDate: string;
  now: number;
  tags: string[];
};

/** Insert one batch of new findings with their tags; returns how many were inserted. */
async function insertFindings(db: Database, batch: TNormalizedFinding[], ctx: TBatchContext): Promise<number> {
  if (batch.length === 0) return 0;
  const tuples = batch.map((f) => {
    const dateFound = f.dateFound ?? ctx.scanDate;
    return sql`(${ctx.testId}, ${ctx.engagementId}, ${ctx.productId}, ${ctx.importId}, ${f.title}, ${f.severity}, ${f.description},
      ${f.mitigation ?? null}, ${f.impact ?? null}, ${f.references ?? null}, ${f.tool}, ${f.toolVersion}, ${f.ruleId}, ${f.cwe},
      ${f.location.file ?? null}, ${f.location.line ?? null}, ${f.location.component ?? null}, ${f.location.component_version ?? null},
      ${f.location.url ?? null}, ${f.fingerprint}, ${JSON.stringify(f.vulnerabilityIds)}, ${dateFound}, ${dateFound},
      ${initialStatus(f)}, ${ctx.now}, ${ctx.now})`;
  });
  const rows = await db.all<{ id: number; fingerprint: string }>(
    sql`insert into findings (${FINDING_COLUMNS}) values ${sql.join(tuples, sql`, `)} returning id, fingerprint`,
  );
  const idByFingerprint = new Map(rows.map((r) => [r.fingerprint, r.id]));
  const tagRows: SQL[] = [];
  for (const f of batch) {
    const id = idByFingerprint.get(f.fingerprint)!;
    for (const tag of findingTags(f, ctx.tags)) tagRows.push(sql`(${id}, ${tag})`);
  }
  for (let i = 0; i < tagRows.length; i += 1000) {
    await db.run(sql`insert into finding_tags (finding_id, tag) values ${sql.join(tagRows.slice(i, i + 1000), sql`, `)}
      on conflict (finding_id, tag) do nothing`);
  }
  return rows.length;
}

/** At most PAYLOAD_LIST_LIMIT findings matching `where`, most severe first. */
async function listPayloadFindings(db: Database, where: SQL): Promise<TPayloadFinding[]> {
  const rows = await db.all<{ id: number; title: string; severity: TSeverity }>(sql`select f.id, f.title, f.severity from findings f
    where ${where} order by ${severityRank(sql`f.severity`)}, f.id limit ${PAYLOAD_LIST_LIMIT}`);
  return rows.map((r) => ({ id: r.id, title: r.title, severity: r.severity, ...findingLinks(r.id) }));
}

/** "Semgrep OSS", or "Trivy, Grype" for a SARIF file with several tools; the format's label when the file names none. */
function toolNameOf(summary: TScanSummary, format: TImportFormat): string {
  const names = [...new Set(summary.tools.filter((t) => t !== undefined).map((t) => collapseWhitespace(t.name)))].filter((n) => n !== '');
  return clipText(names.join(', ') || IMPORT_FORMAT_LABELS[format], 255);
}

async function runImport(deps: Deps, user: UserRow, input: TImportScanInput, file: TScanFile, target: TTarget): Promise<TImportScanResult> {
  const db = deps.db;
  const now = deps.now();
  const today = calendarDateIn(now, deps.env.TIME_ZONE);
  const scanDate = input.scan_date ?? today;
  const isReimport = target.test !== null;
  // Imports into one product take turns (a row lock on PostgreSQL; SQLite's writer lock already does it), so two
  // imports can neither create the same engagement twice nor re-import into one test at once.
  await db.run(sql`update products set sla_notifications = sla_notifications where id = ${target.productId}`);

  const engagement = target.engagement ?? (await findOrCreateEngagement(deps, user, target, today));
  const testId =
    target.test?.id ??
    (await db.get<{ id: number }>(sql`insert into tests (engagement_id, product_id, title, format, created_by, created_at, updated_at)
        values (${engagement.id}, ${target.productId}, '', ${input.format ?? 'sarif'}, ${user.id}, ${now}, ${now}) returning id`))!.id;
  const importId = (await db.get<{
    id: number;
  }>(sql`insert into test_imports (test_id, is_reimport, format, tool, scan_date, file_name, file_bytes,
        close_old_findings, minimum_severity, tags, imported_by, created_at)
      values (${testId}, ${isReimport}, ${input.format ?? 'sarif'}, '', ${scanDate}, ${clipText(collapseWhitespace(file.name), 255)},
        ${file.bytes}, ${isReimport && (input.close_old_findings ?? true)}, ${input.minimum_severity}, ${JSON.stringify(input.tags)},
        ${user.id}, ${now})
      returning id`))!.id;

  const existing: TExistingFinding[] = isReimport
    ? (
        await db.all<{ id: number; fingerprint: string; status: TFindingStatus; mitigatedOn: string | null }>(
          sql`select id, fingerprint, status, mitigated_on as "mitigatedOn" from findings where test_id = ${testId}`,
        )
      ).map((r) => ({ id: r.id, fingerprint: r.fingerprint, status: r.status, mitigatedAt: r.mitigatedOn }))
    : [];
  const known = new Set(existing.map((f) => f.fingerprint));

  const batchContext: TBatchContext = {
    testId,
    engagementId: engagement.id,
    productId: target.productId,
    importId,
    scanDate,
    now,
    tags: input.tags,
  };
  const minimumRank = rankOf(input.minimum_severity);
  const seen = new Set<string>();
  const incoming: string[] = [];
  const newBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<TSeverity, number>;
  let skipped = 0;
  let inserted = 0;
  let batch: TNormalizedFinding[] = [];

  const scan = readScanFindings(file.path, input.format === undefined ? {} : { format: input.format });
  for await (const f of scan.findings) {
    if (rankOf(f.severity) > minimumRank) {
      skipped++;
      continue;
    }
    // The same finding twice in one file counts once (the first one read).
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    if (f.flags.isMitigated) {
      // Already fixed by the scanner's own account: a known finding is treated as no longer reported (and
      // mitigated when open); one never seen before is not worth a record.
      if (!known.has(f.fingerprint)) skipped++;
      continue;
    }
    incoming.push(f.fingerprint);
    if (known.has(f.fingerprint)) continue;
    batch.push(f);
    newBySeverity[f.severity]++;
    if (batch.length >= INSERT_BATCH) {
      inserted += await insertFindings(db, batch, batchContext);
      batch = [];
    }
  }
  inserted += await insertFindings(db, batch, batchContext);
  skipped += scan.summary.skipped;

  const format = scan.summary.format ?? input.format ?? 'sarif';
  const tool = toolNameOf(scan.summary, format);
  const toolVersion = scan.summary.tools.find((t) => t?.version)?.version ?? null;
  if (target.test && target.test.format !== format) {
    throw new HttpError(
      400,
      'format_mismatch',
      `Test ${target.test.id} holds ${IMPORT_FORMAT_LABELS[target.test.format]} findings; this file is ${IMPORT_FORMAT_LABELS[format]}. ` +
        'Import it as a new test (engagement_id) instead.',
    );
  }
  if (target.test && target.test.title.toLowerCase() !== tool.toLowerCase()) {
    throw new HttpError(
      400,
      'tool_mismatch',
      `Test ${target.test.id} holds findings of ${target.test.title}; this file is from ${tool}. Import it as a new test (engagement_id) instead.`,
    );
  }

  const match = matchReimport(existing, incoming, { scanDate, closeOldFindings: input.close_old_findings ?? true });
  if (match.new.length !== inserted) {
    throw new Error(`import ${importId}: matchReimport found ${match.new.length} new findings, ${inserted} were inserted`);
  }
  await recordImportedFindings(db, { importId, changedBy: user.id, now });
  await transitionFindings(db, { ids: match.reactivated, to: 'active', source: 'reimport', changedBy: user.id, now, importId });
  await transitionFindings(db, {
    ids: match.mitigated.map((m) => m.id),
    to: 'mitigated',
    source: 'reimport',
    changedBy: user.id,
    now,
    importId,
    mitigatedOn: scanDate,
  });
  await recomputeSlaExpiry(db, sql`findings.import_id = ${importId}`);

  const counts: TImportCounts = {
    fileFindings: incoming.length,
    new: inserted,
    reactivated: match.reactivated.length,
    mitigated: match.mitigated.length,
    untouched: match.untouched.length,
    keptTriaged: match.keptTriaged.length,
    skipped,
    newBySeverity,
  };
  const testTitle = target.test?.title ?? tool;
  await db.run(sql`update tests set title = ${testTitle}, format = ${format}, tool_version = ${toolVersion}, updated_at = ${now}
    where id = ${testId}`);
  await db.run(sql`update test_imports set format = ${format}, tool = ${tool}, tool_version = ${toolVersion},
      file_findings = ${counts.fileFindings}, new_count = ${counts.new}, reactivated_count = ${counts.reactivated},
      mitigated_count = ${counts.mitigated}, untouched_count = ${counts.untouched}, kept_triaged_count = ${counts.keptTriaged},
      skipped_count = ${counts.skipped}
    where id = ${importId}`);

  const lists: TPayloadFindingLists = {
    new: await listPayloadFindings(db, sql`f.import_id = ${importId}`),
    reactivated: await listPayloadFindings(db, db.fragments.inIds(sql`f.id`, match.reactivated)),
    mitigated: await listPayloadFindings(
      db,
      db.fragments.inIds(
        sql`f.id`,
        match.mitigated.map((m) => m.id),
      ),
    ),
    untouched: await listPayloadFindings(db, db.fragments.inIds(sql`f.id`, match.untouched)),
    totals: { new: counts.new, reactivated: counts.reactivated, mitigated: counts.mitigated, untouched: counts.untouched },
    list_limit: PAYLOAD_LIST_LIMIT,
  };
  const ctx: TImportContext = {
    test: { id: testId, title: testTitle, format },
    product: { id: target.productId, name: target.productName },
    engagement,
    actor: { id: user.id, username: user.username },
  };
  if (!isReimport) await dispatchEvent(deps, testAddedEvent(ctx));
  await dispatchEvent(deps, scanImportedEvent({ ctx, tool, isReimport, counts, lists }));

  return {
    product_id: target.productId,
    engagement_id: engagement.id,
    test_id: testId,
    format,
    tool,
    is_reimport: isReimport,
    new: counts.new,
    reactivated: counts.reactivated,
    mitigated: counts.mitigated,
    untouched: counts.untouched,
    skipped: counts.skipped,
  };
}
