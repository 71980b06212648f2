/** The webhook endpoints with their health, and per-row actions (edit, deactivate/reactivate, test, delete). */
import type { TWebhook } from '@tocsin/contract/webhooks';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { useActivateWebhook } from '../api/activate-webhook';
import { useDeactivateWebhook } from '../api/deactivate-webhook';
import { useDeleteWebhook } from '../api/delete-webhook';
import { useTestWebhook } from '../api/test-webhook';

export function WebhooksTable({ webhooks, onEdit }: { webhooks: TWebhook[]; onEdit: (webhook: TWebhook) => void }) {
  const [toDelete, setToDelete] = useState<TWebhook | null>(null);
  const remove = useDeleteWebhook();

  if (webhooks.length === 0) {
    return <p className="empty-state">No webhooks yet. Add one below.</p>;
  }
  return (
    <>
      <div className="table-wrap">
        <table className="table table-stack">
          <caption className="visually-hidden">Webhooks</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Owner</th>
              <th scope="col">State</th>
              <th scope="col">First error</th>
              <th scope="col">Last error</th>
              <th scope="col">Note</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((w) => (
              <WebhookRow key={w.id} webhook={w} onEdit={() => onEdit(w)} onDelete={() => setToDelete(w)} />
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        isOpen={toDelete !== null}
        title="Delete webhook?"
        confirmLabel="Delete"
        isDanger
        isPending={remove.isPending}
        errorMessage={remove.isError ? getErrorMessage(remove.error) : null}
        onCancel={() => {
          remove.reset();
          setToDelete(null);
        }}
        onConfirm={() => {
          if (toDelete) remove.mutate(toDelete.id, { onSuccess: () => setToDelete(null) });
        }}
      >
        <p>
          Delete the webhook <strong>{toDelete?.name}</strong>? Its deliveries are deleted too. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}

function WebhookRow({ webhook, onEdit, onDelete }: { webhook: TWebhook; onEdit: () => void; onDelete: () => void }) {
  const deactivate = useDeactivateWebhook();
  const activate = useActivateWebhook();
  const test = useTestWebhook();
  const isInactive = webhook.status === 'inactive_permanent' || webhook.status === 'inactive_tmp';
  const toggle = isInactive ? activate : deactivate;

  return (
    <tr>
      <th scope="row" className="cell-primary">
        {webhook.name}
      </th>
      <td data-label="URL" className="monospace cell-wrap">
        {webhook.url}
      </td>
      <td data-label="Owner">{webhook.owner_username ?? (webhook.owner_id === null ? 'System' : `User ${webhook.owner_id}`)}</td>
      <td data-label="State">
        {webhook.status_label}
        {(webhook.header_value_set || webhook.signing_secret_set) && (
          <span className="field-hint">
            <br />
            {[webhook.header_value_set && `${webhook.header_name} header set`, webhook.signing_secret_set && 'signed']
              .filter(Boolean)
              .join(' · ')}
          </span>
        )}
      </td>
      <td data-label="First error">{webhook.first_error_at ? <RelativeTime value={webhook.first_error_at} /> : '—'}</td>
      <td data-label="Last error">{webhook.last_error_at ? <RelativeTime value={webhook.last_error_at} /> : '—'}</td>
      <td data-label="Note" className="cell-wrap">
        {webhook.note ?? '—'}
      </td>
      <td data-label="Actions">
        <div className="form-actions">
          <button type="button" className="button button-small" aria-label={`Edit webhook ${webhook.name}`} onClick={onEdit}>
            Edit
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={toggle.isPending}
            aria-label={`${isInactive ? 'Reactivate' : 'Deactivate'} webhook ${webhook.name}`}
            onClick={() => {
              test.reset();
              toggle.mutate(webhook.id);
            }}
          >
            {isInactive ? 'Reactivate' : 'Deactivate'}
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={test.isPending}
            aria-busy={test.isPending}
            aria-label={test.isPending ? undefined : `Send test to webhook ${webhook.name}`}
            onClick={() => test.mutate(webhook.id)}
          >
            {test.isPending ? 'Sending…' : 'Send test'}
          </button>
          <button
            type="button"
            className="button button-small button-danger"
            aria-label={`Delete webhook ${webhook.name}`}
            onClick={onDelete}
          >
            Delete
          </button>
        </div>
        {test.isSuccess &&
          (test.data.ok ? <SuccessMessage>{test.data.message}</SuccessMessage> : <ErrorMessage>{test.data.message}</ErrorMessage>)}
        {test.isError && <ErrorMessage>{getErrorMessage(test.error)}</ErrorMessage>}
        {toggle.isError && <ErrorMessage>{getErrorMessage(toggle.error)}</ErrorMessage>}
      </td>
    </tr>
  );
}
