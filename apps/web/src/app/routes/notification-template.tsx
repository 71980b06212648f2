/**
 * The notification template (superusers): the personal settings every new user starts from, and applying them to
 * people who already have an account.
 */
import { ErrorMessage } from '../../components/messages';
import { ApplyTemplate } from '../../features/notification-admin/components/apply-template';
import { useNotificationSettings } from '../../features/notifications/api/get-notification-settings';
import { useUpdateNotificationSettings } from '../../features/notifications/api/update-notification-settings';
import { SettingsEditor } from '../../features/notifications/components/settings-editor';
import { useUsers } from '../../features/users/api/get-users';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Notification template');
  const me = useUser();
  if (!me.is_superuser) {
    return (
      <section>
        <h1>Notification template</h1>
        <ErrorMessage>You do not have permission to view this page.</ErrorMessage>
      </section>
    );
  }
  return <TemplatePage />;
}

function TemplatePage() {
  const template = useNotificationSettings('template');
  const update = useUpdateNotificationSettings();
  const users = useUsers();
  return (
    <section className="stack">
      <h1>Notification template</h1>
      <p className="muted">The template is copied into the personal notifications of every user created from now on.</p>
      {template.isPending && <p role="status">Loading the template…</p>}
      {template.isError && <ErrorMessage>{getErrorMessage(template.error)}</ErrorMessage>}
      {template.data && (
        <SettingsEditor
          record={template.data}
          caption="Template notifications"
          successMessage="Template saved."
          isSaving={update.isPending}
          save={(body) => update.mutateAsync({ scope: 'template', body })}
        />
      )}
      {users.isError && <ErrorMessage>{getErrorMessage(users.error)}</ErrorMessage>}
      {users.data && <ApplyTemplate users={users.data} />}
    </section>
  );
}
