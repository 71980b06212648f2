/** Cookie sessions (stored hashed) and personal API tokens (stored hashed, shown once). */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Auth, Deps } from '../app-context';
import { isTruthy } from '../db/database';
import { columnsOf, decodeRow, insertRow } from '../db/rows';
import { sessions, users } from '../db/schema';
import { calendarDateIn } from '../lib/calendar-date';
import { HttpError, unauthorized } from '../lib/errors';

export const SESSION_COOKIE = 'tocsin_session';
export const CSRF_HEADER = 'x-csrf-token';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export async function createSession(deps: Deps, userId: number): Promise<{ cookieValue: string; csrfToken: string; expiresAt: number }> {
  const cookieValue = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = deps.now() + deps.env.SESSION_TTL_HOURS * 3600_000;
  await insertRow(deps.db, sessions, { id: sha256(cookieValue), userId, csrfToken, expiresAt, createdAt: deps.now() });
  return { cookieValue, csrfToken, expiresAt };
}

/** End one session (logout); its user's live streams hear of it once the delete is committed. */
export async function deleteSession(deps: Deps, sessionId: string): Promise<void> {
  const ended = await deps.db.all<{ userId: number }>(sql`delete from sessions where id = ${sessionId} returning user_id as "userId"`);
  await deps.bus.publish(deps.db, { type: 'sessions-ended', userIds: ended.map((r) => r.userId) });
}

export async function findSessionAuth(deps: Deps, cookieValue: string): Promise<Auth | null> {
  const id = sha256(cookieValue);
  const row = await deps.db.get<Record<string, unknown>>(
    sql`select ${columnsOf(users)}, s.csrf_token as "csrfToken",
      s.expires_at as "sessionExpiresAt"
    from sessions s join users on users.id = s.user_id
    where s.id = ${id} and s.expires_at > ${deps.now()}`,
    { prepareAs: 'tocsin_session_auth' },
  );
  if (!row) return null;
  const { csrfToken, sessionExpiresAt, ...userColumns } = row;
  const user = decodeRow(users, userColumns);
  if (!user.isActive) return null;
  return {
    user,
    via: 'session',
    token: null,
    sessionId: id,
    csrfToken: csrfToken as string,
    sessionExpiresAt: sessionExpiresAt as number,
  };
}

/** A new API key: `tcs_` + 32 random bytes. Only its sha256 is stored. */
export function generateApiKey(): { key: string; prefix: string; keyHash: string } {
  const key = `tcs_${randomToken()}`;
  return { key, prefix: key.slice(0, 10), keyHash: sha256(key) };
}

type TTokenRow = Record<string, unknown> & {
  tokenId: number;
  tokenName: string;
  tokenKind: string;
  canRaiseContextFree: unknown;
  expiresOn: string | null;
  isCreatorSuperuser: unknown;
  lastUsedAt: number | string | null;
};

/** How fresh a token's "last used" time is kept: it is written again once it is this old. */
export const LAST_USED_PRECISION_MS = 60_000;

/**
 * The caller behind an API key, or a 401 that says why not: unknown (or revoked) key, expired token, or an
 * account that was deactivated. A token never outlives its account's access.
 */
export async function authenticateToken(deps: Deps, key: string): Promise<Auth> {
  const row = await deps.db.get<TTokenRow>(
    sql`select ${columnsOf(users)}, t.id as "tokenId", t.name as "tokenName",
      t.kind as "tokenKind", t.can_raise_context_free as "canRaiseContextFree", t.expires_on as "expiresOn",
      t.last_used_at as "lastUsedAt",
      case when creator.is_superuser = 1 and creator.is_active = 1 then 1 else 0 end as "isCreatorSuperuser"
    from api_tokens t join users on users.id = t.user_id
    left join users creator on creator.id = t.created_by_id
    where t.key_hash = ${sha256(key)}`,
    { prepareAs: 'tocsin_token_auth' },
  );
  if (!row) throw unauthorized('This API token is not valid (it may have been revoked). Create a new one on your profile page.');
  const { tokenId, tokenName, tokenKind, canRaiseContextFree, expiresOn, isCreatorSuperuser, lastUsedAt, ...userColumns } = row;
  const user = decodeRow(users, userColumns);
  if (!user.isActive) throw unauthorized(`The account "${user.username}" that owns this API token is deactivated.`);
  if (expiresOn !== null && isTokenExpired(expiresOn, deps)) {
    throw new HttpError(401, 'token_expired', `This API token expired on ${expiresOn}. Create a new one on your profile page.`);
  }
  // "Last used" to the minute: a script polling every second would otherwise write the token row on every request.
  const now = deps.now();
  if (lastUsedAt === null || now - Number(lastUsedAt) >= LAST_USED_PRECISION_MS) {
    await deps.db.run(sql`update api_tokens set last_used_at = ${now} where id = ${tokenId}`);
  }
  const kind = tokenKind === 'integration' ? 'integration' : 'personal';
  return {
    user,
    via: 'token',
    token: {
      id: tokenId,
      name: tokenName,
      kind,
      canRaiseContextFree: kind === 'integration' && isTruthy(canRaiseContextFree) && isTruthy(isCreatorSuperuser),
    },
    sessionId: null,
    csrfToken: null,
    sessionExpiresAt: null,
  };
}

/** A token works through the last day of `expiresOn` in TIME_ZONE. */
export function isTokenExpired(expiresOn: string, deps: Pick<Deps, 'env' | 'now'>): boolean {
  return calendarDateIn(deps.now(), deps.env.TIME_ZONE) > expiresOn;
}
