import { useQueryClient } from '@tanstack/react-query';
import { SETTINGS_SCOPES, type TSettingsScope } from '@tocsin/contract/catalogue';
import { Link, useSearchParams } from 'react-router-dom';
import { paths } from '../../config/paths';
import { DeliveryTiming } from '../../features/notification-admin/components/delivery-timing';
import { MyNotificationChanges } from '../../features/notification-admin/components/my-notification-changes';
import { useEffectiveNotifications } from '../../features/notifications/api/get-effective-notifications';
import { NotificationSettings } from '../../features/notifications/components/notification-settings';
import { getSystemSettingsQueryOptions } from '../../features/system-settings/api/get-system-settings';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Notifications');
  const user = useUser();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const effective = useEffectiveNotifications();
  // System Settings counts the events of the System matrix per channel: a saved System record changes them.
  const onSaved = (scope: TSettingsScope) => {
    if (scope === 'system') void queryClient.invalidateQueries({ queryKey: getSystemSettingsQueryOptions().queryKey });
  };
  // ?scope=system (System Settings links there); an unknown value, or a scope the person may not edit, is ignored.
  const requested = params.get('scope');
  const initialScope =
    user.is_superuser && (SETTINGS_SCOPES as readonly string[]).includes(requested ?? '') ? (requested as TSettingsScope) : undefined;
  return (
    <section>
      <h1>Notifications</h1>
      <MyNotificationChanges />
      <NotificationSettings isSuperuser={user.is_superuser} initialScope={initialScope} onSaved={onSaved} />
      {effective.data && (
        <div className="card-inset">
          <DeliveryTiming delivery={effective.data.delivery} heading="When your messages go out" />
          <p className="muted">
            Change digests and quiet hours on your <Link to={paths.profile.getHref()}>profile</Link>.
          </p>
        </div>
      )}
    </section>
  );
}
