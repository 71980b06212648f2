/**
 * Password login with a per-username lock-out. Failures are counted by lower-cased username whether
 * or not the account exists, and every answer to bad credentials is the same, so neither the message,
 * the status nor the timing tells whether a username is taken.
 */
import { eq, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { getDummyHash, verifyPassword } from '../auth/passwords';
import { createSession } from '../auth/sessions';
import { loginThrottle } from '../db/schema';
import { HttpError, unauthorized } from '../lib/errors';
import { findUserByUsername } from './users';

export const INVALID_LOGIN_MESSAGE = 'Invalid username or password.';

export type TLoginResult = { user: UserRow; cookieValue: string; csrfToken: string; expiresAt: number };

export async function logIn(deps: Deps, username: string, password: string): Promise<TLoginResult> {
  const key = username.trim().toLowerCase();
  assertNotLocked(deps, key);
  const user = findUserByUsername(deps, username.trim());
  const matches = await verifyPassword(password, user?.passwordHash ?? (await getDummyHash()));
  if (!user || !matches || !user.isActive) {
    const lockedUntil = recordFailure(deps, key);
    if (lockedUntil !== null) throw lockedError(deps, lockedUntil);
    throw unauthorized(INVALID_LOGIN_MESSAGE);
  }
  // Checked again: another request may have locked the name while the hash was being verified.
  assertNotLocked(deps, key);
  deps.db.delete(loginThrottle).where(eq(loginThrottle.key, key)).run();
  const session = createSession(deps, user.id);
  return { user, ...session };
}

function assertNotLocked(deps: Deps, key: string) {
  const row = deps.db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
  if (row?.lockedUntil != null && row.lockedUntil > deps.now()) throw lockedError(deps, row.lockedUntil);
}

/** Count one failure; when it reaches the limit, lock the name and start counting afresh. Returns the lock end, if locked. */
function recordFailure(deps: Deps, key: string): number | null {
  const now = deps.now();
  const max = deps.env.LOGIN_MAX_FAILURES;
  const lockUntil = now + deps.env.LOGIN_LOCK_SECONDS * 1000;
  const row = deps.db
    .insert(loginThrottle)
    .values({ key, failures: 1, lockedUntil: null, updatedAt: now })
    .onConflictDoUpdate({ target: loginThrottle.key, set: { failures: sql`${loginThrottle.failures} + 1`, updatedAt: now } })
    .returning()
    .get();
  if (row.failures < max) return null;
  deps.db.update(loginThrottle).set({ failures: 0, lockedUntil: lockUntil }).where(eq(loginThrottle.key, key)).run();
  return lockUntil;
}

function lockedError(deps: Deps, lockedUntil: number) {
  const minutes = Math.max(1, Math.ceil((lockedUntil - deps.now()) / 60_000));
  return new HttpError(
    429,
    'too_many_attempts',
    `Too many failed logins for this username. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  );
}
