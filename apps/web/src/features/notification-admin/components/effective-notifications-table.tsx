/**
 * Read-only: what a user effectively receives per event and channel, and from which record (System, Personal,
 * Product), with the reason when a selected channel does not arrive.
 */
import { CHANNEL_LABELS, findEventInfo, type TChannel } from '@tocsin/contract/catalogue';
import type { TEffectiveNotifications } from '@tocsin/contract/notification-admin';
import { describeEffectiveCell } from '../utils/describe';

export function EffectiveNotificationsTable({ effective, caption }: { effective: TEffectiveNotifications; caption: string }) {
  const seesNothing = !effective.sees_everything && effective.visible_products === 0;
  return (
    <div className="stack">
      {effective.product && !effective.product.can_view && (
        <p className="message message-warning">
          This user cannot view {effective.product.name}: its events will not reach them, whatever their settings say.
        </p>
      )}
      {!effective.product && seesNothing && (
        <p className="message message-warning">
          This user cannot see any product or product type, so events about products will not reach them. Mentions and review requests still
          do.
        </p>
      )}
      {effective.channels_off.length > 0 && (
        <p className="muted">
          Switched off in System Settings (nothing is sent there): {effective.channels_off.map((c) => CHANNEL_LABELS[c]).join(', ')}.
        </p>
      )}
      {/* Wider than a phone: the frame scrolls, so it takes focus to scroll with the keyboard. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1). */}
      <section className="table-wrap" aria-label={caption} tabIndex={0}>
        <table className="table">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              {effective.columns.map((c) => (
                <th scope="col" key={c}>
                  {CHANNEL_LABELS[c]}
                </th>
              ))}
              <th scope="col">System destinations</th>
            </tr>
          </thead>
          <tbody>
            {effective.events.map((row) => {
              const info = findEventInfo(row.event);
              return (
                <tr key={row.event}>
                  <th scope="row">{info.name === row.event ? info.label : row.event}</th>
                  {effective.columns.map((channel: TChannel) => {
                    const { text, tone } = describeEffectiveCell(row.channels[channel]);
                    return (
                      <td key={channel} className={tone === 'none' ? 'muted' : `effective-cell-${tone}`}>
                        {text}
                      </td>
                    );
                  })}
                  <td>{row.system_destinations.length > 0 ? row.system_destinations.map((c) => CHANNEL_LABELS[c]).join(', ') : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
