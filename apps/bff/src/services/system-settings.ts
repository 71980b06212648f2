/**
 * System Settings as the API shows and changes them. Secrets (SMTP password, Slack token, the Teams Workflows
 * URL) are sealed before they are stored and never leave this module: answers carry `*_set` booleans. The
 * delivery pipeline reads the same row, opened, through delivery/settings.ts.
 *
 * Where settings point (the SMTP host, the Teams URL) obeys the outbound policy: checked before saving, with a
 * 400 that says why and how to allow it. A new SMTP host drops the stored SMTP password unless the same request
 * enters it again, so a password set for one server is never sent to another one.
 */
import { CHANNEL_BITS, EXTERNAL_CHANNELS } from '@tocsin/contract/catalogue';
import type {
  TSmtpEnvField,
  TSmtpTlsMode,
  TSystemSettings,
  TTestChannel,
  TTestResult,
  TUpdateSystemSettingsBody,
} from '@tocsin/contract/system-settings';
import { eq, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { isTruthy } from '../db/database';
import { findRow, updateRows } from '../db/rows';
import { systemSettings } from '../db/schema';
import {
  getOutboundPolicy,
  OutboundRefusedError,
  resolveSmtpTarget,
  type TOutboundVerification,
  verifyOutboundUrl,
} from '../delivery/outbound';
import { sealSecret } from '../delivery/secrets';
import { getSmtpOverrides, getSystemSettings, type TSystemSettings as TOpenedSettings, type TSmtpOverride } from '../delivery/settings';
import { sendTestNotification } from '../delivery/test-notification';
import type { Env } from '../env';
import { HttpError } from '../lib/errors';
import { toIso } from '../lib/time';

type SystemSettingsRow = typeof systemSettings.$inferSelect;
type FieldError = { path: string; message: string };

const SETTINGS_ID = 1;

const SMTP_FIELD_NAMES: Record<TSmtpOverride, TSmtpEnvField> = {
  smtpHost: 'smtp_host',
  smtpPort: 'smtp_port',
  smtpTlsMode: 'smtp_tls_mode',
  smtpUser: 'smtp_user',
  smtpPassword: 'smtp_password',
};

/** Which SMTP fields the server's environment sets (those win over the stored values). */
export function findSmtpEnvOverrides(env: Env): TSmtpEnvField[] {
  return (Object.keys(getSmtpOverrides(env)) as TSmtpOverride[]).map((k) => SMTP_FIELD_NAMES[k]);
}

type TEventCounts = TSystemSettings['system_event_counts'];

/** The settings as answers show them: `row` is opened (delivery/settings.ts), secrets become `*_set` booleans. */
export function toSystemSettingsDto(row: TOpenedSettings, env: Env, counts: TEventCounts): TSystemSettings {
  return {
    mail_enabled: row.mailEnabled,
    mail_to: row.mailTo,
    mail_from: row.mailFrom,
    team_name: row.teamName,
    smtp_host: row.smtpHost,
    smtp_port: row.smtpPort,
    smtp_tls_mode: row.smtpTlsMode as TSmtpTlsMode,
    smtp_user: row.smtpUser,
    smtp_password_set: row.smtpPassword !== '',
    smtp_env_overrides: findSmtpEnvOverrides(env),
    slack_enabled: row.slackEnabled,
    slack_token_set: row.slackToken !== '',
    slack_channel: row.slackChannel,
    slack_username: row.slackUsername,
    msteams_enabled: row.msteamsEnabled,
    msteams_url_set: row.msteamsUrl !== '',
    webhooks_enabled: row.webhooksEnabled,
    webhooks_timeout_seconds: row.webhooksTimeoutSeconds,
    disclaimer: row.disclaimer,
    confidential_mode: isTruthy(row.confidentialMode),
    coalesce_window_seconds: row.coalesceWindowSeconds,
    system_event_counts: counts,
    updated_at: toIso(row.updatedAt),
  };
}

/** How many events of the System notifications matrix select each external channel. */
export async function countSystemEventsPerChannel(deps: Deps): Promise<TEventCounts> {
  const rows = await deps.db.all<{ channels: number }>(
    sql`select channels from notification_settings where scope = 'system' and user_key = 0 and product_key = 0`,
  );
  const counts = Object.fromEntries(EXTERNAL_CHANNELS.map((c) => [c, 0])) as TEventCounts;
  for (const { channels } of rows) for (const c of EXTERNAL_CHANNELS) if (channels & CHANNEL_BITS[c]) counts[c] += 1;
  return counts;
}

/** The settings with the environment's SMTP values applied, secrets replaced by booleans. */
export async function readSystemSettings(deps: Deps): Promise<TSystemSettings> {
  return toSystemSettingsDto(await getSystemSettings(deps), deps.env, await countSystemEventsPerChannel(deps));
}

async function readStoredRow(deps: Deps): Promise<SystemSettingsRow> {
  const row = await findRow(deps.db, systemSettings, eq(systemSettings.id, SETTINGS_ID));
  // Opening the database inserts row 1; its absence means the database was tampered with.
  if (!row) throw new Error('system_settings row 1 is missing');
  return row;
}

/** A secret field: omitted or null keeps the stored (sealed) value, an empty string clears it, a value is sealed. */
function resolveSecret(deps: Deps, stored: string, sent: string | null | undefined): string {
  return sent == null ? stored : sealSecret(deps, sent);
}

/** The same SMTP server, however the host name is spelt: a new one drops the stored password. */
const isSameHost = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** How long a check may wait for DNS before saving goes ahead without it (the send checks again anyway). */
const VERIFY_TIMEOUT_MS = 5_000;

const fieldError = (path: string, message: string) => new HttpError(400, 'validation_failed', `${path}: ${message}`, [{ path, message }]);

/**
 * Where the update points, checked against the outbound policy before anything is saved (and outside the
 * transaction: no DNS look-up holds the database). A host whose name does not resolve now is not refused:
 * DNS may be down for a moment, and every send checks again; an address the policy refuses is.
 */
async function assertDestinationsAllowed(deps: Deps, body: TUpdateSystemSettingsBody): Promise<void> {
  const policy = getOutboundPolicy(deps.env);
  const signal = AbortSignal.timeout(VERIFY_TIMEOUT_MS);
  if (body.msteams_url) {
    let verdict: TOutboundVerification;
    try {
      verdict = await verifyOutboundUrl(body.msteams_url, policy, { resolve: deps.resolveHost, signal });
    } catch {
      return; // DNS did not answer in time: the send checks it again.
    }
    if (!verdict.ok && verdict.code !== 'host_not_found') throw fieldError('msteams_url', verdict.message);
  }
  if (body.smtp_host) {
    const stored = await readStoredRow(deps);
    if (isSameHost(body.smtp_host, stored.smtpHost)) return;
    try {
      await resolveSmtpTarget(body.smtp_host, body.smtp_port ?? stored.smtpPort, policy, { resolve: deps.resolveHost, signal });
    } catch (err) {
      if (err instanceof OutboundRefusedError) throw fieldError('smtp_host', err.message);
      // Not found, or DNS did not answer in time: the send checks it again.
    }
  }
}

/**
 * Apply a partial update. A channel can be enabled only with what it needs to send anything:
 * mail an SMTP host, Slack a token and a channel, Teams its URL. Mail without a system address is allowed
 * (personal mail goes to each user's own address); system mail then fails with a reason in the delivery log.
 * Read, check and write happen in one transaction that first takes the row, so two concurrent updates apply
 * one after the other instead of one silently undoing the other's fields.
 */
export async function updateSystemSettings(deps: Deps, body: TUpdateSystemSettingsBody): Promise<TSystemSettings> {
  await assertDestinationsAllowed(deps, body);
  await deps.db.transaction(async (tx) => {
    // A write first: it holds the row (PostgreSQL row lock; SQLite's writer lock) until the commit.
    await tx.run(sql`update system_settings set updated_at = ${deps.now()} where id = ${SETTINGS_ID}`);
    await updateStoredRow(withDb(deps, tx), body);
  });
  return readSystemSettings(deps);
}

async function updateStoredRow(deps: Deps, body: TUpdateSystemSettingsBody): Promise<void> {
  const stored = await readStoredRow(deps);
  const smtpHost = body.smtp_host ?? stored.smtpHost;
  // A password goes to the server it was entered for: a new host needs it entered again, in this request.
  const smtpPassword =
    body.smtp_password == null && !isSameHost(smtpHost, stored.smtpHost)
      ? ''
      : resolveSecret(deps, stored.smtpPassword, body.smtp_password);
  const next: SystemSettingsRow = {
    ...stored,
    mailEnabled: body.mail_enabled ?? stored.mailEnabled,
    mailTo: body.mail_to ?? stored.mailTo,
    mailFrom: body.mail_from ?? stored.mailFrom,
    teamName: body.team_name ?? stored.teamName,
    smtpHost,
    smtpPort: body.smtp_port ?? stored.smtpPort,
    smtpTlsMode: body.smtp_tls_mode ?? stored.smtpTlsMode,
    smtpUser: body.smtp_user ?? stored.smtpUser,
    smtpPassword,
    slackEnabled: body.slack_enabled ?? stored.slackEnabled,
    slackToken: resolveSecret(deps, stored.slackToken, body.slack_token),
    slackChannel: body.slack_channel ?? stored.slackChannel,
    slackUsername: body.slack_username ?? stored.slackUsername,
    msteamsEnabled: body.msteams_enabled ?? stored.msteamsEnabled,
    // The Workflows URL is its own credential: sealed like the other secrets.
    msteamsUrl: resolveSecret(deps, stored.msteamsUrl, body.msteams_url),
    webhooksEnabled: body.webhooks_enabled ?? stored.webhooksEnabled,
    webhooksTimeoutSeconds: body.webhooks_timeout_seconds ?? stored.webhooksTimeoutSeconds,
    disclaimer: body.disclaimer ?? stored.disclaimer,
    confidentialMode: body.confidential_mode ?? stored.confidentialMode,
    coalesceWindowSeconds: body.coalesce_window_seconds ?? stored.coalesceWindowSeconds,
    updatedAt: deps.now(),
  };

  const errors = findMissingRequirements(next, deps.env);
  if (errors.length > 0) {
    throw new HttpError(400, 'validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }

  const { id: _id, ...values } = next;
  await updateRows(deps.db, systemSettings, values, eq(systemSettings.id, SETTINGS_ID));
}

function findMissingRequirements(next: SystemSettingsRow, env: Env): FieldError[] {
  const errors: FieldError[] = [];
  if (next.mailEnabled && (getSmtpOverrides(env).smtpHost ?? next.smtpHost).trim() === '') {
    errors.push({ path: 'smtp_host', message: 'Enter the SMTP host to enable mail notifications (or set SMTP_HOST on the server)' });
  }
  if (next.slackEnabled && next.slackToken === '') {
    errors.push({ path: 'slack_token', message: 'Enter the Slack token (the Bot User OAuth Token) to enable Slack notifications' });
  }
  if (next.slackEnabled && next.slackChannel === '') {
    errors.push({ path: 'slack_channel', message: 'Enter the Slack channel for system notifications to enable Slack notifications' });
  }
  if (next.msteamsEnabled && next.msteamsUrl === '') {
    errors.push({ path: 'msteams_url', message: 'Enter the Teams Workflows webhook URL to enable Microsoft Teams notifications' });
  }
  return errors;
}

/**
 * Send a real test message now with the saved settings. Mail goes to `to`, else the system address,
 * else the caller's own address (so a test works before a system address is chosen).
 */
export async function sendSystemTestNotification(deps: Deps, channel: TTestChannel, caller: UserRow, to?: string): Promise<TTestResult> {
  const opts: { to?: string } = {};
  if (channel === 'mail') {
    const address = to ?? ((await readStoredRow(deps)).mailTo || caller.email);
    opts.to = address;
  }
  const result = await sendTestNotification(deps, channel, opts);
  return { ok: result.ok, message: result.message, response_code: result.responseCode ?? null };
}
