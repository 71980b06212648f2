/**
 * The stored secrets of the delivery pipeline (SMTP password, Slack token, Teams Workflows URL, webhook header
 * values and signing secrets), sealed at rest with the installation's secret box (lib/secret-box.ts):
 * sealed by the services that save them, opened where they are used, and never returned by the API.
 *
 * The key: SECRET_KEY, else a key file beside the SQLite database (created 0600 at first start). On
 * PostgreSQL every replica must open what the others sealed, so a key made up by one replica is no use:
 * SECRET_KEY (or one shared SECRET_KEY_FILE) is required there, and the start fails saying so.
 */
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { TDialect } from '../db/database';
import type { Env } from '../env';
import { loadSecretBox, reencryptValue, SecretBoxError, type TSecretBox } from '../lib/secret-box';

/** The installation's secret box, or a SecretBoxError whose message says what to set. */
export function loadInstallationSecretBox(env: Env, dialect: TDialect): TSecretBox {
  if (dialect === 'postgres' && !env.SECRET_KEY?.trim() && !env.SECRET_KEY_FILE?.trim()) {
    throw new SecretBoxError(
      'DATABASE_URL points at PostgreSQL, so SECRET_KEY must be set: every replica needs the same key to read the ' +
        'secrets the others stored (a key file made by one replica cannot be shared). Make one with: openssl rand -base64 32, ' +
        'and give it to every replica (or point SECRET_KEY_FILE at one shared file).',
    );
  }
  return loadSecretBox(env, { createKeyFile: dialect === 'sqlite' });
}

/** A secret to store: sealed, or '' / null kept as they are (the `*_set` flags compare against them). */
export function sealSecret(deps: Pick<Deps, 'secretBox'>, plain: string): string;
export function sealSecret(deps: Pick<Deps, 'secretBox'>, plain: string | null): string | null;
export function sealSecret(deps: Pick<Deps, 'secretBox'>, plain: string | null): string | null {
  if (plain === null || plain === '') return plain;
  return deps.secretBox.seal(plain);
}

export type TOpenedSecret = { ok: true; value: string } | { ok: false; value: ''; problem: string };

/** A stored secret in clear ('' and null stay empty); a value that cannot be opened is empty, with the reason. */
export function openSecret(deps: Pick<Deps, 'secretBox'>, stored: string | null | undefined): TOpenedSecret {
  if (!stored) return { ok: true, value: '' };
  try {
    return { ok: true, value: deps.secretBox.open(stored) };
  } catch (err) {
    if (err instanceof SecretBoxError) return { ok: false, value: '', problem: err.message };
    throw err;
  }
}

/** Every column that holds a sealed secret: table, key column, secret column. */
const SECRET_COLUMNS = [
  { table: 'system_settings', column: 'smtp_password', label: 'the SMTP password' },
  { table: 'system_settings', column: 'slack_token', label: 'the Slack token' },
  { table: 'system_settings', column: 'msteams_url', label: 'the Teams Workflows webhook URL' },
  { table: 'webhooks', column: 'header_value', label: 'a webhook header value' },
  { table: 'webhooks', column: 'signing_secret', label: 'a webhook signing secret' },
  { table: 'destinations', column: 'header_value', label: 'a destination header value' },
  { table: 'destinations', column: 'signing_secret', label: 'a destination signing secret' },
  // Only a Teams destination's URL is a secret; a webhook destination's URL is stored as written.
  { table: 'destinations', column: 'url', label: 'a destination Teams Workflows URL', where: "kind = 'msteams'" },
] as const satisfies readonly { table: string; column: string; label: string; where?: string }[];

export type TResealReport = { resealed: number; unreadable: string[] };

/**
 * At start: seal legacy plaintext and re-seal values of a previous key (SECRET_KEY_PREVIOUS) with the current
 * one, so a rotation completes by itself. A value no known key opens is left as it is and named in the report
 * (its channel then says the secret must be entered again). Each value is written only if it is still what
 * was read, so two replicas starting at once cannot overwrite a secret saved in between.
 */
export async function resealStoredSecrets(deps: Deps): Promise<TResealReport> {
  const report: TResealReport = { resealed: 0, unreadable: [] };
  for (const entry of SECRET_COLUMNS) {
    const { table, column, label } = entry;
    const t = sql.identifier(table);
    const c = sql.identifier(column);
    const only = 'where' in entry ? sql` and ${sql.raw(entry.where)}` : sql``;
    const rows = await deps.db.all<{ id: number; value: string }>(
      sql`select id, ${c} as value from ${t} where ${c} is not null and ${c} != ''${only}`,
    );
    for (const row of rows) {
      if (deps.secretBox.isCurrent(row.value)) continue;
      let next: string;
      try {
        next = reencryptValue(deps.secretBox, row.value);
      } catch (err) {
        if (!(err instanceof SecretBoxError)) throw err;
        report.unreadable.push(`${label} (${table} ${row.id}): ${err.message}`);
        continue;
      }
      report.resealed += await deps.db.run(sql`update ${t} set ${c} = ${next} where id = ${row.id} and ${c} = ${row.value}`);
    }
  }
  return report;
}
