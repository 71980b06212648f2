/**
 * Password login with a per-username lock-out. Attempts are counted by lower-cased username whether
 * or not the account exists, and every answer to bad credentials is the same, so neither the message,
 * the status nor the timing tells whether a username is taken.
 *
 * An attempt is counted before its password is checked, by one atomic statement that also says whether the
 * name is locked. So however many guesses for one name arrive at once (on one replica or many), at most
 * LOGIN_MAX_FAILURES passwords are checked per lock window: the others are refused without hashing.
 */
import { sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { getDummyHash, verifyPassword } from '../auth/passwords';
import { createSession } from '../auth/sessions';
import { HttpError, unauthorized } from '../lib/errors';
import { findUserByUsername } from './users';

export const INVALID_LOGIN_MESSAGE = 'Invalid username or password.';

export type TLoginResult = { user: UserRow; cookieValue: string; csrfToken: string; expiresAt: number };

export async function logIn(deps: Deps, username: string, password: string): Promise<TLoginResult> {
  const key = username.trim().toLowerCase();
  const attempt = await countAttempt(deps, key);
  if (attempt.lockedUntil !== null) throw lockedError(deps, attempt.lockedUntil);
  const user = await findUserByUsername(deps, username.trim());
  const matches = await verifyPassword(password, user?.passwordHash ?? (await getDummyHash()));
  if (!user || !matches || !user.isActive) {
    // The attempt that uses up the allowance locks the name and is told so.
    if (attempt.number >= deps.env.LOGIN_MAX_FAILURES) throw lockedError(deps, await lock(deps, key));
    throw unauthorized(INVALID_LOGIN_MESSAGE);
  }
  // Checked again: other attempts may have locked the name while the hash was being verified.
  const lockedUntil = await findLock(deps, key);
  if (lockedUntil !== null) throw lockedError(deps, lockedUntil);
  await deps.db.run(sql`delete from login_throttle where key = ${key}`);
  const session = await createSession(deps, user.id);
  return { user, ...session };
}

type TAttempt = {
  /** This attempt's number in the current window (1 = first since the last success or lock). */
  number: number;
  /** Set when the name is locked: the attempt was not counted and its password must not be checked. */
  lockedUntil: number | null;
};

/**
 * Count one attempt for `key` in one statement (an upsert, so concurrent attempts are numbered one after the
 * other by the database): while locked nothing is counted; after a lock the count starts afresh; an attempt
 * beyond the allowance (others are still being checked) locks the name itself, so a name can never stay over
 * its allowance without a lock that ends.
 * `failures` holds the attempts of the current window that have not (yet) succeeded.
 */
async function countAttempt(deps: Deps, key: string): Promise<TAttempt> {
  const now = deps.now();
  const max = deps.env.LOGIN_MAX_FAILURES;
  const lockUntil = now + deps.env.LOGIN_LOCK_SECONDS * 1000;
  const row = await deps.db.get<{ failures: number; lockedUntil: number | null }>(sql`
    insert into login_throttle (key, failures, locked_until, updated_at) values (${key}, 1, null, ${now})
    on conflict (key) do update set
      failures = case
        when login_throttle.locked_until > ${now} then login_throttle.failures
        when login_throttle.locked_until is not null then 1
        else login_throttle.failures + 1 end,
      locked_until = case
        when login_throttle.locked_until > ${now} then login_throttle.locked_until
        when login_throttle.locked_until is null and login_throttle.failures + 1 > ${max} then ${lockUntil}
        else null end,
      updated_at = ${now}
    returning failures, locked_until as "lockedUntil"`);
  if (!row) throw new Error('The login throttle upsert returned no row.');
  return { number: row.failures, lockedUntil: row.lockedUntil !== null && row.lockedUntil > now ? row.lockedUntil : null };
}

/** Lock the name for LOGIN_LOCK_SECONDS from now; returns the end of the lock. */
async function lock(deps: Deps, key: string): Promise<number> {
  const now = deps.now();
  const lockUntil = now + deps.env.LOGIN_LOCK_SECONDS * 1000;
  await deps.db.run(sql`update login_throttle set failures = 0, locked_until = ${lockUntil}, updated_at = ${now} where key = ${key}`);
  return lockUntil;
}

async function findLock(deps: Deps, key: string): Promise<number | null> {
  const row = await deps.db.get<{ lockedUntil: number | null }>(
    sql`select locked_until as "lockedUntil" from login_throttle where key = ${key}`,
  );
  return row?.lockedUntil != null && row.lockedUntil > deps.now() ? row.lockedUntil : null;
}

function lockedError(deps: Deps, lockedUntil: number) {
  const minutes = Math.max(1, Math.ceil((lockedUntil - deps.now()) / 60_000));
  return new HttpError(
    429,
    'too_many_attempts',
    `Too many failed logins for this username. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  );
}
