/**
 * Delivery health per channel over the last hours: what was sent, what failed for good, and what still waits
 * (queued for a first attempt, or retrying), as a small stacked bar chart per channel (decorative) next to the
 * numbers it shows, so the table itself is the accessible version. The waiting numbers are the backlog now,
 * however old; the bars place waiting deliveries in the hour they were created.
 */
import { CHANNEL_LABELS } from '@tocsin/contract/catalogue';
import type { TDeliveryStats } from '@tocsin/contract/deliveries';
import { useId } from 'react';

const BAR_WIDTH = 6;
const BAR_GAP = 2;
const HEIGHT = 32;

/** Bottom to top in each bar, with the colour the legend gives it. */
const SERIES = [
  { key: 'sent', label: 'sent', color: 'var(--success)' },
  { key: 'failed', label: 'failed', color: 'var(--danger)' },
  { key: 'retrying', label: 'retrying', color: 'var(--warning)' },
  { key: 'queued', label: 'queued', color: 'var(--border-strong)' },
] as const;

type TBucket = TDeliveryStats['channels'][number]['buckets'][number];
const totalOf = (b: TBucket) => b.sent + b.failed + b.queued + b.retrying;

export function DeliveryStatsChart({ stats }: { stats: TDeliveryStats }) {
  const id = useId();
  const peak = Math.max(1, ...stats.channels.flatMap((c) => c.buckets.map(totalOf)));
  return (
    <figure className="card" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        <strong>Sent, failed, queued and retrying in the last {stats.hours} hours</strong>{' '}
        <span className="field-hint">(one bar per hour, oldest on the left; queued and retrying: waiting now)</span>
      </figcaption>
      <div className="table-wrap">
        {/* On a phone each channel becomes a card of labelled numbers (table-stack), so nothing scrolls sideways. */}
        <table className="table table-stack">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Sent</th>
              <th scope="col">Failed</th>
              <th scope="col">Queued</th>
              <th scope="col">Retrying</th>
              <th scope="col">Per hour</th>
            </tr>
          </thead>
          <tbody>
            {stats.channels.map((c) => (
              <tr key={c.channel}>
                <th scope="row" className="cell-primary">
                  {CHANNEL_LABELS[c.channel]}
                </th>
                <td data-label="Sent">{c.sent}</td>
                <td data-label="Failed">{c.failed}</td>
                <td data-label="Queued">{c.queued}</td>
                <td data-label="Retrying">{c.retrying}</td>
                <td data-label="Per hour">
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
                      const x = i * (BAR_WIDTH + BAR_GAP);
                      let top = HEIGHT - 1;
                      return (
                        <g key={b.start}>
                          {SERIES.map(({ key, color }) => {
                            const height = (b[key] / peak) * (HEIGHT - 2);
                            top -= height;
                            return <rect key={key} x={x} y={top} width={BAR_WIDTH} height={height} style={{ fill: color }} />;
                          })}
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
        {SERIES.map(({ key, label, color }, i) => (
          <span key={key}>
            {i > 0 && ' · '}
            <span aria-hidden="true" style={{ color }}>
              ■
            </span>{' '}
            {label}
          </span>
        ))}
      </p>
    </figure>
  );
}
