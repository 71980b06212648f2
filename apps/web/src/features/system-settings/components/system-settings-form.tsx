/**
 * The System Settings form: one section per channel, each with its enable switch and a test button.
 * Secrets are write-only: an empty secret field keeps the saved value; "Remove the saved …" clears it.
 * SMTP fields set by the server's environment are shown read-only and never sent.
 */
import {
  SMTP_TLS_MODE_LABELS,
  SMTP_TLS_MODES,
  type TSmtpEnvField,
  type TSmtpTlsMode,
  type TSystemSettings,
  type TUpdateSystemSettingsBody,
  WEBHOOK_TIMEOUT_LIMITS,
} from '@tocsin/contract/system-settings';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { ApiError, getErrorMessage } from '../../../lib/api-client';
import { useUpdateSystemSettings } from '../api/update-system-settings';
import { SlackAppManifest } from './slack-app-manifest';
import { TestNotificationButton } from './test-notification-button';

type TFormState = {
  mail_enabled: boolean;
  mail_to: string;
  mail_from: string;
  team_name: string;
  smtp_host: string;
  smtp_port: string;
  smtp_tls_mode: TSmtpTlsMode;
  smtp_user: string;
  slack_enabled: boolean;
  slack_channel: string;
  slack_username: string;
  msteams_enabled: boolean;
  msteams_url: string;
  webhooks_enabled: boolean;
  webhooks_timeout_seconds: string;
  disclaimer: string;
};

type TSecrets = { smtp_password: string; slack_token: string; clear_smtp_password: boolean; clear_slack_token: boolean };
const NO_SECRETS: TSecrets = { smtp_password: '', slack_token: '', clear_smtp_password: false, clear_slack_token: false };

const ENV_VARIABLES: Record<TSmtpEnvField, string> = {
  smtp_host: 'SMTP_HOST',
  smtp_port: 'SMTP_PORT',
  smtp_tls_mode: 'SMTP_TLS_MODE',
  smtp_user: 'SMTP_USER',
  smtp_password: 'SMTP_PASSWORD',
};

const SAVE_FIRST = 'Save your changes first: the test uses the saved settings.';

function toFormState(s: TSystemSettings): TFormState {
  return {
    mail_enabled: s.mail_enabled,
    mail_to: s.mail_to,
    mail_from: s.mail_from,
    team_name: s.team_name,
    smtp_host: s.smtp_host,
    smtp_port: String(s.smtp_port),
    smtp_tls_mode: s.smtp_tls_mode,
    smtp_user: s.smtp_user,
    slack_enabled: s.slack_enabled,
    slack_channel: s.slack_channel,
    slack_username: s.slack_username,
    msteams_enabled: s.msteams_enabled,
    msteams_url: s.msteams_url,
    webhooks_enabled: s.webhooks_enabled,
    webhooks_timeout_seconds: String(s.webhooks_timeout_seconds),
    disclaimer: s.disclaimer,
  };
}

/**
 * Only what changed is sent (PUT is a partial update), so a stored value the form did not touch is never
 * re-validated or overwritten. SMTP fields set by the environment are never sent.
 */
