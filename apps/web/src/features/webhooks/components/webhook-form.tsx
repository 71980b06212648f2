/**
 * Add or edit a webhook. Saving sends a `ping` first: when the endpoint refuses, its error is shown
 * here and nothing is saved. The header value and signing secret are write-only (empty keeps them).
 */
import type { TUserOption } from '@tocsin/contract/auth';
import {
  type TCreateWebhookBody,
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
  const mutation = isEdit ? update : create;
  const form = useForm<TValues, unknown, TCreateWebhookBody | TUpdateWebhookBody>({
    resolver: isEdit
      ? zodBodyResolver(ZUpdateWebhookBody, (v: TValues) => toUpdateBody(v, isSuperuser))
      : zodBodyResolver(ZCreateWebhookBody, (v: TValues) => toCreateBody(v, isSuperuser)),
    defaultValues: toValues(webhook),
  });
  const isClearingSecret = useWatch({ control: form.control, name: 'clear_signing_secret' });
  const onEdit = { onChange: () => mutation.reset() };

  useEffect(() => {
    // Editing starts with focus on the form, so keyboard and screen-reader users land where they act.
    if (isEdit) headingRef.current?.focus();
  }, [isEdit]);

  const onSubmit = (body: TCreateWebhookBody | TUpdateWebhookBody) => {
    if (isEdit) {
      update.mutate({ id: webhook.id, body }, { onSuccess: () => onDone?.() });
      return;
    }
    create.mutate(body as TCreateWebhookBody, { onSuccess: () => form.reset(toValues()) });
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
          hint="Optional: one extra header sent with every request, such as an API key. Empty it to remove the header."
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
        placeholder={webhook?.signing_secret_set ? 'Set — leave empty to keep' : ''}
        hint="Optional: requests then carry X-Tocsin-Signature: sha256=HMAC of the body with this secret."
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
