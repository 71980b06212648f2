/**
 * The System Settings form: one section per channel, each with its enable switch, how many System events route
 * to it, and a test button. Secrets (SMTP password, Slack token, the Teams Workflows URL) are write-only: an empty
 * field keeps the saved value; "Remove the saved …" clears it. SMTP fields set by the server's environment are
 * shown read-only and never sent.
 */
import {
  COALESCE_WINDOW_LIMITS,
  SMTP_TLS_MODE_LABELS,
  SMTP_TLS_MODES,
  type TSmtpEnvField,
  type TSmtpTlsMode,
  type TSystemSettings,
  type TUpdateSystemSettingsBody,
  WEBHOOK_TIMEOUT_LIMITS,
  ZUpdateSystemSettingsBody,
} from '@tocsin/contract/system-settings';
import { type ReactNode, useId, useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { zodBodyResolver } from '../../../components/form/body-resolver';
import { CheckboxField, FormError, SelectField, SubmitButton, TextAreaField, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { toNumber } from '../../../lib/form-values';
import { useUpdateSystemSettings } from '../api/update-system-settings';
import { ChannelRoutingNotice } from './channel-routing-notice';
import { SlackAppManifest } from './slack-app-manifest';
import { TeamsWorkflowsHelp } from './teams-workflows-help';
import { TestNotificationButton } from './test-notification-button';

/** What the controls hold: numbers as typed, secrets empty unless a new one is typed. */
export type TFormValues = {
  mail_enabled: boolean;
  mail_to: string;
  mail_from: string;
  team_name: string;
  smtp_host: string;
  smtp_port: string;
  smtp_tls_mode: TSmtpTlsMode;
  smtp_user: string;
  smtp_password: string;
  clear_smtp_password: boolean;
  slack_enabled: boolean;
  slack_token: string;
  clear_slack_token: boolean;
  slack_channel: string;
  slack_username: string;
  msteams_enabled: boolean;
  msteams_url: string;
  clear_msteams_url: boolean;
  webhooks_enabled: boolean;
  webhooks_timeout_seconds: string;
  disclaimer: string;
  confidential_mode: boolean;
  coalesce_window_seconds: string;
};

const ENV_VARIABLES: Record<TSmtpEnvField, string> = {
  smtp_host: 'SMTP_HOST',
  smtp_port: 'SMTP_PORT',
  smtp_tls_mode: 'SMTP_TLS_MODE',
  smtp_user: 'SMTP_USER',
  smtp_password: 'SMTP_PASSWORD',
};

export function toFormValues(s: TSystemSettings): TFormValues {
  return {
    mail_enabled: s.mail_enabled,
    mail_to: s.mail_to,
    mail_from: s.mail_from,
    team_name: s.team_name,
    smtp_host: s.smtp_host,
    smtp_port: String(s.smtp_port),
    smtp_tls_mode: s.smtp_tls_mode,
    smtp_user: s.smtp_user,
    smtp_password: '',
    clear_smtp_password: false,
    slack_enabled: s.slack_enabled,
    slack_token: '',
    clear_slack_token: false,
    slack_channel: s.slack_channel,
    slack_username: s.slack_username,
    msteams_enabled: s.msteams_enabled,
    msteams_url: '',
    clear_msteams_url: false,
    webhooks_enabled: s.webhooks_enabled,
    webhooks_timeout_seconds: String(s.webhooks_timeout_seconds),
    disclaimer: s.disclaimer,
    confidential_mode: s.confidential_mode,
    coalesce_window_seconds: String(s.coalesce_window_seconds),
  };
}

const PLAIN_FIELDS = [
  'mail_enabled',
  'mail_to',
  'mail_from',
  'team_name',
  'slack_enabled',
  'slack_channel',
  'slack_username',
  'msteams_enabled',
  'webhooks_enabled',
  'disclaimer',
  'confidential_mode',
] as const;

/**
 * Only what changed is sent (PUT is a partial update), so a stored value the form did not touch is never
 * re-validated or overwritten. SMTP fields set by the environment are never sent.
 */
export function toBody(form: TFormValues, saved: TFormValues, overridden: ReadonlySet<TSmtpEnvField>): TUpdateSystemSettingsBody {
  const changed = (key: keyof TFormValues) => form[key] !== saved[key];
  const body: Record<string, unknown> = {};
  for (const key of PLAIN_FIELDS) if (changed(key)) body[key] = form[key];
  if (changed('webhooks_timeout_seconds')) body.webhooks_timeout_seconds = toNumber(form.webhooks_timeout_seconds);
  if (changed('coalesce_window_seconds')) body.coalesce_window_seconds = toNumber(form.coalesce_window_seconds);
  if (changed('smtp_host') && !overridden.has('smtp_host')) body.smtp_host = form.smtp_host;
  if (changed('smtp_port') && !overridden.has('smtp_port')) body.smtp_port = toNumber(form.smtp_port);
  if (changed('smtp_tls_mode') && !overridden.has('smtp_tls_mode')) body.smtp_tls_mode = form.smtp_tls_mode;
  if (changed('smtp_user') && !overridden.has('smtp_user')) body.smtp_user = form.smtp_user;
  if (!overridden.has('smtp_password')) {
    if (form.clear_smtp_password) body.smtp_password = '';
    else if (form.smtp_password) body.smtp_password = form.smtp_password;
  }
  if (form.clear_slack_token) body.slack_token = '';
  else if (form.slack_token) body.slack_token = form.slack_token;
  if (form.clear_msteams_url) body.msteams_url = '';
  else if (form.msteams_url) body.msteams_url = form.msteams_url;
  return body as TUpdateSystemSettingsBody;
}

export function SystemSettingsForm({ settings, onSaved }: { settings: TSystemSettings; onSaved?: () => void }) {
  const id = useId();
  const update = useUpdateSystemSettings();
  const [current, setCurrent] = useState(settings);
  const overridden = new Set(current.smtp_env_overrides);
  // The resolver reads these when it runs, so it always compares with what was saved last.
  const savedRef = useRef(toFormValues(settings));
  const overriddenRef = useRef(overridden);
  overriddenRef.current = overridden;
  const form = useForm({
    resolver: zodBodyResolver(ZUpdateSystemSettingsBody, (values: TFormValues) => toBody(values, savedRef.current, overriddenRef.current)),
    defaultValues: savedRef.current,
  });
  const isDirty = form.formState.isDirty;
  const [isMsteamsEnabled, isClearingSmtpPassword, isClearingSlackToken, isClearingTeamsUrl, smtpHost, smtpPassword] = useWatch({
    control: form.control,
    name: ['msteams_enabled', 'clear_smtp_password', 'clear_slack_token', 'clear_msteams_url', 'smtp_host', 'smtp_password'],
  });
  // The BFF drops a saved password when the host changes (it was entered for the old server): say so before saving.
  const isPasswordDropped =
    current.smtp_password_set &&
    !overridden.has('smtp_password') &&
    !isClearingSmtpPassword &&
    smtpPassword === '' &&
    smtpHost.trim().toLowerCase() !== savedRef.current.smtp_host.trim().toLowerCase();
  const testBlockedReason = isDirty ? 'Save your changes first: the test uses the saved settings.' : null;
  const onEdit = { onChange: () => update.reset() };

  const onSubmit = (body: TUpdateSystemSettingsBody) =>
    update.mutate(body, {
      onSuccess: (next) => {
        setCurrent(next);
        savedRef.current = toFormValues(next);
        form.reset(savedRef.current);
        onSaved?.();
      },
    });

  // The routing notices read the latest settings from the server (the matrix may have changed on another page),
  // not the snapshot the form was opened with.
  const envHint = (name: TSmtpEnvField) =>
    overridden.has(name) ? `Set by the server's environment (${ENV_VARIABLES[name]}); change it there.` : undefined;

  return (
    <Form form={form} error={update.error} onSubmit={onSubmit} className="stack settings-form" aria-label="System Settings">
      <Section id={`${id}-email`} title="Email">
        <CheckboxField name="mail_enabled" label="Enable mail notifications" registerOptions={onEdit} />
        <TextField
          name="mail_to"
          label="Mail notifications to"
          type="email"
          maxLength={254}
          autoComplete="off"
          hint="The system address: system-wide notifications by mail go here. Without it only personal mail is sent, to each user's own address."
          registerOptions={onEdit}
        />
        <TextField
          name="mail_from"
          label="Email from"
          maxLength={320}
          autoComplete="off"
          hint='Such as tocsin@example.com or "Tocsin <tocsin@example.com>".'
          registerOptions={onEdit}
        />
        <TextField name="team_name" label="Team name" maxLength={100} hint="Used in the subject of every mail." registerOptions={onEdit} />
        <div className="field-row">
          <TextField
            name="smtp_host"
            label="SMTP host"
            maxLength={255}
            autoComplete="off"
            disabled={overridden.has('smtp_host')}
            hint={envHint('smtp_host')}
            registerOptions={onEdit}
          />
          <TextField
            name="smtp_port"
            label="SMTP port"
            type="number"
            min={1}
            max={65535}
            disabled={overridden.has('smtp_port')}
            hint={envHint('smtp_port')}
            registerOptions={onEdit}
          />
          <SelectField
            name="smtp_tls_mode"
            label="TLS mode"
            disabled={overridden.has('smtp_tls_mode')}
            hint={envHint('smtp_tls_mode')}
            registerOptions={onEdit}
          >
            {SMTP_TLS_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {SMTP_TLS_MODE_LABELS[mode]}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="field-row">
          <TextField
            name="smtp_user"
            label="SMTP user"
            maxLength={255}
            autoComplete="off"
            disabled={overridden.has('smtp_user')}
            hint={envHint('smtp_user')}
            registerOptions={onEdit}
          />
          <TextField
            name="smtp_password"
            label="SMTP password"
            type="password"
            autoComplete="new-password"
            maxLength={1024}
            disabled={overridden.has('smtp_password') || isClearingSmtpPassword}
            placeholder={current.smtp_password_set ? 'Set — leave empty to keep' : ''}
            hint={
              envHint('smtp_password') ??
              (isPasswordDropped
                ? 'A new SMTP host drops the saved password: enter it again if the new server needs it.'
                : current.smtp_password_set
                  ? 'A password is saved; it is never shown.'
                  : undefined)
            }
            registerOptions={onEdit}
          />
        </div>
        {current.smtp_password_set && !overridden.has('smtp_password') && (
          <CheckboxField name="clear_smtp_password" label="Remove the saved SMTP password" registerOptions={onEdit} />
        )}
        <p className="field-hint">The mail test goes to the "Mail notifications to" address, or to your own address when it is empty.</p>
        <ChannelRoutingNotice channel="mail" isEnabled={settings.mail_enabled} count={settings.system_event_counts.mail} />
        <TestNotificationButton channel="mail" disabledReason={testBlockedReason} />
      </Section>

      <Section id={`${id}-slack`} title="Slack">
        <CheckboxField name="slack_enabled" label="Enable Slack notifications" registerOptions={onEdit} />
        <TextField
          name="slack_token"
          label="Slack token"
          type="password"
          autoComplete="off"
          maxLength={500}
          disabled={isClearingSlackToken}
          placeholder={current.slack_token_set ? 'Set — leave empty to keep' : ''}
          hint={
            current.slack_token_set
              ? 'A token is saved; it is never shown. Paste a new Bot User OAuth Token to replace it.'
              : 'The Bot User OAuth Token of your Slack app (Features › OAuth & Permissions), starting with xoxb-.'
          }
          registerOptions={onEdit}
        />
        {current.slack_token_set && (
          <CheckboxField name="clear_slack_token" label="Remove the saved Slack token" registerOptions={onEdit} />
        )}
        <TextField
          name="slack_channel"
          label="Slack channel"
          maxLength={100}
          autoComplete="off"
          hint="Where system-wide notifications are posted, such as #security."
          registerOptions={onEdit}
        />
        <TextField
          name="slack_username"
          label="Bot username"
          maxLength={80}
          autoComplete="off"
          hint="Optional. Without it, Slack shows the app's display name (Tocsin Notifications)."
          registerOptions={onEdit}
        />
        <ChannelRoutingNotice channel="slack" isEnabled={settings.slack_enabled} count={settings.system_event_counts.slack} />
        <TestNotificationButton channel="slack" disabledReason={testBlockedReason} />
        <SlackAppManifest />
      </Section>

      <Section id={`${id}-msteams`} title="Microsoft Teams">
        <CheckboxField name="msteams_enabled" label="Enable Microsoft Teams notifications" registerOptions={onEdit} />
        {isMsteamsEnabled && (
          <>
            <TextField
              name="msteams_url"
              label="Teams Workflows webhook URL"
              type="url"
              maxLength={2000}
              autoComplete="off"
              disabled={isClearingTeamsUrl}
              placeholder={current.msteams_url_set ? 'Set — leave empty to keep' : 'https://…/workflows/…/invoke?…&sig=…'}
              hint={
                current.msteams_url_set
                  ? 'A URL is saved; it is never shown (its sig= part is a credential). Paste a new one to replace it.'
                  : 'The URL of a Teams Workflows webhook ("When a Teams webhook request is received"). Teams receives system-wide notifications only.'
              }
              registerOptions={onEdit}
            />
            {current.msteams_url_set && (
              <CheckboxField name="clear_msteams_url" label="Remove the saved Teams Workflows webhook URL" registerOptions={onEdit} />
            )}
          </>
        )}
        <TeamsWorkflowsHelp />
        <ChannelRoutingNotice channel="msteams" isEnabled={settings.msteams_enabled} count={settings.system_event_counts.msteams} />
        <TestNotificationButton channel="msteams" disabledReason={testBlockedReason} />
      </Section>

      <Section id={`${id}-webhooks`} title="Webhooks">
        <CheckboxField name="webhooks_enabled" label="Enable webhook notifications" registerOptions={onEdit} />
        <TextField
          name="webhooks_timeout_seconds"
          label="Request timeout (seconds)"
          type="number"
          min={WEBHOOK_TIMEOUT_LIMITS.min}
          max={WEBHOOK_TIMEOUT_LIMITS.max}
          hint={`How long to wait for an endpoint's answer: ${WEBHOOK_TIMEOUT_LIMITS.min} to ${WEBHOOK_TIMEOUT_LIMITS.max} seconds.`}
          registerOptions={onEdit}
        />
        <p className="field-hint">The webhook test goes to every system webhook (those with no owner).</p>
        <ChannelRoutingNotice channel="webhooks" isEnabled={settings.webhooks_enabled} count={settings.system_event_counts.webhooks} />
        <TestNotificationButton channel="webhooks" disabledReason={testBlockedReason} />
      </Section>

      <Section id={`${id}-disclaimer-section`} title="Notification disclaimer">
        <TextAreaField
          name="disclaimer"
          label="Disclaimer"
          rows={4}
          maxLength={3000}
          hint="Appended to every notification on every channel. Leave empty for none."
          registerOptions={onEdit}
        />
      </Section>

      <Section id={`${id}-floods`} title="Floods and confidentiality">
        <TextField
          name="coalesce_window_seconds"
          label="Coalescing window (seconds)"
          type="number"
          min={COALESCE_WINDOW_LIMITS.min}
          max={COALESCE_WINDOW_LIMITS.max}
          hint="Events with the same dedupe key within this window update one alert (“and 14 more like this”) and are sent once. 0 turns coalescing off."
          registerOptions={onEdit}
        />
        <CheckboxField
          name="confidential_mode"
          label="Confidential mode: mail, Slack and Teams carry only the title and a link to Tocsin, no finding details"
          registerOptions={onEdit}
        />
      </Section>

      {/* Kept in view at the bottom of the screen, however far down the long form the person is. */}
      <div className="form-footer-sticky">
        <div className="form-actions">
          <SubmitButton isPending={update.isPending} pendingLabel="Saving…">
            Save settings
          </SubmitButton>
          {isDirty && !update.isPending && <span className="field-hint">You have unsaved changes.</span>}
        </div>
        <FormError />
        {update.isSuccess && <SuccessMessage>Settings saved.</SuccessMessage>}
      </div>
    </Form>
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