function toBody(form: TFormState, saved: TFormState, secrets: TSecrets, overridden: Set<TSmtpEnvField>): TUpdateSystemSettingsBody {
  const changed = <K extends keyof TFormState>(key: K) => form[key] !== saved[key];
  const body: TUpdateSystemSettingsBody = {};
  if (changed('mail_enabled')) body.mail_enabled = form.mail_enabled;
  if (changed('mail_to')) body.mail_to = form.mail_to;
  if (changed('mail_from')) body.mail_from = form.mail_from;
  if (changed('team_name')) body.team_name = form.team_name;
  if (changed('slack_enabled')) body.slack_enabled = form.slack_enabled;
  if (changed('slack_channel')) body.slack_channel = form.slack_channel;
  if (changed('slack_username')) body.slack_username = form.slack_username;
  if (changed('msteams_enabled')) body.msteams_enabled = form.msteams_enabled;
  if (changed('msteams_url')) body.msteams_url = form.msteams_url;
  if (changed('webhooks_enabled')) body.webhooks_enabled = form.webhooks_enabled;
  if (changed('webhooks_timeout_seconds')) body.webhooks_timeout_seconds = Number(form.webhooks_timeout_seconds);
  if (changed('disclaimer')) body.disclaimer = form.disclaimer;
  if (changed('smtp_host') && !overridden.has('smtp_host')) body.smtp_host = form.smtp_host;
  if (changed('smtp_port') && !overridden.has('smtp_port')) body.smtp_port = Number(form.smtp_port);
  if (changed('smtp_tls_mode') && !overridden.has('smtp_tls_mode')) body.smtp_tls_mode = form.smtp_tls_mode;
  if (changed('smtp_user') && !overridden.has('smtp_user')) body.smtp_user = form.smtp_user;
  if (!overridden.has('smtp_password')) {
    if (secrets.clear_smtp_password) body.smtp_password = '';
    else if (secrets.smtp_password !== '') body.smtp_password = secrets.smtp_password;
  }
  if (secrets.clear_slack_token) body.slack_token = '';
  else if (secrets.slack_token !== '') body.slack_token = secrets.slack_token;
  return body;
}

/** Field errors from the BFF's 400 answer: details = [{ path, message }]. */
function toFieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return {};
  const errors: Record<string, string> = {};
  for (const d of error.details as { path?: unknown; message?: unknown }[]) {
    if (typeof d.path === 'string' && typeof d.message === 'string') errors[d.path] ??= d.message;
  }
  return errors;
}

