import { CHANNEL_LABELS, type TChannel } from '@tocsin/contract/catalogue';
import { DELIVERY_STATUS_LABELS, type TDeliveryDetail } from '@tocsin/contract/deliveries';
import { formatExactTime } from '../../../lib/relative-time';
import { canRetry } from './deliveries-table';
import { RetryDeliveryButton } from './retry-delivery-button';

const exact = (iso: string | null) => (iso ? formatExactTime(new Date(iso)) : '—');

/**
 * One delivery: where it goes, its attempts (time, response code, error) and the rendered message. Errors are
 * as the BFF gives them to this person: with the receiver's words for superusers, a summary for everyone else.
 */
export function DeliveryDetail({ delivery }: { delivery: TDeliveryDetail }) {
  return (
    <div className="stack">
      <dl className="details">
        <dt>Event</dt>
        <dd>
          {delivery.event_title} <span className="muted">({delivery.event})</span>
        </dd>
        <dt>Channel</dt>
        <dd>{CHANNEL_LABELS[delivery.channel as TChannel] ?? delivery.channel}</dd>
        <dt>Destination</dt>
        <dd>{delivery.destination}</dd>
        <dt>Status</dt>
        <dd>
          {DELIVERY_STATUS_LABELS[delivery.status] ?? delivery.status}
          {delivery.response_code !== null && ` (HTTP ${delivery.response_code})`}
          {delivery.note && (
            <>
              <br />
              <span className="field-hint">{delivery.note}</span>
            </>
          )}
        </dd>
        <dt>Created</dt>
        <dd>{exact(delivery.created_at)}</dd>
        {delivery.sent_at && (
          <>
            <dt>Sent</dt>
            <dd>{exact(delivery.sent_at)}</dd>
          </>
        )}
        {delivery.next_attempt_at && (
          <>
            <dt>Next attempt</dt>
            <dd>{exact(delivery.next_attempt_at)}</dd>
          </>
        )}
        <dt>Last error</dt>
        <dd>{delivery.last_error ?? '—'}</dd>
        <dt>Delivery id</dt>
        <dd className="monospace">{delivery.uuid}</dd>
      </dl>
      {canRetry(delivery) && <RetryDeliveryButton deliveryId={delivery.id} isRetrying={delivery.status === 'retrying'} />}

      <h2>Attempts</h2>
      {delivery.attempt_list.length === 0 ? (
        <p className="empty-state">No attempt yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Attempts, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Result</th>
                <th scope="col">Response code</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {delivery.attempt_list.map((a) => (
                <tr key={a.id}>
                  <td className="cell-primary">{exact(a.started_at)}</td>
                  <td data-label="Result">{a.ok ? 'Sent' : 'Failed'}</td>
                  <td data-label="Response code">{a.response_code ?? '—'}</td>
                  <td data-label="Error" className="cell-wrap">
                    {a.error ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Rendered content</h2>
      {delivery.content === null ? (
        <p className="empty-state">Not rendered yet: the message is rendered at the first attempt.</p>
      ) : (
        <pre className="code-block">{JSON.stringify(delivery.content, null, 2)}</pre>
      )}
    </div>
  );
}
