/**
 * Sent vs failed per channel over the last hours: a small bar chart per channel (decorative) next to
 * the numbers it shows, so the table itself is the accessible version.
 */
import { CHANNEL_LABELS } from '@tocsin/contract/catalogue';
import type { TDeliveryStats } from '@tocsin/contract/deliveries';
import { useId } from 'react';

const BAR_WIDTH = 6;
const BAR_GAP = 2;
const HEIGHT = 32;

export function DeliveryStatsChart({ stats }: { stats: TDeliveryStats }) {
  const id = useId();
  const peak = Math.max(1, ...stats.channels.flatMap((c) => c.buckets.map((b) => b.sent + b.failed)));
  return (
    <figure className="card" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        <strong>Sent and failed in the last {stats.hours} hours</strong>{' '}
        <span className="field-hint">(one bar per hour, oldest on the left)</span>
      </figcaption>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Sent</th>
              <th scope="col">Failed</th>
              <th scope="col">Per hour</th>
            </tr>
          </thead>
          <tbody>
            {stats.channels.map((c) => (
              <tr key={c.channel}>
                <th scope="row">{CHANNEL_LABELS[c.channel]}</th>
                <td>{c.sent}</td>
                <td>{c.failed}</td>
                <td>
                  {/* Scales down with the column on narrow screens, so the table never scrolls sideways. */}
                  <svg
                    viewBox={`0 0 ${c.buckets.length * (BAR_WIDTH + BAR_GAP)} ${HEIGHT}`}
                    preserveAspectRatio="none"
                    height={HEIGHT}
                    aria-hidden="true"
                    focusable="false"
                    style={{ display: 'block', width: '100%', maxWidth: c.buckets.length * (BAR_WIDTH + BAR_GAP), minWidth: '3rem' }}
                  >
                    <line
                      x1={0}
                      y1={HEIGHT - 0.5}
                      x2={c.buckets.length * (BAR_WIDTH + BAR_GAP)}
                      y2={HEIGHT - 0.5}
                      style={{ stroke: 'var(--border)' }}
                    />
                    {c.buckets.map((b, i) => {
                      const sentHeight = (b.sent / peak) * (HEIGHT - 2);
                      const failedHeight = (b.failed / peak) * (HEIGHT - 2);
                      const x = i * (BAR_WIDTH + BAR_GAP);
                      return (
                        <g key={b.start}>
                          <rect
                            x={x}
                            y={HEIGHT - 1 - sentHeight}
                            width={BAR_WIDTH}
                            height={sentHeight}
                            style={{ fill: 'var(--success)' }}
                          />
                          <rect
                            x={x}
                            y={HEIGHT - 1 - sentHeight - failedHeight}
                            width={BAR_WIDTH}
                            height={failedHeight}
                            style={{ fill: 'var(--danger)' }}
                          />
                        </g>
                      );
                    })}
                  </svg>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="field-hint">
        <span aria-hidden="true" style={{ color: 'var(--success)' }}>
          ■
        </span>{' '}
        sent ·{' '}
        <span aria-hidden="true" style={{ color: 'var(--danger)' }}>
          ■
        </span>{' '}
        failed
      </p>
    </figure>
  );
}
