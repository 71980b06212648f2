import { useQueryClient } from '@tanstack/react-query';
import { ErrorMessage } from '../../components/messages';
import { getNotificationSettingsQueryOptions } from '../../features/notifications/api/get-notification-settings';
import { useSystemSettings } from '../../features/system-settings/api/get-system-settings';
import { SystemSettingsForm } from '../../features/system-settings/components/system-settings-form';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('System Settings');
  const user = useUser();
  if (!user.is_superuser) {
    return (
      <section>
        <h1>System Settings</h1>
        <ErrorMessage>Only superusers can see or change System Settings.</ErrorMessage>
      </section>
    );
  }
  return <SystemSettingsPage />;
}

function SystemSettingsPage() {
  const settings = useSystemSettings();
  const queryClient = useQueryClient();
  // Which channels are enabled decides the columns of every notification matrix.
  const [notificationSettingsRoot] = getNotificationSettingsQueryOptions('system').queryKey;
  const onSaved = () => void queryClient.invalidateQueries({ queryKey: [notificationSettingsRoot] });

  return (
    <section>
      <h1>System Settings</h1>
      {settings.isPending && <p role="status">Loading the settings…</p>}
      {settings.isError && <ErrorMessage>{getErrorMessage(settings.error)}</ErrorMessage>}
      {settings.data && <SystemSettingsForm settings={settings.data} onSaved={onSaved} />}
    </section>
  );
}
