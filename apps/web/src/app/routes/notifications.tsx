import { NotificationSettings } from '../../features/notifications/components/notification-settings';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Notifications');
  const user = useUser();
  return (
    <section>
      <h1>Notifications</h1>
      <NotificationSettings isSuperuser={user.is_superuser} />
    </section>
  );
}
