/**
 * The changes others made to a user's notification settings and personal rules: who, when, and per event what was
 * added or removed (for a rule: the channels it adds for each event it is about, and its other edits).
 */
import type { TNotificationChangeSet } from '@tocsin/contract/notification-admin';
import { describeChange, describeChangeSet, describeRuleEdits } from '../utils/describe';

export function NotificationChangeList({ sets }: { sets: readonly TNotificationChangeSet[] }) {
  if (sets.length === 0) return <p className="muted">Nobody else has changed these settings.</p>;
  return (
    <ul className="change-list">
      {sets.map((set) => {
        const changes = set.changes.filter((c) => c.added.length > 0 || c.removed.length > 0);
        const edits = set.rule ? describeRuleEdits(set.rule) : [];
        return (
          <li key={set.id}>
            <p>
              <strong>{describeChangeSet(set)}</strong>
            </p>
            {changes.length + edits.length > 0 && (
              <ul>
                {changes.map((change) => (
                  <li key={change.event}>{describeChange(change)}</li>
                ))}
                {edits.map((edit) => (
                  <li key={edit}>{edit}</li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}
