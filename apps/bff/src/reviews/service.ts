/**
 * Review requests on findings (DefectDojo's "Request peer review"): a Writer (or above) picks reviewers among
 * the active people who may see the finding, with a message; each reviewer gets review_requested and a pending
 * review, which they (and only they) mark reviewed. The finding shows its pending and completed reviews.
 */
import type { TReviewRequestBody, TSeverity } from '@tocsin/contract/findings';
import type { TCompleteReviewBody, TMyReviewPage, TMyReviewsQuery, TReview } from '@tocsin/contract/findings-api';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { canViewProduct, userViewsProductSql } from '../auth/rbac';
import type { Database } from '../db/database';
import { assertCanWrite, findVisibleFinding } from '../findings/access';
import { loadPayloadFinding, personColumns, personOf } from '../findings/queries';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';
import { dispatchEvent } from '../notifications/dispatch';
import { reviewRequestedEvent } from './events';

type TReviewRow = {
  id: number;
  findingId: number;
  findingTitle: string;
  findingSeverity: TSeverity;
  productId: number;
  productName: string;
  reviewerId: number;
  message: string;
  status: 'pending' | 'reviewed';
  comment: string | null;
  createdAt: number;
  reviewedAt: number | null;
} & Record<string, unknown>;

const REVIEW_SELECT = sql`select r.id, r.finding_id as "findingId", f.title as "findingTitle", f.severity as "findingSeverity",
    f.product_id as "productId", p.name as "productName", r.reviewer_id as "reviewerId",
    r.message, r.status, r.comment, r.created_at as "createdAt", r.reviewed_at as "reviewedAt",
    ${personColumns('rq', 'requester')}, ${personColumns('rv', 'reviewer')}
  from finding_reviews r
  join findings f on f.id = r.finding_id
  join products p on p.id = f.product_id
  left join users rq on rq.id = r.requested_by
  join users rv on rv.id = r.reviewer_id`;

const toReviewDto = (row: TReviewRow, user: UserRow): TReview => ({
  id: row.id,
  finding_id: row.findingId,
  finding_title: row.findingTitle,
  finding_severity: row.findingSeverity,
  product_id: row.productId,
  product_name: row.productName,
  requested_by: personOf(row, 'requester'),
  reviewer: personOf(row, 'reviewer')!,
  message: row.message,
  status: row.status,
  comment: row.comment,
  created_at: toIso(row.createdAt),
  reviewed_at: toIsoOrNull(row.reviewedAt),
  can_complete: row.status === 'pending' && row.reviewerId === user.id,
});

async function selectReviews(db: Database, user: UserRow, where: SQL, order: SQL = sql`r.id desc`, page?: SQL): Promise<TReview[]> {
  const rows = await db.all<TReviewRow>(sql`${REVIEW_SELECT} where ${where} order by ${order}${page ?? sql``}`);
  return rows.map((r) => toReviewDto(r, user));
}

/** The reviews of a finding the caller may see, newest first. */
export const listFindingReviews = (db: Database, user: UserRow, findingId: number) =>
  selectReviews(db, user, sql`r.finding_id = ${findingId}`);

/**
 * The caller's own reviews as a reviewer, on findings they may still see (a review of a product they lost access to
 * is not listed, nor counted): pending first, then completed, newest first within each; with the pending count.
 */
export async function listMyReviews(deps: Deps, user: UserRow, query: TMyReviewsQuery): Promise<TMyReviewPage> {
  const db = deps.db;
  const mine = sql`r.reviewer_id = ${user.id} and ${userViewsProductSql(sql`rv`, sql`f.product_id`)}`;
  const counts = await db.get<{ total: number; pending: number }>(sql`select count(*) as total,
      coalesce(sum(case when r.status = 'pending' then 1 else 0 end), 0) as pending
    from finding_reviews r join findings f on f.id = r.finding_id join users rv on rv.id = r.reviewer_id
    where ${mine}`);
  const all = Number(counts?.total ?? 0);
  const pending = Number(counts?.pending ?? 0);
  const total = query.status === 'all' ? all : query.status === 'pending' ? pending : all - pending;
  const byStatus = query.status === 'all' ? sql`1 = 1` : sql`r.status = ${query.status}`;
  const items = await selectReviews(
    db,
    user,
    sql`${mine} and ${byStatus}`,
    sql`case when r.status = 'pending' then 0 else 1 end, r.id desc`,
    sql` limit ${query.page_size} offset ${(query.page - 1) * query.page_size}`,
  );
  return { items, total, pending, page: query.page, page_size: query.page_size };
}

