/**
 * On my Notifications page: when someone else changed my settings (a superuser, or the template applied), say who
 * and when, with the list of changes one click away.
 */
import { ErrorMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useMyNotificationChanges } from '../api/get-my-notification-changes';
import { describeChangeSet } from '../utils/describe';
import { NotificationChangeList } from './notification-change-list';

/** `onlyRules`: the Rules page shows the changes made to my rules alone. */
export function MyNotificationChanges({ onlyRules = false }: { onlyRules?: boolean } = {}) {
  const changes = useMyNotificationChanges();
  if (changes.isError) return <ErrorMessage>{getErrorMessage(changes.error)}</ErrorMessage>;
  const items = (changes.data?.items ?? []).filter((set) => !onlyRules || set.scope === 'rule');
  const latest = items[0];
  if (!latest) return null;
  return (
    <section aria-labelledby="my-notification-changes-heading" className="callout">
      <h2 id="my-notification-changes-heading" className="visually-hidden">
        Changes made by others
      </h2>
      <p>{describeChangeSet(latest)}.</p>
      <details>
        <summary>
          Changes made to your {onlyRules ? 'rules' : 'settings'} by others ({items.length})
        </summary>
        <NotificationChangeList sets={items} />
      </details>
    </section>
  );
}
