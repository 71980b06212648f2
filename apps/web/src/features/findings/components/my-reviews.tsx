/**
 * "My reviews": the reviews people asked of the caller, pending first, then completed; each with its finding,
 * product, requester, message and when, and "Mark reviewed" on the pending ones.
 */
import type { TReview } from '@tocsin/contract/findings-api';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../../components/messages';
import { Pagination } from '../../../components/pagination';
import { RelativeTime } from '../../../components/relative-time';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { MY_REVIEWS_PAGE_SIZE, useMyReviews } from '../api/get-my-reviews';
import { SeverityBadge } from './finding-badges';
import { CompleteReview } from './reviews-section';

function MyReview({ review }: { review: TReview }) {
  return (
    <li className="card stack">
      <p>
        <SeverityBadge severity={review.finding_severity} />{' '}
        <Link className="cell-wrap" to={`${paths.findings.detail.getHref(review.finding_id)}#reviews`}>
          {review.finding_title}
        </Link>{' '}
        in <Link to={paths.products.detail.getHref(review.product_id)}>{review.product_name}</Link>{' '}
        {review.status === 'pending' ? (
          <span className="badge badge-sla-warning">Pending</span>
        ) : (
          <span className="badge badge-sla-ok">Reviewed</span>
        )}
      </p>
      <p className="muted">
        Asked by {review.requested_by?.username ?? 'a deleted user'} <RelativeTime value={review.created_at} />
      </p>
      <p className="note-entry">{review.message}</p>
      {review.status === 'reviewed' && (
        <p>
          You reviewed it {review.reviewed_at && <RelativeTime value={review.reviewed_at} />}
          {review.comment ? `: ${review.comment}` : '.'}
        </p>
      )}
      {review.can_complete && <CompleteReview review={review} />}
    </li>
  );
}

export function MyReviews({ page, onPageChange }: { page: number; onPageChange: (page: number) => void }) {
  const reviews = useMyReviews(page);
  if (reviews.isPending) return <p role="status">Loading your reviews…</p>;
  if (reviews.isError) return <ErrorMessage>{getErrorMessage(reviews.error)}</ErrorMessage>;
  const { items, total, pending } = reviews.data;
  return (
    <>
      <p role="status">
        {pending === 0
          ? 'Nothing is waiting for your review.'
          : `${pending} ${pending === 1 ? 'review is' : 'reviews are'} waiting for you.`}
      </p>
      {total === 0 ? (
        <p>Nobody has asked you to review a finding yet.</p>
      ) : (
        <ul className="reviews" aria-label="Reviews asked of you, pending first">
          {items.map((review) => (
            <MyReview key={review.id} review={review} />
          ))}
        </ul>
      )}
      <Pagination page={page} total={total} pageSize={MY_REVIEWS_PAGE_SIZE} label="Review pages" onPageChange={onPageChange} />
    </>
  );
}
