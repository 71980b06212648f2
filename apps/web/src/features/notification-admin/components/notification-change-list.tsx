/** The changes others made to a user's notification settings: who, when, and per event what was added or removed. */
import type { TNotificationChangeSet } from '@tocsin/contract/notification-admin';
import { describeChange, describeChangeSet } from '../utils/describe';

export function NotificationChangeList({ sets }: { sets: readonly TNotificationChangeSet[] }) {
  if (sets.length === 0) return <p className="muted">Nobody else has changed these settings.</p>;
  return (
    <ul className="change-list">
      {sets.map((set) => (
        <li key={set.id}>
          <p>
            <strong>{describeChangeSet(set)}</strong>
          </p>
          <ul>
            {set.changes.map((change) => (
              <li key={change.event}>{describeChange(change)}</li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
