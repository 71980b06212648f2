/** Tests as the product and test pages show them: their findings by severity and their imports with counts. */
import { SEVERITIES, type TImportFormat, type TSeverity } from '@tocsin/contract/findings';
import type { TSeverityCounts, TTestDetail, TTestImport, TTestSummary } from '@tocsin/contract/findings-api';
import { type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { canViewProduct, findProductAccessLevel } from '../auth/rbac';
import type { Database } from '../db/database';
import { personColumns, personOf } from '../findings/queries';
import { notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';

type TTestRow = {
  id: number;
  title: string;
  format: TImportFormat;
  toolVersion: string | null;
  productId: number;
  productName: string;
  engagementId: number;
  engagementName: string;
  createdAt: number;
  updatedAt: number;
  lastImportAt: number | null;
  importCount: number;
  findingsTotal: number;
} & Record<string, unknown>;

const TEST_SELECT = sql`select t.id, t.title, t.format, t.tool_version as "toolVersion", t.product_id as "productId", p.name as "productName",
    t.engagement_id as "engagementId", e.name as "engagementName", t.created_at as "createdAt", t.updated_at as "updatedAt",
    (select max(i.created_at) from test_imports i where i.test_id = t.id) as "lastImportAt",
    (select count(*) from test_imports i where i.test_id = t.id) as "importCount",
    (select count(*) from findings f where f.test_id = t.id) as "findingsTotal",
    ${personColumns('u', 'creator')}
  from tests t
  join engagements e on e.id = t.engagement_id
  join products p on p.id = t.product_id
  left join users u on u.id = t.created_by`;

const emptyCounts = (): TSeverityCounts => ({ Critical: 0, High: 0, Medium: 0, Low: 0, Info: 0, total: 0 });

/** Open findings by severity, per test. */
async function countOpenFindings(db: Database, where: SQL): Promise<Map<number, TSeverityCounts>> {
  const rows = await db.all<{ testId: number; severity: TSeverity; n: number }>(sql`select f.test_id as "testId", f.severity, count(*) as n
    from findings f where ${where} and f.status in ('active', 'verified')
    group by f.test_id, f.severity`);
  const byTest = new Map<number, TSeverityCounts>();
  for (const r of rows) {
    const counts = byTest.get(r.testId) ?? emptyCounts();
    if ((SEVERITIES as readonly string[]).includes(r.severity)) counts[r.severity] += Number(r.n);
    counts.total += Number(r.n);
    byTest.set(r.testId, counts);
  }
  return byTest;
}

const toSummary = (row: TTestRow, open: TSeverityCounts): TTestSummary => ({
  id: row.id,
  title: row.title,
  format: row.format,
  tool_version: row.toolVersion,
  product_id: row.productId,
  product_name: row.productName,
  engagement_id: row.engagementId,
  engagement_name: row.engagementName,
  created_by: personOf(row, 'creator'),
  created_at: toIso(row.createdAt),
  updated_at: toIso(row.updatedAt),
  last_import_at: toIsoOrNull(row.lastImportAt === null ? null : Number(row.lastImportAt)),
  import_count: Number(row.importCount),
  open_findings: open,
  findings_total: Number(row.findingsTotal),
  url: `/tests/${row.id}`,
});

/** The tests of a visible product (else 404), newest first. */
export async function listProductTests(deps: Deps, user: UserRow, productId: number): Promise<TTestSummary[]> {
  if (!(await canViewProduct(deps, user, productId))) throw notFound(`Product ${productId}`);
  const rows = await deps.db.all<TTestRow>(sql`${TEST_SELECT} where t.product_id = ${productId} order by t.id desc`);
  const open = await countOpenFindings(deps.db, sql`f.product_id = ${productId}`);
  return rows.map((r) => toSummary(r, open.get(r.id) ?? emptyCounts()));
}

type TImportRow = {
  id: number;
  isReimport: number;
  format: TImportFormat;
  tool: string;
  toolVersion: string | null;
  scanDate: string;
  fileName: string;
  fileBytes: number;
  fileFindings: number;
  newCount: number;
  reactivatedCount: number;
  mitigatedCount: number;
  untouchedCount: number;
  keptTriagedCount: number;
  skippedCount: number;
  closeOldFindings: number;
  minimumSeverity: TSeverity;
  tags: string;
  createdAt: number;
} & Record<string, unknown>;

const toImportDto = (r: TImportRow): TTestImport => ({
  id: r.id,
  is_reimport: r.isReimport === 1,
  format: r.format,
  tool: r.tool,
  tool_version: r.toolVersion,
  scan_date: r.scanDate,
  file_name: r.fileName,
  file_bytes: Number(r.fileBytes),
  file_findings: r.fileFindings,
  new: r.newCount,
  reactivated: r.reactivatedCount,
  mitigated: r.mitigatedCount,
  untouched: r.untouchedCount,
  kept_triaged: r.keptTriagedCount,
  skipped: r.skippedCount,
  close_old_findings: r.closeOldFindings === 1,
  minimum_severity: r.minimumSeverity,
  tags: JSON.parse(r.tags) as string[],
  imported_by: personOf(r, 'importer'),
  created_at: toIso(r.createdAt),
});

/** A visible test (else 404) with its imports, newest first. */
export async function getTestDetail(deps: Deps, user: UserRow, id: number): Promise<TTestDetail> {
  const row = await deps.db.get<TTestRow>(sql`${TEST_SELECT} where t.id = ${id}`);
  if (!row || (await findProductAccessLevel(deps, user, row.productId)) === 'none') throw notFound(`Test ${id}`);
  const imports = await deps.db.all<TImportRow>(sql`select i.id, i.is_reimport as "isReimport", i.format, i.tool,
      i.tool_version as "toolVersion", i.scan_date as "scanDate", i.file_name as "fileName", i.file_bytes as "fileBytes",
      i.file_findings as "fileFindings", i.new_count as "newCount", i.reactivated_count as "reactivatedCount",
      i.mitigated_count as "mitigatedCount", i.untouched_count as "untouchedCount", i.kept_triaged_count as "keptTriagedCount",
      i.skipped_count as "skippedCount", i.close_old_findings as "closeOldFindings", i.minimum_severity as "minimumSeverity",
      i.tags, i.created_at as "createdAt", ${personColumns('u', 'importer')}
    from test_imports i left join users u on u.id = i.imported_by
    where i.test_id = ${id} order by i.id desc`);
  const open = await countOpenFindings(deps.db, sql`f.test_id = ${id}`);
  return { ...toSummary(row, open.get(id) ?? emptyCounts()), imports: imports.map(toImportDto) };
}
