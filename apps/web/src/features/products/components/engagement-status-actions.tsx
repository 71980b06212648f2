/** Close (with a confirmation) or reopen an engagement, for those who may (Writer or above on its product). */
import type { TEngagementDetail } from '@tocsin/contract/products';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useCloseEngagement } from '../api/close-engagement';
import { useReopenEngagement } from '../api/reopen-engagement';
import { isEngagementOpen } from './engagements-table';

export function EngagementStatusActions({ engagement }: { engagement: TEngagementDetail }) {
  const close = useCloseEngagement();
  const reopen = useReopenEngagement();
  const [isConfirmOpen, setIsConfirmOpen] = useState(false);
  const ids = { engagementId: engagement.id, productId: engagement.product_id };
  if (!engagement.can_edit) return null;
  const isOpen = isEngagementOpen(engagement);
  return (
    <div className="stack">
      <div className="form-actions">
        {isOpen ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              close.reset();
              reopen.reset();
              setIsConfirmOpen(true);
            }}
          >
            Close engagement
          </button>
        ) : (
          <button
            type="button"
            className="button"
            disabled={reopen.isPending}
            aria-busy={reopen.isPending || undefined}
            onClick={() => {
              close.reset();
              reopen.mutate(ids);
            }}
          >
            Reopen engagement
          </button>
        )}
      </div>
      {close.isSuccess && !isConfirmOpen && (
        <p className="message message-success" role="status">
          Engagement closed.
        </p>
      )}
      {reopen.isSuccess && (
        <p className="message message-success" role="status">
          Engagement reopened: it is In Progress.
        </p>
      )}
      {reopen.isError && <ErrorMessage>{getErrorMessage(reopen.error)}</ErrorMessage>}
      <ConfirmDialog
        isOpen={isConfirmOpen}
        title="Close engagement"
        confirmLabel="Close engagement"
        cancelLabel="Keep it open"
        isDanger
        isPending={close.isPending}
        errorMessage={close.isError ? getErrorMessage(close.error) : null}
        onCancel={() => setIsConfirmOpen(false)}
        onConfirm={() => close.mutate(ids, { onSuccess: () => setIsConfirmOpen(false) })}
      >
        <p>Close the engagement “{engagement.name}”? Its status becomes Completed; you can reopen it later.</p>
      </ConfirmDialog>
    </div>
  );
}
