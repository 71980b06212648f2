/**
 * Integration tokens, for superusers: a token for a CI pipeline or scanner that belongs to the superuser or to a
 * service user (an account with no password), optionally allowed to raise events without product context
 * (installation-wide notices), optionally expiring. The key is shown once, like a personal token's.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import {
  type TCreatedIntegrationToken,
  type TIntegrationToken,
  type TUser,
  ZCreateIntegrationTokenBody,
  ZCreateUserBody,
} from '@tocsin/contract/auth';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { CheckboxField, FormError, SelectField, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { toOptionalId, toOptionalString } from '../../../lib/form-values';
import { useCreateIntegrationToken } from '../api/create-integration-token';
import { useCreateServiceUser } from '../api/create-service-user';
import { useIntegrationTokens } from '../api/get-integration-tokens';
import { useServiceUsers } from '../api/get-service-users';
import { useRevokeIntegrationToken } from '../api/revoke-integration-token';
import { describeExpiry, NewTokenKey, todayLocal } from './api-tokens';

export function IntegrationTokens({ currentUser }: { currentUser: Pick<TUser, 'id' | 'username'> }) {
  const id = useId();
  const tokens = useIntegrationTokens();
  const serviceUsers = useServiceUsers();
  const revoke = useRevokeIntegrationToken();
  const [revoking, setRevoking] = useState<TIntegrationToken | null>(null);
  const [created, setCreated] = useState<TCreatedIntegrationToken | null>(null);

  return (
    <section aria-labelledby={`${id}-heading`} className="card stack">
      <h2 id={`${id}-heading`}>Integration tokens</h2>
      <p className="muted">
        For pipelines and scanners. An integration token belongs to you or to a service user (an account that cannot log in; give it the
        product roles the integration needs on the Users page). Only a token allowed to raise events without a product may send
        installation-wide notices, and only while you remain a superuser.
      </p>
      <CreateIntegrationTokenForm currentUser={currentUser} serviceUsers={serviceUsers.data ?? []} onCreated={setCreated} />
      {created && <NewTokenKey created={created} onDismiss={() => setCreated(null)} />}
      <CreateServiceUserForm />

      {tokens.isPending && <p role="status">Loading integration tokens…</p>}
      {tokens.isError && <ErrorMessage>{getErrorMessage(tokens.error)}</ErrorMessage>}
      {tokens.data && tokens.data.length === 0 && <p>There are no integration tokens.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Integration tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Owner</th>
                <th scope="col">Events without a product</th>
                <th scope="col">Made by</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id}>
                  <td className="cell-primary">
                    {token.name} <code>{token.prefix}…</code>
                  </td>
                  <td data-label="Owner">{token.owner.username}</td>
                  <td data-label="Events without a product">{token.can_raise_context_free ? 'Allowed' : 'Not allowed'}</td>
                  <td data-label="Made by">{token.created_by ?? <span className="muted">A removed account</span>}</td>
                  <td data-label="Last used">
                    {token.last_used_at ? <RelativeTime value={token.last_used_at} /> : <span className="muted">Never</span>}
                  </td>
                  <td data-label="Expires" className={token.is_expired ? 'text-danger' : undefined}>
                    {describeExpiry(token)}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-small button-danger"
                      aria-label={`Revoke integration token ${token.name}`}
                      onClick={() => {
                        revoke.reset();
                        setRevoking(token);
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoke.isSuccess && !revoking && <SuccessMessage>Integration token revoked.</SuccessMessage>}
      <ConfirmDialog
        isOpen={revoking !== null}
        title="Revoke integration token"
        confirmLabel="Revoke"
        isDanger
        isPending={revoke.isPending}
        errorMessage={revoke.isError ? getErrorMessage(revoke.error) : null}
        onCancel={() => setRevoking(null)}
        onConfirm={() => {
          if (!revoking) return;
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              if (created?.token.id === revoking.id) setCreated(null);
              setRevoking(null);
            },
          });
        }}
      >
        <p>Revoke the integration token “{revoking?.name}”? The integration using it stops working at once.</p>
      </ConfirmDialog>
    </section>
  );
}

function CreateIntegrationTokenForm({
  currentUser,
  serviceUsers,
  onCreated,
}: {
  currentUser: Pick<TUser, 'id' | 'username'>;
  serviceUsers: readonly TUser[];
  onCreated: (created: TCreatedIntegrationToken) => void;
}) {
  const create = useCreateIntegrationToken();
  const empty = { name: '', owner_id: currentUser.id, can_raise_context_free: false, expires_on: undefined as string | undefined };
  const form = useForm({ resolver: zodResolver(ZCreateIntegrationTokenBody), defaultValues: empty });

  return (
    <Form
      form={form}
      error={create.error}
      className="stack"
      aria-label="Create integration token"
      onSubmit={(body) =>
        create.mutate(body, {
          onSuccess: (created) => {
            form.reset(empty);
            onCreated(created);
          },
        })
      }
    >
      <div className="field-row">
        <TextField name="name" label="Integration token name" maxLength={100} placeholder="e.g. GitLab CI" autoComplete="off" />
        <SelectField name="owner_id" label="Owner" registerOptions={{ setValueAs: toOptionalId }}>
          <option value={currentUser.id}>You ({currentUser.username})</option>
          {serviceUsers.map((user) => (
            <option key={user.id} value={user.id}>
              {user.username} (service user)
            </option>
          ))}
        </SelectField>
        <TextField
          name="expires_on"
          label="Expires after (optional)"
          type="date"
          min={todayLocal()}
          registerOptions={{ setValueAs: toOptionalString }}
        />
      </div>
      <CheckboxField
        name="can_raise_context_free"
        label="May raise events without a product"
        hint="Installation-wide notices reach every superuser and the system destinations."
      />
      <div className="form-actions">
        <SubmitButton isPending={create.isPending} pendingLabel="Creating…">
          Create integration token
        </SubmitButton>
      </div>
      <FormError />
    </Form>
  );
}

function CreateServiceUserForm() {
  const id = useId();
  const create = useCreateServiceUser();
  const empty: { username: string; email: string; is_service?: boolean } = { username: '', email: '', is_service: true };
  const form = useForm({ resolver: zodResolver(ZCreateUserBody), defaultValues: empty });

  return (
    <Form
      form={form}
      error={create.error}
      className="stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(body) => create.mutate({ username: body.username, email: body.email }, { onSuccess: () => form.reset(empty) })}
    >
      <h3 id={`${id}-heading`}>New service user</h3>
      <div className="field-row">
        <TextField name="username" label="Service user name" maxLength={150} autoComplete="off" placeholder="e.g. gitlab-ci" />
        <TextField name="email" label="Service user email" type="email" maxLength={254} autoComplete="off" />
        <div className="field field-action">
          <SubmitButton isPending={create.isPending} pendingLabel="Adding…">
            Add service user
          </SubmitButton>
        </div>
      </div>
      <FormError />
      {create.isSuccess && <SuccessMessage>Service user {create.data.username} added: choose it as the owner above.</SuccessMessage>}
    </Form>
  );
}
