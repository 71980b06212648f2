import { useQueryClient } from '@tanstack/react-query';
import { SETTINGS_SCOPES, type TSettingsScope } from '@tocsin/contract/catalogue';
import { useSearchParams } from 'react-router-dom';
import { MyNotificationChanges } from '../../features/notification-admin/components/my-notification-changes';
import { NotificationSettings } from '../../features/notifications/components/notification-settings';
import { getSystemSettingsQueryOptions } from '../../features/system-settings/api/get-system-settings';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Notifications');
  const user = useUser();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
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
    </section>
  );
}
