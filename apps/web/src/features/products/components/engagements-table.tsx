import type { TEngagement } from '@tocsin/contract/products';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorMessage } from '../../../components/messages';
import { paths } from '../../../config/paths';
import { getErrorMessage } from '../../../lib/api-client';
import { useCloseEngagement } from '../api/close-engagement';

// Closing sets the status to Completed; the BFF closes any engagement not Completed yet.
export const isEngagementOpen = (engagement: Pick<TEngagement, 'status'>) => engagement.status !== 'Completed';

export function EngagementsTable({ productId, engagements }: { productId: number; engagements: readonly TEngagement[] }) {
  const close = useCloseEngagement();
  const [closing, setClosing] = useState<TEngagement | null>(null);

  if (engagements.length === 0) return <p>No engagements yet.</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table table-stack">
          <caption className="visually-hidden">Engagements</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Lead</th>
              <th scope="col">Target start</th>
              <th scope="col">Target end</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {engagements.map((engagement) => (
              <tr key={engagement.id}>
                <td className="cell-primary">
                  <Link to={paths.engagements.detail.getHref(engagement.id)}>{engagement.name}</Link>
                </td>
                <td data-label="Lead">{engagement.lead_username ?? <span className="muted">None</span>}</td>
                <td data-label="Target start">{engagement.target_start}</td>
                <td data-label="Target end">{engagement.target_end}</td>
                <td data-label="Status">{engagement.status}</td>
                <td className="form-actions">
                  <Link
                    className="button button-small"
                    to={`${paths.engagements.detail.getHref(engagement.id)}#notes`}
                    aria-label={`Notes on ${engagement.name}`}
                  >
                    Notes
                  </Link>
                  {isEngagementOpen(engagement) && (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Close engagement ${engagement.name}`}
                      onClick={() => {
                        close.reset();
                        setClosing(engagement);
                      }}
                    >
                      Close engagement
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {close.isSuccess && !closing && (
        <p className="message message-success" role="status">
          Engagement {close.data.name} closed.
        </p>
      )}
      <ConfirmDialog
        isOpen={closing !== null}
        title="Close engagement"
        confirmLabel="Close engagement"
        cancelLabel="Keep it open"
        isDanger
        isPending={close.isPending}
        errorMessage={close.isError ? getErrorMessage(close.error) : null}
        onCancel={() => setClosing(null)}
        onConfirm={() => {
          if (!closing) return;
          close.mutate({ engagementId: closing.id, productId }, { onSuccess: () => setClosing(null) });
        }}
      >
        <p>Close the engagement “{closing?.name}”?</p>
      </ConfirmDialog>
      {close.isError && !closing && <ErrorMessage>{getErrorMessage(close.error)}</ErrorMessage>}
    </>
  );
}
