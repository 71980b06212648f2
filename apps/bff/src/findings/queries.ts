/** Reading findings for the API: the summary row, its tags, its SLA as of today, and people as others see them. */
import { OPEN_FINDING_STATUSES, type TFindingStatus, type TSeverity } from '@tocsin/contract/findings';
import type { TFindingSla, TFindingSummary, TPersonRef } from '@tocsin/contract/findings-api';
import { type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { Database } from '../db/database';
import { calendarDateIn, diffDays } from '../lib/calendar-date';
import { findingLinks, type TPayloadFindingDetail } from '../notifications/event-payload';
import { readNoticeSettings } from '../sla/notice-settings';

/** ORDER BY key: Critical first. */
export const severityRank = (column: SQL) =>
  sql`case ${column} when 'Critical' then 0 when 'High' then 1 when 'Medium' then 2 when 'Low' then 3 else 4 end`;

/** Today where the team is, and the pre-breach window: what a finding's SLA state is measured with. */
export type TSlaView = { today: string; preBreachDays: number };

export async function loadSlaView(deps: Deps): Promise<TSlaView> {
  return {
    today: calendarDateIn(deps.now(), deps.env.TIME_ZONE),
    preBreachDays: (await readNoticeSettings(deps.db)).slaPreBreachDays,
  };
}

export function toFindingSla(expiresOn: string | null, status: string, view: TSlaView): TFindingSla {
  if (!OPEN_FINDING_STATUSES.has(status as TFindingStatus)) return { expires_on: expiresOn, days_left: null, state: 'closed' };
  if (expiresOn === null) return { expires_on: null, days_left: null, state: 'none' };
  const daysLeft = diffDays(view.today, expiresOn);
  const state = daysLeft < 0 ? 'overdue' : daysLeft === 0 ? 'breaching_today' : daysLeft <= view.preBreachDays ? 'pre_breach' : 'ok';
  return { expires_on: expiresOn, days_left: daysLeft, state };
}

export type TPersonColumns = { id: number | null; username: string | null; firstName: string | null; lastName: string | null };

export function toPersonRef(p: TPersonColumns): TPersonRef | null {
  if (p.id === null || p.username === null) return null;
  const name = `${p.firstName ?? ''} ${p.lastName ?? ''}`.trim();
  return { id: p.id, username: p.username, name: name || p.username };
}

/** `users` columns aliased for toPersonRef, with the alias prefix `prefix` ("author" → authorId, authorUsername…). */
export const personColumns = (alias: string, prefix: string) =>
  sql.raw(
    `${alias}.id as "${prefix}Id", ${alias}.username as "${prefix}Username", ${alias}.first_name as "${prefix}FirstName", ` +
      `${alias}.last_name as "${prefix}LastName"`,
  );

export const personOf = (row: Record<string, unknown>, prefix: string): TPersonRef | null =>
  toPersonRef({
    id: (row[`${prefix}Id`] as number | null) ?? null,
    username: (row[`${prefix}Username`] as string | null) ?? null,
    firstName: (row[`${prefix}FirstName`] as string | null) ?? null,
    lastName: (row[`${prefix}LastName`] as string | null) ?? null,
  });

export type TFindingSummaryRow = {
  id: number;
  title: string;
  severity: TSeverity;
  status: TFindingStatus;
  tool: string;
  ruleId: string | null;
  cwe: number | null;
  filePath: string | null;
  line: number | null;
  component: string | null;
  componentVersion: string | null;
  locationUrl: string | null;
  dateFound: string;
  mitigatedOn: string | null;
  slaExpiresOn: string | null;
  testId: number;
  testTitle: string;
  engagementId: number;
  engagementName: string;
  productId: number;
  productName: string;
};

/** The select list and joins of a finding summary, over `findings f`. */
export const FINDING_SUMMARY_FROM = sql`select f.id, f.title, f.severity, f.status, f.tool, f.rule_id as "ruleId", f.cwe,
    f.file_path as "filePath", f.line, f.component, f.component_version as "componentVersion", f.location_url as "locationUrl",
    f.date_found as "dateFound", f.mitigated_on as "mitigatedOn", f.sla_expires_on as "slaExpiresOn",
    f.test_id as "testId", t.title as "testTitle", f.engagement_id as "engagementId", e.name as "engagementName",
    f.product_id as "productId", p.name as "productName"
  from findings f
  join tests t on t.id = f.test_id
  join engagements e on e.id = f.engagement_id
  join products p on p.id = f.product_id`;

/** Tags of the findings `ids`, by finding. */
export async function findTags(db: Database, ids: readonly number[]): Promise<Map<number, string[]>> {
  const byFinding = new Map<number, string[]>();
  if (ids.length === 0) return byFinding;
  const rows = await db.all<{ findingId: number; tag: string }>(
    sql`select finding_id as "findingId", tag from finding_tags where ${db.fragments.inIds(sql`finding_id`, ids)} order by tag`,
  );
  for (const r of rows) {
    const list = byFinding.get(r.findingId);
    if (list) list.push(r.tag);
    else byFinding.set(r.findingId, [r.tag]);
  }
  return byFinding;
}

export function toFindingSummary(row: TFindingSummaryRow, tags: string[], view: TSlaView): TFindingSummary {
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    status: row.status,
    tool: row.tool,
    rule_id: row.ruleId,
    cwe: row.cwe,
    location: {
      file: row.filePath,
      line: row.line,
      component: row.component,
      component_version: row.componentVersion,
      url: row.locationUrl,
    },
    date_found: row.dateFound,
    mitigated_on: row.mitigatedOn,
    tags,
    test_id: row.testId,
    test_title: row.testTitle,
    engagement_id: row.engagementId,
    engagement_name: row.engagementName,
    product_id: row.productId,
    product_name: row.productName,
    sla: toFindingSla(row.slaExpiresOn, row.status, view),
    url: `/findings/${row.id}`,
  };
}

/** The `finding` block of an event payload (notifications/event-payload.ts). */
export async function loadPayloadFinding(db: Database, id: number): Promise<TPayloadFindingDetail> {
  const row = await db.get<{
    title: string;
    severity: TSeverity;
    status: TFindingStatus;
    dateFound: string;
    slaExpiresOn: string | null;
    testId: number;
  }>(sql`select title, severity, status, date_found as "dateFound", sla_expires_on as "slaExpiresOn", test_id as "testId"
    from findings where id = ${id}`);
  if (!row) throw new Error(`finding ${id} vanished inside its own transaction`);
  return {
    id,
    title: row.title,
    severity: row.severity,
    status: row.status,
    date_found: row.dateFound,
    sla_expires_on: row.slaExpiresOn,
    test_id: row.testId,
    ...findingLinks(id),
  };
}
