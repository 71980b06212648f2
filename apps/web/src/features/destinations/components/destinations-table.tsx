/** Named destinations with their health, and per-row Send test, Delivery log, Edit and Delete. */
import type { TDestination } from '@tocsin/contract/rules';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { useDeleteDestination } from '../api/delete-destination';
import { useTestDestination } from '../api/test-destination';

const whereOf = (d: TDestination) =>
  d.kind === 'slack'
    ? d.slack_channel
    : d.kind === 'mail'
      ? d.addresses.join(', ')
      : d.kind === 'webhook'
        ? d.url
        : 'Workflows URL (saved)';

export function DestinationsTable({
  destinations,
  getLogHref,
  onEdit,
}: {
  destinations: readonly TDestination[];
  getLogHref: (id: number) => string;
  onEdit: (d: TDestination) => void;
}) {
  const [toDelete, setToDelete] = useState<TDestination | null>(null);
  const remove = useDeleteDestination();
  if (destinations.length === 0) return <p className="empty-state">No destinations yet. Add one below.</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table table-stack">
          <caption className="visually-hidden">Destinations</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Where</th>
              <th scope="col">Sending</th>
              <th scope="col">Health</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {destinations.map((d) => (
              <DestinationRow
                key={d.id}
                destination={d}
                logHref={getLogHref(d.id)}
                onEdit={() => onEdit(d)}
                onDelete={() => setToDelete(d)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        isOpen={toDelete !== null}
        title="Delete destination?"
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
          Delete the destination <strong>{toDelete?.name}</strong>? Its delivery log goes with it, and system rules stop sending there.
        </p>
      </ConfirmDialog>
    </>
  );
}

function DestinationRow({
  destination: d,
  logHref,
  onEdit,
  onDelete,
}: {
  destination: TDestination;
  logHref: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const test = useTestDestination();
  const h = d.health;
  return (
    <tr>
      <th scope="row" className="cell-primary">
        {d.name}
      </th>
      <td data-label="Kind">{d.kind_label}</td>
      <td data-label="Where" className="cell-wrap">
        {whereOf(d)}
      </td>
      <td data-label="Sending">{describeDigest(d.digest)}</td>
      <td data-label="Health">
        {h.last_success_at === null && h.last_failure_at === null ? (
          <span className="muted">Nothing sent yet</span>
        ) : (
          <ul className="plain-list">
            {h.last_success_at && (
              <li>
                Last success <RelativeTime value={h.last_success_at} />
              </li>
            )}
            {h.last_failure_at && (
              <li>
                Last failure <RelativeTime value={h.last_failure_at} />
                {h.last_error && <span className="muted">: {h.last_error}</span>}
              </li>
            )}
            {h.consecutive_failures > 0 && <li>{h.consecutive_failures} failures in a row</li>}
          </ul>
        )}
      </td>
      <td data-label="Actions">
        <div className="form-actions">
          <button type="button" className="link-button" disabled={test.isPending} onClick={() => test.mutate(d.id)}>
            {test.isPending ? 'Sending…' : 'Send test'}
            <span className="visually-hidden"> to {d.name}</span>
          </button>
          <Link to={logHref}>
            Delivery log<span className="visually-hidden"> of {d.name}</span>
          </Link>
          <button type="button" className="link-button" onClick={onEdit}>
            Edit<span className="visually-hidden"> {d.name}</span>
          </button>
          <button type="button" className="link-button link-button-danger" onClick={onDelete}>
            Delete<span className="visually-hidden"> {d.name}</span>
          </button>
        </div>
        {test.isError && <ErrorMessage>{getErrorMessage(test.error)}</ErrorMessage>}
        {test.data &&
          (test.data.ok ? <SuccessMessage>{test.data.message}</SuccessMessage> : <ErrorMessage>{test.data.message}</ErrorMessage>)}
      </td>
    </tr>
  );
}

/** "Immediately", "Hourly digest", "Daily digest at 08:00 (Europe/Paris)". */
export function describeDigest(digest: TDestination['digest']): string {
  if (digest.mode === 'hourly') return 'Hourly digest';
  if (digest.mode === 'daily') return `Daily digest at ${digest.daily_at} (${digest.time_zone})`;
  return 'Immediately';
}
