import { CHANNEL_LABELS, type TChannel } from '@tocsin/contract/catalogue';
import { DELIVERY_STATUS_LABELS, type TDelivery } from '@tocsin/contract/deliveries';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { RelativeTime } from '../../../components/relative-time';
import { RetryDeliveryButton } from './retry-delivery-button';

const channelLabel = (channel: string) => CHANNEL_LABELS[channel as TChannel] ?? channel;

export function DeliveriesTable({ deliveries, getDetailHref }: { deliveries: TDelivery[]; getDetailHref: (id: number) => string }) {
  // Keep "Retry now" (and its outcome) on rows retried here, even once they are no longer failed.
  const [retried, setRetried] = useState<ReadonlySet<number>>(new Set());

  if (deliveries.length === 0) return <p className="empty-state">No deliveries match.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-stack">
        <caption className="visually-hidden">Deliveries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Event</th>
            <th scope="col">Channel</th>
            <th scope="col">Destination</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
            <th scope="col">Response code</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td data-label="Created">
                <RelativeTime value={d.created_at} />
              </td>
              <td data-label="Event" className="cell-primary">
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
              <td data-label="Status">{DELIVERY_STATUS_LABELS[d.status] ?? d.status}</td>
              <td data-label="Attempts">{d.attempts}</td>
              <td data-label="Last error" className="cell-wrap">
                {d.last_error ?? '—'}
              </td>
              <td data-label="Response code">{d.response_code ?? '—'}</td>
              <td data-label="Actions">
                {(d.status === 'failed' || retried.has(d.id)) && (
                  <RetryDeliveryButton isInRow deliveryId={d.id} onRetried={() => setRetried((s) => new Set(s).add(d.id))} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
