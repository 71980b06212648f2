import type { TSavedWebhook, TWebhook } from '@tocsin/contract/webhooks';
import { useState } from 'react';
import { ErrorMessage } from '../../components/messages';
import { useUserOptions } from '../../features/users/api/get-user-options';
import { useWebhooks } from '../../features/webhooks/api/get-webhooks';
import { SigningSecretNotice } from '../../features/webhooks/components/signing-secret-notice';
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
  // A signing secret Tocsin generated: the one time it can be shown.
  const [revealed, setRevealed] = useState<{ name: string; secret: string } | null>(null);
  const onSaved = (saved: TSavedWebhook) => {
    if (saved.new_signing_secret) setRevealed({ name: saved.name, secret: saved.new_signing_secret });
  };
  // The owner picker is for superusers; the users feature owns that endpoint.
  const owners = useUserOptions({ enabled: user.is_superuser });

  return (
    <section>
      <h1>Webhooks</h1>
      <p className="muted">
        {user.is_superuser
          ? 'System webhooks (no owner) receive system notifications; a user’s webhooks receive that user’s personal notifications. Every endpoint is pinged before it is saved, and every request is signed.'
          : 'Your webhooks receive your personal notifications. Every endpoint is pinged before it is saved, and every request is signed.'}
      </p>
      {revealed && <SigningSecretNotice webhookName={revealed.name} secret={revealed.secret} onDismiss={() => setRevealed(null)} />}
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
          onSaved={onSaved}
        />
      )}
      <WebhookForm isSuperuser={user.is_superuser} owners={owners.data} onSaved={onSaved} />
    </section>
  );
}
