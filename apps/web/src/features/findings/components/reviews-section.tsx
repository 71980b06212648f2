/**
 * Review requests of a finding (DefectDojo's "Request peer review"): the pending and completed reviews,
 * "Mark reviewed" for the reviewer, and, for Writers and up, a form to ask people who may see the finding.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { type TReviewRequestBody, ZReviewRequestBody } from '@tocsin/contract/findings';
import type { TFindingDetail, TReview } from '@tocsin/contract/findings-api';
import { useId, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { FormError, SubmitButton, TextAreaField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { ErrorMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { ApiError, getErrorMessage } from '../../../lib/api-client';
import { useCompleteReview } from '../api/complete-review';
import { useMentionable } from '../api/get-mentionable';
import { useRequestReview } from '../api/request-review';

export function CompleteReview({ review }: { review: TReview }) {
  const complete = useCompleteReview();
  const [comment, setComment] = useState('');
  const id = useId();
  return (
    <form
      className="stack"
      aria-label={`Mark review ${review.id} reviewed`}
      onSubmit={(e) => {
        e.preventDefault();
        complete.mutate({ reviewId: review.id, findingId: review.finding_id, body: comment.trim() ? { comment: comment.trim() } : {} });
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-comment`}>Review comment (optional)</label>
        <textarea id={`${id}-comment`} rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={complete.isPending} aria-busy={complete.isPending || undefined}>
          Mark reviewed
        </button>
      </div>
      {complete.isError && <ErrorMessage>{getErrorMessage(complete.error)}</ErrorMessage>}
    </form>
  );
}

function ReviewList({ reviews }: { reviews: readonly TReview[] }) {
  if (reviews.length === 0) return <p>No reviews requested.</p>;
  return (
    <ul className="reviews">
      {reviews.map((review) => (
        <li key={review.id} className="card stack">
          <p>
            <strong>{review.reviewer.username}</strong>{' '}
            {review.status === 'pending' ? (
              <span className="badge badge-sla-warning">Pending</span>
            ) : (
              <span className="badge badge-sla-ok">Reviewed</span>
            )}{' '}
            <span className="muted">
              asked by {review.requested_by?.username ?? 'a deleted user'} <RelativeTime value={review.created_at} />
            </span>
          </p>
          <p className="note-entry">{review.message}</p>
          {review.status === 'reviewed' && (
            <p>
              Reviewed {review.reviewed_at && <RelativeTime value={review.reviewed_at} />}
              {review.comment ? `: ${review.comment}` : '.'}
            </p>
          )}
          {review.can_complete && <CompleteReview review={review} />}
        </li>
      ))}
    </ul>
  );
}

function RequestReviewForm({ finding }: { finding: TFindingDetail }) {
  const id = useId();
  const request = useRequestReview();
  const people = useMentionable({ target: { kind: 'finding', id: finding.id }, q: '', limit: 50 });
  const form = useForm<TReviewRequestBody>({ resolver: zodResolver(ZReviewRequestBody), defaultValues: { reviewer_ids: [], note: '' } });
  const refused =
    request.error instanceof ApiError && request.error.details && typeof request.error.details === 'object'
      ? ((request.error.details as { refused?: { username: string; message: string }[] }).refused ?? [])
      : [];

  return (
    <Form
      form={form}
      error={request.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => request.mutate({ findingId: finding.id, body }, { onSuccess: () => form.reset({ reviewer_ids: [], note: '' }) })}
    >
      <h3 id={`${id}-heading`}>Request review</h3>
      <Controller
        control={form.control}
        name="reviewer_ids"
        render={({ field, fieldState }) => (
          <fieldset className="filter-group" aria-describedby={fieldState.error ? `${id}-reviewers-error` : undefined}>
            <legend>Reviewers</legend>
            {people.isPending && <p role="status">Loading people…</p>}
            {people.isError && <ErrorMessage>{getErrorMessage(people.error)}</ErrorMessage>}
            {people.data?.items.length === 0 && <p>Nobody else may see this finding.</p>}
            {people.data?.items.map((person) => (
              <label key={person.id} className="filter-option">
                <input
                  type="checkbox"
                  checked={field.value.includes(person.id)}
                  onChange={(e) =>
                    field.onChange(e.target.checked ? [...field.value, person.id] : field.value.filter((v) => v !== person.id))
                  }
                />
                {person.username}
                {person.name && person.name !== person.username ? ` (${person.name})` : ''}
              </label>
            ))}
            {fieldState.error?.message && (
              <p id={`${id}-reviewers-error`} className="field-error">
                {fieldState.error.message}
              </p>
            )}
          </fieldset>
        )}
      />
      <TextAreaField name="note" label="Message to the reviewers" rows={3} maxLength={2000} />
      <div className="form-actions">
        <SubmitButton isPending={request.isPending} pendingLabel="Requesting…">
          Request review
        </SubmitButton>
      </div>
      <FormError />
      {refused.length > 0 && (
        <ul className="message message-error">
          {refused.map((r) => (
            <li key={r.username}>
              <strong>{r.username}</strong>: {r.message}
            </li>
          ))}
        </ul>
      )}
      {request.isSuccess && (
        <p className="message message-success" role="status">
          Review requested from {request.data.items.map((r) => r.reviewer.username).join(', ')}.
        </p>
      )}
    </Form>
  );
}

export function ReviewsSection({ finding }: { finding: TFindingDetail }) {
  return (
    <section aria-labelledby="finding-reviews-heading" id="reviews">
      <h2 id="finding-reviews-heading">Reviews</h2>
      <ReviewList reviews={finding.reviews} />
      {finding.can_edit && <RequestReviewForm finding={finding} />}
    </section>
  );
}
