/**
 * Add or edit a named destination. Secrets are write-only: the Teams Workflows URL and a webhook's header value
 * and signing secret are never shown again; left empty on an edit they are kept (a webhook's new URL drops them
 * unless they are entered again). The contract's schema checks the input before it is sent.
 */

import type { TDigestMode } from '@tocsin/contract/delivery-preferences';
import {
  DESTINATION_KIND_LABELS,
  DESTINATION_KINDS,
  type TDestination,
  type TDestinationKind,
  ZDestinationBody,
} from '@tocsin/contract/rules';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ErrorMessage, SuccessMessage } from '../../../components/messages';
import { getErrorMessage } from '../../../lib/api-client';
import { useSaveDestination } from '../api/save-destination';

export type TDestinationValues = {
  kind: TDestinationKind;
  name: string;
  slackChannel: string;
  addresses: string;
  url: string;
  headerName: string;
  headerValue: string;
  signingSecret: string;
  digestMode: TDigestMode;
  digestDailyAt: string;
  digestTimeZone: string;
};

/** The browser's own zone, a good first guess for a new destination's daily digest. */
const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const toValues = (d?: TDestination): TDestinationValues => ({
  kind: d?.kind ?? 'slack',
  name: d?.name ?? '',
  slackChannel: d?.slack_channel ?? '',
  addresses: d?.addresses.join(', ') ?? '',
  url: d?.kind === 'webhook' ? (d.url ?? '') : '',
  headerName: d?.header_name ?? '',
  headerValue: '',
  signingSecret: '',
  digestMode: d?.digest.mode ?? 'immediate',
  digestDailyAt: d?.digest.daily_at ?? '08:00',
  digestTimeZone: d?.digest.time_zone ?? localTimeZone(),
});

const digestOf = (v: TDestinationValues) => ({ mode: v.digestMode, daily_at: v.digestDailyAt, time_zone: v.digestTimeZone.trim() });

/** The body the API takes; empty write-only fields are left out (kept). */
export function toBody(v: TDestinationValues): unknown {
  switch (v.kind) {
    case 'slack':
      return { kind: 'slack', name: v.name, slack_channel: v.slackChannel, digest: digestOf(v) };
    case 'mail':
      return {
        kind: 'mail',
        name: v.name,
        addresses: v.addresses
          .split(/[,\s]+/)
          .map((a) => a.trim())
          .filter((a) => a !== ''),
        digest: digestOf(v),
      };
    case 'msteams':
      return { kind: 'msteams', name: v.name, ...(v.url.trim() ? { url: v.url } : {}), digest: digestOf(v) };
    case 'webhook':
      return {
        kind: 'webhook',
        name: v.name,
        url: v.url,
        header_name: v.headerName.trim() || null,
        ...(v.headerValue ? { header_value: v.headerValue } : {}),
        ...(v.signingSecret ? { signing_secret: v.signingSecret } : {}),
        digest: digestOf(v),
      };
  }
}

export function DestinationForm({ destination, onDone }: { destination?: TDestination; onDone?: () => void }) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isEdit = destination !== undefined;
  const [v, setValues] = useState<TDestinationValues>(() => toValues(destination));
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useSaveDestination();
  const set = <K extends keyof TDestinationValues>(key: K, value: TDestinationValues[K]) => {
    setValues((old) => ({ ...old, [key]: value }));
    setProblem(null);
    setSaved(null);
    save.reset();
  };
  useEffect(() => {
    if (isEdit) headingRef.current?.focus();
  }, [isEdit]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = ZDestinationBody.safeParse(toBody(v));
    if (!parsed.success) {
      setProblem(parsed.error.issues.map((i) => `${i.path.join('.') || 'destination'}: ${i.message}`).join('; '));
      return;
    }
    save.mutate(
      { id: destination?.id ?? null, body: parsed.data },
      {
        onSuccess: (d) => {
          setSaved(isEdit ? 'Destination saved.' : `Destination “${d.name}” added.`);
          if (isEdit) onDone?.();
          else setValues(toValues());
        },
      },
    );
  };

  const field = (key: keyof TDestinationValues, label: string, opts: { type?: string; hint?: string; autoComplete?: string } = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        type={opts.type ?? 'text'}
        value={v[key] as string}
        autoComplete={opts.autoComplete ?? 'off'}
        aria-describedby={opts.hint ? `${id}-${key}-hint` : undefined}
        onChange={(e) => set(key, e.target.value as never)}
      />
      {opts.hint && (
        <p className="field-hint" id={`${id}-${key}-hint`}>
          {opts.hint}
        </p>
      )}
    </div>
  );

  return (
    <form className="card stack" aria-labelledby={`${id}-heading`} onSubmit={onSubmit} noValidate>
      <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {isEdit ? `Edit destination ${destination.name}` : 'Add destination'}
      </h2>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} value={v.kind} disabled={isEdit} onChange={(e) => set('kind', e.target.value as TDestinationKind)}>
            {DESTINATION_KINDS.map((k) => (
              <option key={k} value={k}>
                {DESTINATION_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        {field('name', 'Name')}
      </div>
      {v.kind === 'slack' &&
        field('slackChannel', 'Slack channel', {
          hint: 'Such as #payments-sec; posted to through the system Slack app (System Settings).',
        })}
      {v.kind === 'mail' && field('addresses', 'Email addresses', { hint: 'Separated by commas.' })}
      {v.kind === 'msteams' &&
        field('url', 'Teams Workflows URL', {
          type: 'password',
          hint: isEdit && destination.url_set ? 'Saved; leave empty to keep it.' : 'It carries its credential: it is never shown again.',
        })}
      {v.kind === 'webhook' && (
        <>
          {field('url', 'URL')}
          <div className="field-row">
            {field('headerName', 'Extra header name (optional)')}
            {field('headerValue', 'Header value', {
              type: 'password',
              hint: isEdit && destination.header_value_set ? 'Saved; leave empty to keep it (a new URL drops it).' : undefined,
            })}
            {field('signingSecret', 'Signing secret (optional)', {
              type: 'password',
              hint: isEdit && destination.signing_secret_set ? 'Saved; leave empty to keep it (a new URL drops it).' : undefined,
            })}
          </div>
        </>
      )}
      <fieldset className="stack">
        <legend>Sending</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-digestMode`}>Delivery</label>
            <select
              id={`${id}-digestMode`}
              value={v.digestMode}
              aria-describedby={`${id}-digestMode-hint`}
              onChange={(e) => set('digestMode', e.target.value as TDigestMode)}
            >
              <option value="immediate">Immediately</option>
              <option value="hourly">Hourly digest</option>
              <option value="daily">Daily digest</option>
            </select>
            <p className="field-hint" id={`${id}-digestMode-hint`}>
              A digest is one message per period, grouped by product and event with counts and links; nothing is sent for an empty period.
            </p>
          </div>
          {v.digestMode === 'daily' && (
            <>
              {field('digestDailyAt', 'Daily digest at', { type: 'time' })}
              {field('digestTimeZone', 'Time zone', { hint: 'An IANA time zone name such as Europe/Paris.' })}
            </>
          )}
        </div>
      </fieldset>
      {problem && <ErrorMessage>{problem}</ErrorMessage>}
      {save.isError && <ErrorMessage>{getErrorMessage(save.error)}</ErrorMessage>}
      {saved && <SuccessMessage>{saved}</SuccessMessage>}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : isEdit ? 'Save destination' : 'Add destination'}
        </button>
        {isEdit && (
          <button type="button" className="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
