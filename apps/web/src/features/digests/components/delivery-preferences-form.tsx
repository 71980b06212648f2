/**
 * "Delivery": my time zone, per external channel immediate or a digest (hourly, or daily at a time), and quiet
 * hours with the option to let Critical findings through (issue 10 §4). The BFF validates with the contract's schema.
 */
import { PERSONAL_DIGEST_CHANNELS, type TDigestMode, type TMyDeliveryPreferences } from '@tocsin/contract/delivery-preferences';
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { CheckboxField, FormError, SelectField, SubmitButton, TextField } from '../../../components/form/fields';
import { Form } from '../../../components/form/form';
import { SuccessMessage } from '../../../components/messages';
import { useMyDeliveryPreferences } from '../api/get-my-delivery-preferences';
import { useUpdateMyDeliveryPreferences } from '../api/update-my-delivery-preferences';

type TChannel = (typeof PERSONAL_DIGEST_CHANNELS)[number];
const CHANNEL_LABELS: Record<TChannel, string> = { mail: 'Email', slack: 'Slack', webhooks: 'My webhooks' };

type TFormValues = {
  time_zone: string;
  mail_mode: TDigestMode;
  mail_daily_at: string;
  slack_mode: TDigestMode;
  slack_daily_at: string;
  webhooks_mode: TDigestMode;
  webhooks_daily_at: string;
  has_quiet_hours: boolean;
  quiet_start: string;
  quiet_end: string;
  critical_passes: boolean;
};

export function toFormValues(p: TMyDeliveryPreferences): TFormValues {
  return {
    time_zone: p.time_zone,
    mail_mode: p.channels.mail.mode,
    mail_daily_at: p.channels.mail.daily_at,
    slack_mode: p.channels.slack.mode,
    slack_daily_at: p.channels.slack.daily_at,
    webhooks_mode: p.channels.webhooks.mode,
    webhooks_daily_at: p.channels.webhooks.daily_at,
    has_quiet_hours: p.quiet_hours !== null,
    quiet_start: p.quiet_hours?.start ?? '22:00',
    quiet_end: p.quiet_hours?.end ?? '07:00',
    critical_passes: p.quiet_hours?.critical_passes ?? false,
  };
}

export function toBody(f: TFormValues): TMyDeliveryPreferences {
  const channel = (c: TChannel) => ({ mode: f[`${c}_mode`], daily_at: f[`${c}_daily_at`] });
  return {
    time_zone: f.time_zone.trim(),
    channels: { mail: channel('mail'), slack: channel('slack'), webhooks: channel('webhooks') },
    quiet_hours: f.has_quiet_hours ? { start: f.quiet_start, end: f.quiet_end, critical_passes: f.critical_passes } : null,
  };
}

export function DeliveryPreferencesSection() {
  const query = useMyDeliveryPreferences();
  if (query.isPending) return <p>Loading delivery preferences…</p>;
  if (query.isError) return <p role="alert">Delivery preferences could not be loaded: {query.error.message}</p>;
  return <DeliveryPreferencesForm preferences={query.data} />;
}

function DeliveryPreferencesForm({ preferences }: { preferences: TMyDeliveryPreferences }) {
  const id = useId();
  const update = useUpdateMyDeliveryPreferences();
  const form = useForm<TFormValues>({ defaultValues: toFormValues(preferences) });
  const hasQuietHours = form.watch('has_quiet_hours');
  const modes = form.watch(['mail_mode', 'slack_mode', 'webhooks_mode']);
  return (
    <Form
      form={form}
      error={update.error}
      className="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(values) => update.mutate(toBody(values), { onSuccess: (saved) => form.reset(toFormValues(saved)) })}
    >
      <h2 id={`${id}-heading`}>Delivery: digests and quiet hours</h2>
      <TextField
        name="time_zone"
        label="Time zone"
        maxLength={64}
        autoComplete="off"
        hint="An IANA time zone name such as Europe/Paris: daily digests and quiet hours follow it."
      />
      {PERSONAL_DIGEST_CHANNELS.map((channel, i) => (
        <fieldset key={channel} className="stack">
          <legend>{CHANNEL_LABELS[channel]}</legend>
          <SelectField name={`${channel}_mode`} label={`${CHANNEL_LABELS[channel]} delivery`}>
            <option value="immediate">Immediately</option>
            <option value="hourly">Hourly digest</option>
            <option value="daily">Daily digest</option>
          </SelectField>
          {modes[i] === 'daily' && (
            <TextField name={`${channel}_daily_at`} label={`${CHANNEL_LABELS[channel]} daily digest at`} type="time" />
          )}
        </fieldset>
      ))}
      <CheckboxField name="has_quiet_hours" label="Quiet hours for my email, Slack and webhooks" />
      {hasQuietHours && (
        <>
          <TextField name="quiet_start" label="Quiet from" type="time" />
          <TextField name="quiet_end" label="Quiet until" type="time" />
          <CheckboxField name="critical_passes" label="Let notices about Critical findings through during quiet hours" />
        </>
      )}
      <div className="form-actions">
        <SubmitButton isPending={update.isPending} pendingLabel="Saving…">
          Save delivery preferences
        </SubmitButton>
      </div>
      <FormError />
      {update.isSuccess && <SuccessMessage>Delivery preferences saved.</SuccessMessage>}
    </Form>
  );
}
