import type { TWebhook } from '@tocsin/contract/webhooks';
import { useState } from 'react';
import { ErrorMessage } from '../../components/messages';
import { useUserOptions } from '../../features/users/api/get-user-options';
import { useWebhooks } from '../../features/webhooks/api/get-webhooks';
import { WebhookForm } from '../../features/webhooks/components/webhook-form';
import { WebhooksTable } from '../../features/webhooks/components/webhooks-table';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { getErrorMessage } from '../../lib/api-client';
import { useUser } from '../../lib/auth';

export function Component() {
  useDocumentTitle('Webhooks');
  const user = useUser();
  const webhooks = useWebhooks();
  const [editing, setEditing] = useState<TWebhook | null>(null);
  // The owner picker is for superusers; the users feature owns that endpoint.
  const owners = useUserOptions({ enabled: user.is_superuser });

  return (
    <section>
      <h1>Webhooks</h1>
      <p className="muted">
        {user.is_superuser
          ? 'System webhooks (no owner) receive system notifications; a user’s webhooks receive that user’s personal notifications. Every endpoint is pinged before it is saved.'
          : 'Your webhooks receive your personal notifications. Every endpoint is pinged before it is saved.'}
      </p>
      {webhooks.isPending && <p role="status">Loading webhooks…</p>}
      {webhooks.isError && <ErrorMessage>{getErrorMessage(webhooks.error)}</ErrorMessage>}
      {webhooks.data && <WebhooksTable webhooks={webhooks.data.items} onEdit={setEditing} />}
      {owners.isError && <ErrorMessage>{getErrorMessage(owners.error)}</ErrorMessage>}
      {editing && (
        <WebhookForm
          key={editing.id}
          webhook={editing}
          isSuperuser={user.is_superuser}
          owners={owners.data}
          onDone={() => setEditing(null)}
        />
      )}
      <WebhookForm isSuperuser={user.is_superuser} owners={owners.data} />
    </section>
  );
}