type TCandidate = { id: number; username: string; isActive: number; canView: unknown; hasPending: unknown };
type TRefusal = { reviewer_id: number; username: string | null; message: string };

/**
 * Ask `reviewer_ids` to review the finding. Every reviewer must be an active user, other than the requester,
 * who may see the finding and has no pending review of it yet; otherwise nothing is asked and the answer names
 * each refused reviewer with the reason.
 */
export async function requestReview(deps: Deps, user: UserRow, findingId: number, body: TReviewRequestBody): Promise<TReview[]> {
  const finding = await findVisibleFinding(deps, user, findingId);
  assertCanWrite(finding, 'Requesting a review of a finding');
  return deps.db.transaction(async (tx) => {
    const candidates = await tx.all<TCandidate>(sql`select u.id, u.username, u.is_active as "isActive",
        case when ${userViewsProductSql(sql`u`, sql`${finding.productId}`)} then 1 else 0 end as "canView",
        case when exists (select 1 from finding_reviews r where r.finding_id = ${findingId} and r.reviewer_id = u.id
                          and r.status = 'pending') then 1 else 0 end as "hasPending"
      from users u where ${tx.fragments.inIds(sql`u.id`, body.reviewer_ids)}`);
    const byId = new Map(candidates.map((c) => [c.id, c]));
    const refused: TRefusal[] = [];
    for (const id of body.reviewer_ids) {
      const c = byId.get(id);
      const refuse = (message: string) => refused.push({ reviewer_id: id, username: c?.username ?? null, message });
      if (!c) refuse(`There is no user with id ${id}.`);
      else if (c.id === user.id) refuse('You cannot review your own request; choose someone else.');
      else if (c.isActive !== 1) refuse(`${c.username}'s account is deactivated.`);
      else if (!(c.canView === 1 || c.canView === true))
        refuse(`${c.username} may not see this finding (no access to ${finding.productName}).`);
      else if (c.hasPending === 1 || c.hasPending === true) refuse(`${c.username} already has a pending review of this finding.`);
    }
    if (refused.length > 0) {
      throw badRequest(`reviewer_ids: ${refused.map((r) => (r.username ? `${r.username}: ${r.message}` : r.message)).join(' ')}`, {
        path: 'reviewer_ids',
        refused,
      });
    }
    const now = deps.now();
    const reviewIds: number[] = [];
    for (const id of body.reviewer_ids) {
      const row = await tx.get<{ id: number }>(sql`insert into finding_reviews (finding_id, requested_by, reviewer_id, message, status,
          created_at)
        values (${findingId}, ${user.id}, ${id}, ${body.note}, 'pending', ${now}) returning id`);
      reviewIds.push(row!.id);
    }
    const reviewers = body.reviewer_ids.map((id) => ({ id, username: byId.get(id)!.username }));
    await dispatchEvent(
      withDb(deps, tx),
      reviewRequestedEvent({
        finding,
        findingPayload: await loadPayloadFinding(tx, findingId),
        requester: user,
        reviewers,
        reviewIds,
        message: body.note,
      }),
    );
    return selectReviews(tx, user, sql`${tx.fragments.inIds(sql`r.id`, reviewIds)}`);
  });
}

/** The reviewer marks their review done (once). Others who may see the finding get 403; others 404. */
export async function completeReview(deps: Deps, user: UserRow, id: number, body: TCompleteReviewBody): Promise<TReview> {
  const [review] = await selectReviews(deps.db, user, sql`r.id = ${id}`);
  const productId = review
    ? (
        await deps.db.get<{ productId: number }>(sql`select f.product_id as "productId" from finding_reviews r
        join findings f on f.id = r.finding_id where r.id = ${id}`)
      )?.productId
    : undefined;
  if (!review || productId === undefined || !(await canViewProduct(deps, user, productId))) throw notFound(`Review ${id}`);
  if (review.reviewer.id !== user.id) throw forbidden(`Only the reviewer, ${review.reviewer.username}, can mark this review done.`);
  const changed = await deps.db.run(sql`update finding_reviews set status = 'reviewed', reviewed_at = ${deps.now()},
      comment = ${body.comment?.trim() || null}
    where id = ${id} and status = 'pending'`);
  if (changed === 0) throw conflict('This review is already marked reviewed.');
  return (await selectReviews(deps.db, user, sql`r.id = ${id}`))[0]!;
}