export function SystemSettingsForm({ settings, onSaved }: { settings: TSystemSettings; onSaved?: () => void }) {
  const id = useId();
  const update = useUpdateSystemSettings();
  const [saved, setSaved] = useState<TFormState>(() => toFormState(settings));
  const [form, setForm] = useState<TFormState>(saved);
  const [secrets, setSecrets] = useState<TSecrets>(NO_SECRETS);
  const [current, setCurrent] = useState(settings);
  const overridden = new Set(current.smtp_env_overrides);
  const fieldErrors = update.isError ? toFieldErrors(update.error) : {};

  const isDirty =
    JSON.stringify(form) !== JSON.stringify(saved) ||
    secrets.smtp_password !== '' ||
    secrets.slack_token !== '' ||
    secrets.clear_smtp_password ||
    secrets.clear_slack_token;
  const testBlockedReason = isDirty ? SAVE_FIRST : null;

  const set = <K extends keyof TFormState>(key: K, value: TFormState[K]) => {
    update.reset();
    setForm((f) => ({ ...f, [key]: value }));
  };
  const setSecret = <K extends keyof TSecrets>(key: K, value: TSecrets[K]) => {
    update.reset();
    setSecrets((s) => ({ ...s, [key]: value }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate(toBody(form, saved, secrets, overridden), {
      onSuccess: (next) => {
        const state = toFormState(next);
        setCurrent(next);
        setSaved(state);
        setForm(state);
        setSecrets(NO_SECRETS);
        onSaved?.();
      },
    });
  };

  const fieldProps = (name: string) => ({
    id: `${id}-${name}`,
    'aria-invalid': fieldErrors[name] ? true : undefined,
    'aria-describedby': `${id}-${name}-hint ${id}-${name}-error`,
  });
  const text = (name: keyof TFormState & string) => ({
    ...fieldProps(name),
    value: form[name] as string,
    onChange: (e: { currentTarget: { value: string } }) => set(name, e.currentTarget.value as never),
  });
  const envHint = (name: TSmtpEnvField) =>
    overridden.has(name) ? `Set by the server's environment (${ENV_VARIABLES[name]}); change it there.` : undefined;

  return (
    <form onSubmit={onSubmit} className="stack">
      <Section id={`${id}-email`} title="Email">
        <Checkbox
          id={`${id}-mail_enabled`}
          label="Enable mail notifications"
          checked={form.mail_enabled}
          onChange={(v) => set('mail_enabled', v)}
        />
        <Field
          id={`${id}-mail_to`}
          label="Mail notifications to"
          error={fieldErrors.mail_to}
          hint="The system address: system-wide notifications by mail go here. Without it only personal mail is sent, to each user's own address."
        >
          <input {...text('mail_to')} type="email" maxLength={254} autoComplete="off" />
        </Field>
        <Field
          id={`${id}-mail_from`}
          label="Email from"
          error={fieldErrors.mail_from}
          hint='Such as tocsin@example.com or "Tocsin <tocsin@example.com>".'
        >
          <input {...text('mail_from')} maxLength={320} autoComplete="off" />
        </Field>
        <Field id={`${id}-team_name`} label="Team name" error={fieldErrors.team_name} hint="Used in the subject of every mail.">
          <input {...text('team_name')} maxLength={100} />
        </Field>
        <div className="field-row">
          <Field id={`${id}-smtp_host`} label="SMTP host" error={fieldErrors.smtp_host} hint={envHint('smtp_host')}>
            <input {...text('smtp_host')} maxLength={255} disabled={overridden.has('smtp_host')} autoComplete="off" />
          </Field>
          <Field id={`${id}-smtp_port`} label="SMTP port" error={fieldErrors.smtp_port} hint={envHint('smtp_port')}>
            <input {...text('smtp_port')} type="number" min={1} max={65535} required disabled={overridden.has('smtp_port')} />
          </Field>
          <Field id={`${id}-smtp_tls_mode`} label="TLS mode" error={fieldErrors.smtp_tls_mode} hint={envHint('smtp_tls_mode')}>
            <select
              {...fieldProps('smtp_tls_mode')}
              value={form.smtp_tls_mode}
              disabled={overridden.has('smtp_tls_mode')}
              onChange={(e) => set('smtp_tls_mode', e.currentTarget.value as TSmtpTlsMode)}
            >
              {SMTP_TLS_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {SMTP_TLS_MODE_LABELS[mode]}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="field-row">
          <Field id={`${id}-smtp_user`} label="SMTP user" error={fieldErrors.smtp_user} hint={envHint('smtp_user')}>
            <input {...text('smtp_user')} maxLength={255} disabled={overridden.has('smtp_user')} autoComplete="off" />
          </Field>
          <Field
            id={`${id}-smtp_password`}
            label="SMTP password"
            error={fieldErrors.smtp_password}
            hint={envHint('smtp_password') ?? (current.smtp_password_set ? 'A password is saved; it is never shown.' : undefined)}
          >
            <input
              {...fieldProps('smtp_password')}
              type="password"
              autoComplete="new-password"
              maxLength={1024}
              value={secrets.smtp_password}
              disabled={overridden.has('smtp_password') || secrets.clear_smtp_password}
              placeholder={current.smtp_password_set ? 'Set — leave empty to keep' : ''}
              onChange={(e) => setSecret('smtp_password', e.currentTarget.value)}
            />
          </Field>
        </div>
        {current.smtp_password_set && !overridden.has('smtp_password') && (
          <Checkbox
            id={`${id}-clear_smtp_password`}
            label="Remove the saved SMTP password"
            checked={secrets.clear_smtp_password}
            onChange={(v) => setSecret('clear_smtp_password', v)}
          />
        )}
        <p className="field-hint">The mail test goes to the "Mail notifications to" address, or to your own address when it is empty.</p>
        <TestNotificationButton channel="mail" disabledReason={testBlockedReason} />
      </Section>

      <Section id={`${id}-slack`} title="Slack">
        <Checkbox
          id={`${id}-slack_enabled`}
          label="Enable Slack notifications"
          checked={form.slack_enabled}
          onChange={(v) => set('slack_enabled', v)}
        />
        <Field
          id={`${id}-slack_token`}
          label="Slack token"
          error={fieldErrors.slack_token}
          hint={
            current.slack_token_set
              ? 'A token is saved; it is never shown. Paste a new Bot User OAuth Token to replace it.'
              : 'The Bot User OAuth Token of your Slack app (Features › OAuth & Permissions), starting with xoxb-.'
          }
        >
          <input
            {...fieldProps('slack_token')}
            type="password"
            autoComplete="off"
            maxLength={500}
            value={secrets.slack_token}
            disabled={secrets.clear_slack_token}
            placeholder={current.slack_token_set ? 'Set — leave empty to keep' : ''}
            onChange={(e) => setSecret('slack_token', e.currentTarget.value)}
          />
        </Field>
        {current.slack_token_set && (
          <Checkbox
            id={`${id}-clear_slack_token`}
            label="Remove the saved Slack token"
            checked={secrets.clear_slack_token}
            onChange={(v) => setSecret('clear_slack_token', v)}
          />
        )}
        <Field
          id={`${id}-slack_channel`}
          label="Slack channel"
          error={fieldErrors.slack_channel}
          hint="Where system-wide notifications are posted, such as #security."
        >
          <input {...text('slack_channel')} maxLength={100} autoComplete="off" />
        </Field>
        <Field
          id={`${id}-slack_username`}
          label="Bot username"
          error={fieldErrors.slack_username}
          hint="Optional. Without it, Slack shows the app's display name (Tocsin Notifications)."
        >
          <input {...text('slack_username')} maxLength={80} autoComplete="off" />
        </Field>
        <TestNotificationButton channel="slack" disabledReason={testBlockedReason} />
        <SlackAppManifest />
      </Section>

      <Section id={`${id}-msteams`} title="Microsoft Teams">
        <Checkbox
          id={`${id}-msteams_enabled`}
          label="Enable Microsoft Teams notifications"
          checked={form.msteams_enabled}
          onChange={(v) => set('msteams_enabled', v)}
        />
        {form.msteams_enabled && (
          <Field
            id={`${id}-msteams_url`}
            label="Msteams url"
            error={fieldErrors.msteams_url}
            hint="The incoming webhook URL of the Teams channel (https://…webhook.office.com/…). Teams receives system-wide notifications only."
          >
            <input {...text('msteams_url')} type="url" maxLength={2000} autoComplete="off" />
          </Field>
        )}
        <TestNotificationButton channel="msteams" disabledReason={testBlockedReason} />
      </Section>

      <Section id={`${id}-webhooks`} title="Webhooks">
        <Checkbox
          id={`${id}-webhooks_enabled`}
          label="Enable webhook notifications"
          checked={form.webhooks_enabled}
          onChange={(v) => set('webhooks_enabled', v)}
        />
        <Field
          id={`${id}-webhooks_timeout_seconds`}
          label="Request timeout (seconds)"
          error={fieldErrors.webhooks_timeout_seconds}
          hint={`How long to wait for an endpoint's answer: ${WEBHOOK_TIMEOUT_LIMITS.min} to ${WEBHOOK_TIMEOUT_LIMITS.max} seconds.`}
        >
          <input
            {...text('webhooks_timeout_seconds')}
            type="number"
            min={WEBHOOK_TIMEOUT_LIMITS.min}
            max={WEBHOOK_TIMEOUT_LIMITS.max}
            required
          />
        </Field>
        <p className="field-hint">The webhook test goes to every system webhook (those with no owner).</p>
        <TestNotificationButton channel="webhooks" disabledReason={testBlockedReason} />
      </Section>

      <Section id={`${id}-disclaimer-section`} title="Notification disclaimer">
        <Field
          id={`${id}-disclaimer`}
          label="Disclaimer"
          error={fieldErrors.disclaimer}
          hint="Appended to every notification on every channel. Leave empty for none."
        >
          <textarea
            {...fieldProps('disclaimer')}
            rows={4}
            maxLength={3000}
            value={form.disclaimer}
            onChange={(e) => set('disclaimer', e.currentTarget.value)}
          />
        </Field>
      </Section>

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending} aria-busy={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save settings'}
        </button>
        {isDirty && !update.isPending && <span className="field-hint">You have unsaved changes.</span>}
      </div>
      {update.isError && <ErrorMessage>{getErrorMessage(update.error)}</ErrorMessage>}
      {update.isSuccess && <SuccessMessage>Settings saved.</SuccessMessage>}
    </form>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="message message-error">
          {error}
        </span>
      )}
    </div>
  );
}

function Checkbox({ id, label, checked, onChange }: { id: string; label: string; checked: boolean; onChange: (value: boolean) => void }) {
  return (
    <div className="field field-checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}
