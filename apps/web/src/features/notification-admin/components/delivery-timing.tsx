/**
 * When a person's messages go out, in words: per personal external channel immediately or in a digest, and the
 * quiet hours (window, time zone, whether Critical findings pass). From the effective view, so it says what
 * dispatch does.
 */
import type { TEffectiveDelivery } from '@tocsin/contract/notification-admin';
import { useId } from 'react';
import { describeQuietHours, describeTiming } from '../utils/describe';

export function DeliveryTiming({ delivery, heading }: { delivery: TEffectiveDelivery; heading: string }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="stack">
      <h3 id={id}>{heading}</h3>
      <ul aria-label={heading}>
        {Object.entries(delivery.channels).map(([channel, timing]) => (
          <li key={channel}>{describeTiming(channel, timing, delivery.time_zone)}</li>
        ))}
      </ul>
      <p>{describeQuietHours(delivery)}</p>
    </section>
  );
}
