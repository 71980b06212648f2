import { CHANNEL_LABELS, type TChannel } from '@tocsin/contract/catalogue';
import { DELIVERY_STATUS_LABELS, type TDelivery } from '@tocsin/contract/deliveries';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { RelativeTime } from '../../../components/relative-time';
import { RetryDeliveryButton } from './retry-delivery-button';

const channelLabel = (channel: string) => CHANNEL_LABELS[channel as TChannel] ?? channel;

/** Failed and retrying deliveries can be sent again now: failed with a fresh attempt budget, retrying without the wait. */
export const canRetry = (d: Pick<TDelivery, 'status'>) => d.status === 'failed' || d.status === 'retrying';

/**
 * The delivery log's rows. Seven columns, so the table fits a 1366 px screen with "Retry" in view: the status
 * cell also carries the response code, the attempts and a note such as "accepted by Teams"; long errors and
 * destinations wrap anywhere instead of widening the table.
 */
export function DeliveriesTable({ deliveries, getDetailHref }: { deliveries: TDelivery[]; getDetailHref: (id: number) => string }) {
  // Keep "Retry" (and its outcome) on rows retried here, even once they are no longer failed.
  const [retried, setRetried] = useState<ReadonlySet<number>>(new Set());

  if (deliveries.length === 0) return <p className="empty-state">No deliveries match.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-stack table-deliveries">
        <caption className="visually-hidden">Deliveries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Event</th>
            <th scope="col">Channel</th>
            <th scope="col">Destination</th>
            <th scope="col">Status</th>
            <th scope="col">Last error</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td data-label="Created" className="cell-nowrap">
                <RelativeTime value={d.created_at} />
              </td>
              <td data-label="Event" className="cell-primary cell-wrap">
                <Link to={getDetailHref(d.id)}>{d.event_title || d.event}</Link>
                <span className="field-hint">
                  <br />
                  {d.event}
                </span>
              </td>
              <td data-label="Channel">{channelLabel(d.channel)}</td>
              <td data-label="Destination" className="cell-wrap">
                {d.destination}
              </td>
              <td data-label="Status">
                {DELIVERY_STATUS_LABELS[d.status] ?? d.status}
                <span className="field-hint">
                  <br />
                  {[d.response_code !== null && `HTTP ${d.response_code}`, `${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}`]
                    .filter(Boolean)
                    .join(' · ')}
                  {d.note && (
                    <>
                      <br />
                      {d.note}
                    </>
                  )}
                </span>
              </td>
              <td data-label="Last error" className="cell-wrap cell-error">
                {d.last_error ?? '—'}
              </td>
              <td data-label="Actions">
                {(canRetry(d) || retried.has(d.id)) && (
                  <RetryDeliveryButton
                    isInRow
                    deliveryId={d.id}
                    isRetrying={d.status === 'retrying'}
                    onRetry={() => setRetried((s) => new Set(s).add(d.id))}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
