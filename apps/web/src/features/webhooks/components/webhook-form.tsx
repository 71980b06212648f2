/**
 * Add or edit a webhook. Saving sends a `ping` first: when the endpoint refuses, its error is shown
 * here and nothing is saved. The header value and signing secret are write-only (empty keeps them); a new URL
 * drops them unless they are entered again. A signing secret Tocsin generates is handed to `onSaved`, once.
 */
import type { TUserOption } from '@tocsin/contract/auth';
import {
  type TCreateWebhookBody,
  type TSavedWebhook,
  type TUpdateWebhookBody,
  type TWebhook,
  ZCreateWebhookBody,
  ZUpdateWebhookBody,
} from '@tocsin/contract/webhooks';
import { useEffect, useId, useRef } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { zodBodyResolver } from '../../../components/form/body-resolver';
import { CheckboxField, FormError, SelectField, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { toNullableId } from '../../../lib/form-values';
import { useCreateWebhook } from '../api/create-webhook';
import { useUpdateWebhook } from '../api/update-webhook';

type TValues = {
  name: string;
  url: string;
  header_name: string;
  header_value: string;
  signing_secret: string;
  clear_signing_secret: boolean;
  owner_id: number | null;
};

function toValues(webhook?: TWebhook): TValues {
  return {
    name: webhook?.name ?? '',
    url: webhook?.url ?? '',
    header_name: webhook?.header_name ?? '',
    header_value: '',
    signing_secret: '',
    clear_signing_secret: false,
    owner_id: webhook?.owner_id ?? null,
  };
}

/** What a new URL takes away, in words, unless it is entered again; null when nothing saved is lost. */
export function describeDroppedSecrets(webhook: TWebhook, headerValue: string, signingSecret: string): string | null {
  const lost = [
    webhook.header_value_set && headerValue === '' && `the ${webhook.header_name ?? 'extra'} header`,
    webhook.signing_secret_set && signingSecret === '' && 'the signing secret',
  ].filter(Boolean);
  if (lost.length === 0) return null;
  const generated = webhook.signing_secret_set && signingSecret === '' ? ' A new signing secret is generated and shown once.' : '';
  return `A new URL does not keep ${lost.join(' or ')}: enter ${lost.length > 1 ? 'them' : 'it'} again to keep ${lost.length > 1 ? 'them' : 'it'}.${generated}`;
}

/** A new webhook: empty optional fields are not sent. Only superusers choose an owner. */
export function toCreateBody(values: TValues, isSuperuser: boolean): TCreateWebhookBody {
  const body: TCreateWebhookBody = { name: values.name, url: values.url };
  if (values.header_name !== '') body.header_name = values.header_name;
  if (values.header_value !== '') body.header_value = values.header_value;
  if (values.signing_secret !== '') body.signing_secret = values.signing_secret;
  if (isSuperuser) body.owner_id = values.owner_id;
  return body;
}

/** An edit: an empty header name removes the header; empty secrets keep the saved ones unless cleared. */
export function toUpdateBody(values: TValues, isSuperuser: boolean): TUpdateWebhookBody {
  const body: TUpdateWebhookBody = { name: values.name, url: values.url, header_name: values.header_name };
  if (values.header_value !== '') body.header_value = values.header_value;
  if (values.clear_signing_secret) body.signing_secret = '';
  else if (values.signing_secret !== '') body.signing_secret = values.signing_secret;
  if (isSuperuser) body.owner_id = values.owner_id;
  return body;
}

export function WebhookForm({
  webhook,
  isSuperuser,
  owners,
  onDone,
  onSaved,
}: {
  /** The webhook to edit; absent to add one. */
  webhook?: TWebhook;
  isSuperuser: boolean;
  /** Users a superuser may choose as owner (undefined while loading, or for other users). */
  owners?: readonly TUserOption[];
  /** Called after a successful edit, or when editing is cancelled. */
  onDone?: () => void;
  /** Called with every saved webhook: its `new_signing_secret` is shown nowhere else. */
  onSaved?: (saved: TSavedWebhook) => void;
}) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isEdit = webhook !== undefined;
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const mutation = isEdit ? update : create;
  const form = useForm<TValues, unknown, TCreateWebhookBody | TUpdateWebhookBody>({
    resolver: isEdit
      ? zodBodyResolver(ZUpdateWebhookBody, (v: TValues) => toUpdateBody(v, isSuperuser))
      : zodBodyResolver(ZCreateWebhookBody, (v: TValues) => toCreateBody(v, isSuperuser)),
    defaultValues: toValues(webhook),
  });
  const [isClearingSecret, url, headerValue, signingSecret] = useWatch({
    control: form.control,
    name: ['clear_signing_secret', 'url', 'header_value', 'signing_secret'],
  });
  // The BFF drops the saved secrets when the URL changes (they were set for the old one): say so before saving.
  const dropped = isEdit && url.trim() !== webhook.url ? describeDroppedSecrets(webhook, headerValue, signingSecret) : null;
  const onEdit = { onChange: () => mutation.reset() };

  useEffect(() => {
    // Editing starts with focus on the form, so keyboard and screen-reader users land where they act.
    if (isEdit) headingRef.current?.focus();
  }, [isEdit]);

  const onSubmit = (body: TCreateWebhookBody | TUpdateWebhookBody) => {
    if (isEdit) {
      update.mutate(
        { id: webhook.id, body },
        {
          onSuccess: (saved) => {
            onSaved?.(saved);
            onDone?.();
          },
        },
      );
      return;
    }
    create.mutate(body as TCreateWebhookBody, {
      onSuccess: (saved) => {
        onSaved?.(saved);
        form.reset(toValues());
      },
    });
  };

  const title = isEdit ? `Edit webhook ${webhook.name}` : 'Add webhook';
  return (
    <Form form={form} error={mutation.error} onSubmit={onSubmit} className="card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <div className="field-row">
        <TextField name="name" label="Name" maxLength={100} autoComplete="off" registerOptions={onEdit} />
        <TextField
          name="url"
          label="URL"
          type="url"
          className="field-grow"
          maxLength={2000}
          autoComplete="off"
          placeholder="https://siem.example.com/tocsin"
          hint={dropped ?? undefined}
          registerOptions={onEdit}
        />
      </div>
      <div className="field-row">
        <TextField
          name="header_name"
          label="Header name"
          maxLength={100}
          autoComplete="off"
          placeholder="X-Api-Key"
          hint="Optional: one extra header sent with every request, such as Authorization or X-Api-Key. Empty it to remove the header. Tocsin's own headers (Content-Type, Host, User-Agent, X-Tocsin-…, webhook-…) cannot be replaced."
          registerOptions={onEdit}
        />
        <TextField
          name="header_value"
          label="Header value"
          type="password"
          maxLength={1000}
          autoComplete="new-password"
          placeholder={webhook?.header_value_set ? 'Set — leave empty to keep' : ''}
          registerOptions={onEdit}
        />
      </div>
      <TextField
        name="signing_secret"
        label="Signing secret"
        type="password"
        maxLength={1000}
        autoComplete="new-password"
        disabled={isClearingSecret}
        placeholder={webhook?.signing_secret_set ? 'Set — leave empty to keep' : isEdit ? '' : 'Leave empty to have one generated'}
        hint="Requests carry webhook-signature (Standard Webhooks) and X-Tocsin-Signature made with this secret. Leave it empty on a new webhook and Tocsin generates one (whsec_…), shown once."
        registerOptions={onEdit}
      />
      {webhook?.signing_secret_set && <CheckboxField name="clear_signing_secret" label="Remove the signing secret" />}
      {isSuperuser && (
        <SelectField
          name="owner_id"
          label="Owner"
          hint="A user's webhook receives that user's personal notifications."
          registerOptions={{ setValueAs: toNullableId, ...onEdit }}
        >
          <option value="">System (receives system notifications)</option>
          {/* Keep the current owner selectable even if the list has not loaded yet. */}
          {webhook?.owner_id != null && !owners?.some((o) => o.id === webhook.owner_id) && (
            <option value={String(webhook.owner_id)}>{webhook.owner_username ?? `User ${webhook.owner_id}`}</option>
          )}
          {owners?.map((o) => (
            <option key={o.id} value={String(o.id)}>
              {o.username}
            </option>
          ))}
        </SelectField>
      )}
      <div className="form-actions">
        <SubmitButton isPending={mutation.isPending} pendingLabel="Sending a ping…">
          {isEdit ? 'Save webhook' : 'Add webhook'}
        </SubmitButton>
        {isEdit && (
          <button type="button" className="button" onClick={() => onDone?.()} disabled={mutation.isPending}>
            Cancel
          </button>
        )}
      </div>
      <FormError />
      {!isEdit && create.isSuccess && <SuccessMessage>Webhook {create.data.name} added: the endpoint accepted the ping.</SuccessMessage>}
    </Form>
  );
}
