/** Cookie sessions (stored hashed) and personal API tokens (stored hashed, shown once). */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { Auth, Deps } from '../app-context';
import { apiTokens, sessions, users } from '../db/schema';

export const SESSION_COOKIE = 'tocsin_session';
export const CSRF_HEADER = 'x-csrf-token';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function createSession(deps: Deps, userId: number): { cookieValue: string; csrfToken: string; expiresAt: number } {
  const cookieValue = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = deps.now() + deps.env.SESSION_TTL_HOURS * 3600_000;
  deps.db
    .insert(sessions)
    .values({ id: sha256(cookieValue), userId, csrfToken, expiresAt, createdAt: deps.now() })
    .run();
  return { cookieValue, csrfToken, expiresAt };
}

export function deleteSession(deps: Deps, sessionId: string) {
  deps.db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

export function findSessionAuth(deps: Deps, cookieValue: string): Auth | null {
  const id = sha256(cookieValue);
  const row = deps.db
    .select({ user: users, csrfToken: sessions.csrfToken })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, deps.now())))
    .get();
  if (!row?.user.isActive) return null;
  return { user: row.user, via: 'session', sessionId: id, csrfToken: row.csrfToken };
}

/** A new API key: `tcs_` + 32 random bytes. Only its sha256 is stored. */
export function generateApiKey(): { key: string; prefix: string; keyHash: string } {
  const key = `tcs_${randomToken()}`;
  return { key, prefix: key.slice(0, 10), keyHash: sha256(key) };
}

export function findTokenAuth(deps: Deps, key: string): Auth | null {
  const row = deps.db
    .select({ user: users, tokenId: apiTokens.id })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.keyHash, sha256(key)))
    .get();
  if (!row?.user.isActive) return null;
  deps.db.update(apiTokens).set({ lastUsedAt: deps.now() }).where(eq(apiTokens.id, row.tokenId)).run();
  return { user: row.user, via: 'token', sessionId: null, csrfToken: null };
}
