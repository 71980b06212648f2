import type { TUserOption } from '@tocsin/contract/auth';
/**
 * Add or edit a webhook. Saving sends a `ping` first: when the endpoint refuses, its error is shown
 * here and nothing is saved. The header value and signing secret are write-only (empty keeps them).
 */
import type { TCreateWebhookBody, TUpdateWebhookBody, TWebhook } from '@tocsin/contract/webhooks';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useCreateWebhook } from '../api/create-webhook';
import { useUpdateWebhook } from '../api/update-webhook';

type TFields = { name: string; url: string; header_name: string; header_value: string; signing_secret: string; owner: string };

const SYSTEM_OWNER = '';

function toFields(webhook?: TWebhook): TFields {
  return {
    name: webhook?.name ?? '',
    url: webhook?.url ?? '',
    header_name: webhook?.header_name ?? '',
    header_value: '',
    signing_secret: '',
    owner: webhook?.owner_id == null ? SYSTEM_OWNER : String(webhook.owner_id),
  };
}

export function WebhookForm({
  webhook,
  isSuperuser,
  owners,
  onDone,
}: {
  /** The webhook to edit; absent to add one. */
  webhook?: TWebhook;
  isSuperuser: boolean;
  /** Users a superuser may choose as owner (undefined while loading, or for other users). */
  owners?: readonly TUserOption[];
  /** Called after a successful edit, or when editing is cancelled. */
  onDone?: () => void;
}) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isEdit = webhook !== undefined;
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const [fields, setFields] = useState<TFields>(() => toFields(webhook));
  const [clearSecret, setClearSecret] = useState(false);
  const mutation = isEdit ? update : create;

  useEffect(() => {
    // Editing starts with focus on the form, so keyboard and screen-reader users land where they act.
    if (isEdit) headingRef.current?.focus();
  }, [isEdit]);

  const field = (name: keyof TFields) => ({
    id: `${id}-${name}`,
    value: fields[name],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      mutation.reset();
      setFields((f) => ({ ...f, [name]: value }));
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const ownerId = fields.owner === SYSTEM_OWNER ? null : Number(fields.owner);
    if (isEdit) {
      const body: TUpdateWebhookBody = { name: fields.name, url: fields.url, header_name: fields.header_name };
      if (fields.header_value !== '') body.header_value = fields.header_value;
      if (clearSecret) body.signing_secret = '';
      else if (fields.signing_secret !== '') body.signing_secret = fields.signing_secret;
      if (isSuperuser) body.owner_id = ownerId;
      update.mutate({ id: webhook.id, body }, { onSuccess: () => onDone?.() });
      return;
    }
    const body: TCreateWebhookBody = { name: fields.name, url: fields.url };
    if (fields.header_name !== '') body.header_name = fields.header_name;
    if (fields.header_value !== '') body.header_value = fields.header_value;
    if (fields.signing_secret !== '') body.signing_secret = fields.signing_secret;
    if (isSuperuser) body.owner_id = ownerId;
    create.mutate(body, {
      onSuccess: () => {
        setFields(toFields());
      },
    });
  };

  const title = isEdit ? `Edit webhook ${webhook.name}` : 'Add webhook';
  return (
    <form onSubmit={onSubmit} className="card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input {...field('name')} required maxLength={100} autoComplete="off" />
        </div>
        <div className="field field-grow">
          <label htmlFor={`${id}-url`}>URL</label>
          <input {...field('url')} type="url" required maxLength={2000} autoComplete="off" placeholder="https://siem.example.com/tocsin" />
        </div>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-header_name`}>Header name</label>
          <input
            {...field('header_name')}
            maxLength={100}
            autoComplete="off"
            placeholder="X-Api-Key"
            aria-describedby={`${id}-header-help`}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-header_value`}>Header value</label>
          <input
            {...field('header_value')}
            type="password"
            maxLength={1000}
            autoComplete="new-password"
            placeholder={webhook?.header_value_set ? 'Set — leave empty to keep' : ''}
            aria-describedby={`${id}-header-help`}
          />
        </div>
      </div>
      <p id={`${id}-header-help`} className="field-hint">
        Optional: one extra header sent with every request, such as an API key. Empty the header name to remove the header.
      </p>
      <div className="field">
        <label htmlFor={`${id}-signing_secret`}>Signing secret</label>
        <input
          {...field('signing_secret')}
          type="password"
          maxLength={1000}
          autoComplete="new-password"
          disabled={clearSecret}
          placeholder={webhook?.signing_secret_set ? 'Set — leave empty to keep' : ''}
          aria-describedby={`${id}-secret-help`}
        />
        <span id={`${id}-secret-help`} className="field-hint">
          Optional: requests then carry X-Tocsin-Signature: sha256=HMAC of the body with this secret.
        </span>
      </div>
      {webhook?.signing_secret_set && (
        <div className="field field-checkbox">
          <input
            id={`${id}-clear-secret`}
            type="checkbox"
            checked={clearSecret}
            onChange={(e) => setClearSecret(e.currentTarget.checked)}
          />
          <label htmlFor={`${id}-clear-secret`}>Remove the signing secret</label>
        </div>
      )}
      {isSuperuser && (
        <div className="field">
          <label htmlFor={`${id}-owner`}>Owner</label>
          <select {...field('owner')} aria-describedby={`${id}-owner-help`}>
            <option value={SYSTEM_OWNER}>System (receives system notifications)</option>
            {/* Keep the current owner selectable even if the list has not loaded yet. */}
            {webhook?.owner_id != null && !owners?.some((o) => o.id === webhook.owner_id) && (
              <option value={String(webhook.owner_id)}>{webhook.owner_username ?? `User ${webhook.owner_id}`}</option>
            )}
            {owners?.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {o.username}
              </option>
            ))}
          </select>
          <span id={`${id}-owner-help`} className="field-hint">
            A user's webhook receives that user's personal notifications.
          </span>
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={mutation.isPending} aria-busy={mutation.isPending}>
          {mutation.isPending ? 'Sending a ping…' : isEdit ? 'Save webhook' : 'Add webhook'}
        </button>
        {isEdit && (
          <button type="button" className="button" onClick={() => onDone?.()} disabled={mutation.isPending}>
            Cancel
          </button>
        )}
      </div>
      {mutation.isError && <ErrorMessage>{getErrorMessage(mutation.error)}</ErrorMessage>}
      {!isEdit && create.isSuccess && <SuccessMessage>Webhook {create.data.name} added: the endpoint accepted the ping.</SuccessMessage>}
    </form>
  );
}
