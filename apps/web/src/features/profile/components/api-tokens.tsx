/**
 * Personal API tokens for integrations (POST /api/events). The key is in the create answer only,
 * so it is shown once, here, and never again. A token may expire after a chosen day; changing the password
 * revokes every token.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { type TApiToken, type TCreatedToken, ZCreateTokenBody } from '@tocsin/contract/auth';
import { useId, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { FormError, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { toOptionalString } from '../../../lib/form-values';
import { useCreateToken } from '../api/create-token';
import { useTokens } from '../api/get-tokens';
import { useRevokeToken } from '../api/revoke-token';

/** Today as YYYY-MM-DD in the browser's time zone: the earliest expiry a date picker offers. */
export function todayLocal(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "Never", "Through 2026-12-31", "Expired on 2026-01-31". */
export function describeExpiry(token: Pick<TApiToken, 'expires_on' | 'is_expired'>): string {
  if (token.expires_on === null) return 'Never';
  return token.is_expired ? `Expired on ${token.expires_on}` : `Through ${token.expires_on}`;
}

export function buildCurlExample(origin: string, key: string): string {
  return `curl -X POST ${origin}/api/events -H "Authorization: Token ${key}" -H "Content-Type: application/json" -d '{"event":"scan_added","title":"...","product_id":1}'`;
}

export function ApiTokens() {
  const id = useId();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [revoking, setRevoking] = useState<TApiToken | null>(null);
  const [created, setCreated] = useState<TCreatedToken | null>(null);

  return (
    <section aria-labelledby={`${id}-heading`} className="card stack">
      <h2 id={`${id}-heading`}>API tokens</h2>
      <p className="muted">
        Integrations (CI pipelines, scanners) send events with a token. A token acts as you and sees what you see. Changing your password
        revokes all your tokens.
      </p>
      <CreateTokenForm onCreated={setCreated} />
      {created && <NewTokenKey created={created} onDismiss={() => setCreated(null)} />}

      {tokens.isPending && <p role="status">Loading tokens…</p>}
      {tokens.isError && <ErrorMessage>{getErrorMessage(tokens.error)}</ErrorMessage>}
      {tokens.data && tokens.data.length === 0 && <p>You have no API tokens.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Your API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
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
                  <td className="cell-primary">{token.name}</td>
                  <td data-label="Key">
                    <code>{token.prefix}…</code>
                  </td>
                  <td data-label="Created">
                    <RelativeTime value={token.created_at} />
                  </td>
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
                      aria-label={`Revoke token ${token.name}`}
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
      {revoke.isSuccess && !revoking && <SuccessMessage>Token revoked.</SuccessMessage>}
      <ConfirmDialog
        isOpen={revoking !== null}
        title="Revoke token"
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
        <p>Revoke the token “{revoking?.name}”? Integrations using it stop working at once.</p>
      </ConfirmDialog>
    </section>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: TCreatedToken) => void }) {
  const create = useCreateToken();
  const form = useForm({
    resolver: zodResolver(ZCreateTokenBody),
    defaultValues: { name: '', expires_on: undefined as string | undefined },
  });

  return (
    <Form
      form={form}
      error={create.error}
      className="stack"
      aria-label="Create token"
      onSubmit={(body) =>
        create.mutate(body, {
          onSuccess: (created) => {
            form.reset({ name: '', expires_on: undefined });
            onCreated(created);
          },
        })
      }
    >
      <div className="field-row">
        <TextField name="name" label="Token name" maxLength={100} placeholder="e.g. CI pipeline" autoComplete="off" />
        <TextField
          name="expires_on"
          label="Expires after (optional)"
          type="date"
          min={todayLocal()}
          hint="The token stops working after this day. Leave empty for no expiry."
          registerOptions={{ setValueAs: toOptionalString }}
        />
        <div className="field field-action">
          <SubmitButton isPending={create.isPending} pendingLabel="Creating…">
            Create token
          </SubmitButton>
        </div>
      </div>
      <FormError />
    </Form>
  );
}

export function NewTokenKey({
  created,
  onDismiss,
}: {
  created: Pick<TCreatedToken, 'key'> & { token: { name: string } };
  onDismiss: () => void;
}) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopyState('copied');
    } catch {
      // No clipboard permission (e.g. plain http): select the text so Ctrl+C works.
      inputRef.current?.select();
      setCopyState('failed');
    }
  };

  return (
    <section className="callout stack" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>New token “{created.token.name}”</h3>
      <p className="message message-warning">
        <strong>Copy this key now. You will not be able to see it again.</strong>
      </p>
      <div className="field-row">
        <div className="field field-grow">
          <label htmlFor={`${id}-key`}>API key</label>
          <input
            ref={inputRef}
            id={`${id}-key`}
            value={created.key}
            readOnly
            onFocus={(e) => e.currentTarget.select()}
            className="monospace"
          />
        </div>
        <div className="field field-action">
          <button type="button" className="button" onClick={() => void copy()}>
            Copy
          </button>
        </div>
      </div>
      {copyState === 'copied' && <SuccessMessage>Key copied to the clipboard.</SuccessMessage>}
      {copyState === 'failed' && <ErrorMessage>Could not copy automatically: the key is selected, press Ctrl+C.</ErrorMessage>}
      <p>Send an event with it:</p>
      <pre className="code-block">
        <code>{buildCurlExample(window.location.origin, created.key)}</code>
      </pre>
      <div className="form-actions">
        <button type="button" className="button" onClick={onDismiss}>
          I have copied the key
        </button>
      </div>
    </section>
  );
}
