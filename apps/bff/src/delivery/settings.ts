/**
 * System settings as the delivery pipeline sees them: the system_settings row (id 1) with its secrets opened
 * (they are stored sealed, see secrets.ts) and the SMTP_* environment variables applied on top (the
 * environment wins when a variable is set).
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { findRow } from '../db/rows';
import { systemSettings } from '../db/schema';
import type { Env } from '../env';
import { openSecret } from './secrets';

export type TSmtpTlsMode = 'none' | 'starttls' | 'tls';

/** The settings row's secret columns: stored sealed, opened here. */
export const SETTINGS_SECRETS = ['smtpPassword', 'slackToken', 'msteamsUrl'] as const;
export type TSettingsSecret = (typeof SETTINGS_SECRETS)[number];

export type TSystemSettings = Omit<typeof systemSettings.$inferSelect, 'smtpTlsMode'> & {
  smtpTlsMode: TSmtpTlsMode;
  /** Stored secrets no known key opens (the key changed): they read as '', and their channel says to enter them again. */
  unreadableSecrets: TSettingsSecret[];
};

/** SMTP fields that an environment variable overrides (the settings page shows them read-only). */
export type TSmtpOverride = 'smtpHost' | 'smtpPort' | 'smtpTlsMode' | 'smtpUser' | 'smtpPassword';

const TLS_MODES: readonly TSmtpTlsMode[] = ['none', 'starttls', 'tls'];

export function getSmtpOverrides(env: Env): Partial<Pick<TSystemSettings, TSmtpOverride>> {
  const overrides: Partial<Pick<TSystemSettings, TSmtpOverride>> = {};
  if (env.SMTP_HOST !== undefined) overrides.smtpHost = env.SMTP_HOST;
  if (env.SMTP_PORT !== undefined) overrides.smtpPort = env.SMTP_PORT;
  if (env.SMTP_TLS_MODE !== undefined) overrides.smtpTlsMode = env.SMTP_TLS_MODE;
  if (env.SMTP_USER !== undefined) overrides.smtpUser = env.SMTP_USER;
  if (env.SMTP_PASSWORD !== undefined) overrides.smtpPassword = env.SMTP_PASSWORD;
  return overrides;
}

/** The row the database was created with (opening it inserts it); re-created here if someone deleted it. */
async function readRow(deps: Deps): Promise<typeof systemSettings.$inferSelect> {
  const row = await findRow(deps.db, systemSettings, eq(systemSettings.id, 1));
  if (row) return row;
  await deps.db.run(sql`insert into system_settings (id) values (1) on conflict do nothing`);
  return readRow(deps);
}

export async function getSystemSettings(deps: Deps): Promise<TSystemSettings> {
  const row = await readRow(deps);
  const tls = TLS_MODES.includes(row.smtpTlsMode as TSmtpTlsMode) ? (row.smtpTlsMode as TSmtpTlsMode) : 'none';
  const opened = { ...row };
  const unreadableSecrets: TSettingsSecret[] = [];
  for (const name of SETTINGS_SECRETS) {
    const secret = openSecret(deps, row[name]);
    opened[name] = secret.value;
    // SMTP_PASSWORD on the server replaces the stored password anyway.
    if (!secret.ok && !(name === 'smtpPassword' && deps.env.SMTP_PASSWORD !== undefined)) unreadableSecrets.push(name);
  }
  return { ...opened, smtpTlsMode: tls, unreadableSecrets, ...getSmtpOverrides(deps.env) };
}

/** Every secret of the settings in clear, for redaction of whatever a provider answers. */
export const settingsSecretsOf = (s: Pick<TSystemSettings, TSettingsSecret>): string[] => [s.smtpPassword, s.slackToken, s.msteamsUrl];

export function enabledChannelsOf(settings: TSystemSettings): Set<TExternalChannel> {
  const enabled = new Set<TExternalChannel>();
  if (settings.mailEnabled) enabled.add('mail');
  if (settings.slackEnabled) enabled.add('slack');
  if (settings.msteamsEnabled) enabled.add('msteams');
  if (settings.webhooksEnabled) enabled.add('webhooks');
  return enabled;
}

/** External channels switched on in System Settings (dispatch only queues these; the UI only shows these columns). */
export async function getEnabledChannels(deps: Deps): Promise<Set<TExternalChannel>> {
  return enabledChannelsOf(await getSystemSettings(deps));
}

/** Base of every link in a notification: PUBLIC_URL, or the address the server listens on. */
export function getPublicBaseUrl(env: Env): string {
  const base = env.PUBLIC_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`;
  return base.replace(/\/+$/, '');
}
