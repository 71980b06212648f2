/**
 * System Settings as the API shows and changes them. Secrets never leave this module: answers carry
 * `*_set` booleans. The delivery pipeline reads the same row through delivery/settings.ts.
 */
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
import { findRow, updateRows } from '../db/rows';
import { systemSettings } from '../db/schema';
import { getSmtpOverrides, getSystemSettings, type TSmtpOverride } from '../delivery/settings';
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

export function toSystemSettingsDto(row: SystemSettingsRow, env: Env): TSystemSettings {
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
    msteams_url: row.msteamsUrl,
    webhooks_enabled: row.webhooksEnabled,
    webhooks_timeout_seconds: row.webhooksTimeoutSeconds,
    disclaimer: row.disclaimer,
    updated_at: toIso(row.updatedAt),
  };
}

/** The settings with the environment's SMTP values applied, secrets replaced by booleans. */
export async function readSystemSettings(deps: Deps): Promise<TSystemSettings> {
  return toSystemSettingsDto(await getSystemSettings(deps), deps.env);
}

async function readStoredRow(deps: Deps): Promise<SystemSettingsRow> {
  const row = await findRow(deps.db, systemSettings, eq(systemSettings.id, SETTINGS_ID));
  // Opening the database inserts row 1; its absence means the database was tampered with.
  if (!row) throw new Error('system_settings row 1 is missing');
  return row;
}

/** A secret field: omitted or null keeps the stored value, an empty string clears it. */
function resolveSecret(stored: string, sent: string | null | undefined): string {
  return sent == null ? stored : sent;
}

/**
 * Apply a partial update. A channel can be enabled only with what it needs to send anything:
 * mail an SMTP host, Slack a token and a channel, Teams its URL. Mail without a system address is allowed
 * (personal mail goes to each user's own address); system mail then fails with a reason in the delivery log.
 * Read, check and write happen in one transaction that first takes the row, so two concurrent updates apply
 * one after the other instead of one silently undoing the other's fields.
 */
export async function updateSystemSettings(deps: Deps, body: TUpdateSystemSettingsBody): Promise<TSystemSettings> {
  await deps.db.transaction(async (tx) => {
    // A write first: it holds the row (PostgreSQL row lock; SQLite's writer lock) until the commit.
    await tx.run(sql`update system_settings set updated_at = ${deps.now()} where id = ${SETTINGS_ID}`);
    await updateStoredRow(withDb(deps, tx), body);
  });
  return readSystemSettings(deps);
}

async function updateStoredRow(deps: Deps, body: TUpdateSystemSettingsBody): Promise<void> {
  const stored = await readStoredRow(deps);
  const next: SystemSettingsRow = {
    ...stored,
    mailEnabled: body.mail_enabled ?? stored.mailEnabled,
    mailTo: body.mail_to ?? stored.mailTo,
    mailFrom: body.mail_from ?? stored.mailFrom,
    teamName: body.team_name ?? stored.teamName,
    smtpHost: body.smtp_host ?? stored.smtpHost,
    smtpPort: body.smtp_port ?? stored.smtpPort,
    smtpTlsMode: body.smtp_tls_mode ?? stored.smtpTlsMode,
    smtpUser: body.smtp_user ?? stored.smtpUser,
    smtpPassword: resolveSecret(stored.smtpPassword, body.smtp_password),
    slackEnabled: body.slack_enabled ?? stored.slackEnabled,
    slackToken: resolveSecret(stored.slackToken, body.slack_token),
    slackChannel: body.slack_channel ?? stored.slackChannel,
    slackUsername: body.slack_username ?? stored.slackUsername,
    msteamsEnabled: body.msteams_enabled ?? stored.msteamsEnabled,
    msteamsUrl: body.msteams_url ?? stored.msteamsUrl,
    webhooksEnabled: body.webhooks_enabled ?? stored.webhooksEnabled,
    webhooksTimeoutSeconds: body.webhooks_timeout_seconds ?? stored.webhooksTimeoutSeconds,
    disclaimer: body.disclaimer ?? stored.disclaimer,
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
    errors.push({ path: 'msteams_url', message: 'Enter the Teams incoming webhook URL to enable Microsoft Teams notifications' });
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
