/**
 * Findings as people see and triage them: a product's findings (filtered, paged, each with its SLA days
 * left), one finding with its history, notes, reviews and SLA, a person's status change (Writer or above;
 * a history row with who and when, and the reason kept as a note) and a severity correction (the SLA
 * expiry follows).
 */
import { FINDING_STATUS_LABELS, type TFindingStatus, type TFindingStatusChangeBody, type TSeverity } from '@tocsin/contract/findings';
import type {
  TFindingDetail,
  TFindingListQuery,
  TFindingPage,
  TFindingStatusChangeResult,
  TMentionReport,
  TSeverityChange,
  TStatusChange,
  TUpdateFindingBody,
} from '@tocsin/contract/findings-api';
import { inArray, type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { canViewProduct } from '../auth/rbac';
import { calendarDateIn } from '../lib/calendar-date';
import { conflict, notFound } from '../lib/errors';
import { toIso } from '../lib/time';
import { createNote, findNoteTarget, listNotes } from '../notes/service';
import { listFindingReviews } from '../reviews/service';
import { findProductSlaConfiguration, recomputeSlaExpiry } from '../sla/configurations';
import { assertCanWrite, findVisibleFinding } from './access';
import {
  FINDING_SUMMARY_FROM,
  findTags,
  loadSlaView,
  personColumns,
  personOf,
  severityRank,
  type TFindingSummaryRow,
  toFindingSummary,
} from './queries';
import { transitionFindings } from './transitions';

/** A product's findings, most severe and most urgent first. The product must be visible (else 404). */
export async function listProductFindings(deps: Deps, user: UserRow, productId: number, query: TFindingListQuery): Promise<TFindingPage> {
  if (!(await canViewProduct(deps, user, productId))) throw notFound(`Product ${productId}`);
  const db = deps.db;
  const conditions: SQL[] = [sql`f.product_id = ${productId}`];
  if (query.severity?.length) conditions.push(inArray(sql`f.severity`, query.severity));
  if (query.status?.length) conditions.push(inArray(sql`f.status`, query.status));
  if (query.test_id !== undefined) conditions.push(sql`f.test_id = ${query.test_id}`);
  if (query.engagement_id !== undefined) conditions.push(sql`f.engagement_id = ${query.engagement_id}`);
  if (query.tag !== undefined) {
    conditions.push(sql`exists (select 1 from finding_tags ft where ft.finding_id = f.id and ft.tag = ${query.tag.toLowerCase()})`);
  }
  const where = sql.join(conditions, sql` and `);
  const total = Number((await db.get<{ n: number }>(sql`select count(*) as n from findings f where ${where}`))?.n ?? 0);
  const offset = (query.page - 1) * query.page_size;
  const rows = await db.all<TFindingSummaryRow>(sql`${FINDING_SUMMARY_FROM} where ${where}
    order by ${severityRank(sql`f.severity`)}, case when f.sla_expires_on is null then 1 else 0 end, f.sla_expires_on, f.id
    limit ${query.page_size} offset ${offset}`);
  const tags = await findTags(
    db,
    rows.map((r) => r.id),
  );
  const view = await loadSlaView(deps);
  return {
    items: rows.map((r) => toFindingSummary(r, tags.get(r.id) ?? [], view)),
    total,
    page: query.page,
    page_size: query.page_size,
  };
}

type TDetailRow = TFindingSummaryRow & {
  description: string;
  mitigation: string | null;
  impact: string | null;
  references: string | null;
  toolVersion: string | null;
  vulnerabilityIds: string;
  fingerprint: string;
  slaStartDate: string;
} & Record<string, unknown>;

async function findSeverityHistory(deps: Deps, findingId: number): Promise<TSeverityChange[]> {
  const rows = await deps.db.all<Record<string, unknown>>(sql`select h.id, h.from_severity as "fromSeverity",
      h.to_severity as "toSeverity", h.from_sla_expires_on as "fromSla", h.to_sla_expires_on as "toSla", h.reason,
      h.created_at as "createdAt", ${personColumns('u', 'by')}
    from finding_severity_history h left join users u on u.id = h.changed_by
    where h.finding_id = ${findingId} order by h.id`);
  return rows.map((r) => ({
    id: r.id as number,
    from: r.fromSeverity as TSeverity,
    to: r.toSeverity as TSeverity,
    changed_by: personOf(r, 'by'),
    reason: r.reason as string,
    sla_expires_before: (r.fromSla as string | null) ?? null,
    sla_expires_after: (r.toSla as string | null) ?? null,
    created_at: toIso(r.createdAt as number),
  }));
}

async function findStatusHistory(deps: Deps, findingId: number): Promise<TStatusChange[]> {
  const rows = await deps.db.all<Record<string, unknown>>(sql`select h.id, h.from_status as "fromStatus", h.to_status as "toStatus",
      h.source, h.note, h.created_at as "createdAt", ${personColumns('u', 'by')}
    from finding_status_history h left join users u on u.id = h.changed_by
    where h.finding_id = ${findingId} order by h.id`);
  return rows.map((r) => ({
    id: r.id as number,
    from: (r.fromStatus as TFindingStatus | null) ?? null,
    to: r.toStatus as TFindingStatus,
    changed_by: personOf(r, 'by'),
    source: r.source as TStatusChange['source'],
    note: (r.note as string | null) ?? null,
    created_at: toIso(r.createdAt as number),
  }));
}

/** One finding with everything its page shows. */
export async function getFindingDetail(deps: Deps, user: UserRow, id: number): Promise<TFindingDetail> {
  const ref = await findVisibleFinding(deps, user, id);
  const db = deps.db;
  const row = await db.get<TFindingSummaryRow>(sql`${FINDING_SUMMARY_FROM} where f.id = ${id}`);
  if (!row) throw notFound(`Finding ${id}`);
  const extra = await db.get<TDetailRow>(sql`select f.description, f.mitigation, f.impact, f.reference_text as "references",
      f.tool_version as "toolVersion", f.vulnerability_ids as "vulnerabilityIds", f.fingerprint, f.sla_start_date as "slaStartDate",
      ${personColumns('m', 'mitigator')}
    from findings f left join users m on m.id = f.mitigated_by where f.id = ${id}`);
  const view = await loadSlaView(deps);
  const tags = (await findTags(db, [id])).get(id) ?? [];
  const configuration = await findProductSlaConfiguration(db, ref.productId);
  const acceptance = await db.get<{ id: number; name: string; expiresOn: string | null }>(sql`select ra.id, ra.name,
      ra.expires_on as "expiresOn"
    from risk_acceptance_findings raf join risk_acceptances ra on ra.id = raf.risk_acceptance_id
    where raf.finding_id = ${id} and ra.expired_at is null order by ra.id desc limit 1`);
  const target = await findNoteTarget(deps, user, 'finding', id);
  const severity = row.severity as TSeverity;
  return {
    ...toFindingSummary(row, tags, view),
    description: extra!.description,
    mitigation: extra!.mitigation,
    impact: extra!.impact,
    references: extra!.references,
    tool_version: extra!.toolVersion,
    vulnerability_ids: JSON.parse(extra!.vulnerabilityIds) as string[],
    fingerprint: extra!.fingerprint,
    mitigated_by: personOf(extra!, 'mitigator'),
    sla_detail: {
      configuration: { id: configuration.id, name: configuration.name, is_default: configuration.is_default },
      days: configuration.periods[severity].enforced ? configuration.periods[severity].days : null,
      start_date: extra!.slaStartDate,
    },
    status_history: await findStatusHistory(deps, id),
    severity_history: await findSeverityHistory(deps, id),
    notes: await listNotes(deps, user, target),
    reviews: await listFindingReviews(db, user, id),
    risk_acceptance: acceptance
      ? { id: acceptance.id, name: acceptance.name, expires_on: acceptance.expiresOn, url: `/risk-acceptances/${acceptance.id}` }
      : null,
    can_edit: ref.access === 'write',
  };
}

/**
 * A person sets the status (false positive, out of scope, mitigated, active, verified). Writers and above; the
 * status, its history row (who, when, why) and the note with the reason commit together. A finding held by a
 * risk acceptance changes only through it (its expiry, or a person ending it).
 */
export async function changeFindingStatus(
  deps: Deps,
  user: UserRow,
  id: number,
  body: TFindingStatusChangeBody,
): Promise<TFindingStatusChangeResult> {
  const finding = await findVisibleFinding(deps, user, id);
  assertCanWrite(finding, 'Changing the status of a finding');
  const mentions = await deps.db.transaction(async (tx): Promise<TMentionReport | null> => {
    // The status as it is now, read under a write that holds the row: two people changing it at once take turns.
    const current = await tx.get<{ status: TFindingStatus }>(
      sql`update findings set updated_at = updated_at where id = ${id} returning status`,
    );
    if (!current) throw notFound(`Finding ${id}`);
    const holder = await tx.get<{ name: string }>(sql`select ra.name from risk_acceptance_findings raf
      join risk_acceptances ra on ra.id = raf.risk_acceptance_id where raf.finding_id = ${id} and ra.expired_at is null`);
    if (holder) {
      throw conflict(`The risk acceptance "${holder.name}" holds this finding: its status follows the acceptance until it expires.`);
    }
    if (current.status === body.status) throw conflict(`The finding is already ${FINDING_STATUS_LABELS[body.status]}.`);
    const note = body.note?.trim() || null;
    await transitionFindings(tx, {
      ids: [id],
      to: body.status,
      source: 'manual',
      changedBy: user.id,
      now: deps.now(),
      mitigatedOn: body.status === 'mitigated' ? calendarDateIn(deps.now(), deps.env.TIME_ZONE) : undefined,
      note,
    });
    if (note === null) return null;
    const target = await findNoteTarget(withDb(deps, tx), user, 'finding', id);
    return (await createNote(withDb(deps, tx), user, target, { entry: note })).mentions;
  });
  return { finding: await getFindingDetail(deps, user, id), mentions };
}

/**
 * A person corrects the severity (Writer or above), saying why. The SLA expiry is recomputed with it, and the
 * change (who, when, from → to, the expiry before and after, the reason) is kept in the severity history, all in
 * one transaction. Setting the severity it already has is a conflict.
 */
export async function updateFinding(deps: Deps, user: UserRow, id: number, body: TUpdateFindingBody): Promise<TFindingDetail> {
  const finding = await findVisibleFinding(deps, user, id);
  assertCanWrite(finding, 'Changing the severity of a finding');
  await deps.db.transaction(async (tx) => {
    const now = deps.now();
    // The severity as it is now, read under a write that holds the row: two corrections at once take turns.
    const before = await tx.get<{ severity: TSeverity; slaExpiresOn: string | null }>(
      sql`update findings set updated_at = ${now} where id = ${id} returning severity, sla_expires_on as "slaExpiresOn"`,
    );
    if (!before) throw notFound(`Finding ${id}`);
    if (before.severity === body.severity) throw conflict(`The finding is already ${body.severity}.`);
    await tx.run(sql`update findings set severity = ${body.severity} where id = ${id}`);
    await recomputeSlaExpiry(tx, sql`findings.id = ${id}`);
    await tx.run(sql`insert into finding_severity_history (finding_id, from_severity, to_severity, from_sla_expires_on,
        to_sla_expires_on, changed_by, reason, created_at)
      select f.id, ${before.severity}, f.severity, cast(${before.slaExpiresOn} as text), f.sla_expires_on, ${user.id}, ${body.reason},
        cast(${now} as bigint)
      from findings f where f.id = ${id}`);
  });
  return getFindingDetail(deps, user, id);
}
