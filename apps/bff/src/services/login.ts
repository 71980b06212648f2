/**
 * Password login with two throttles (decision record 005):
 *
 * - per username and client address: LOGIN_MAX_FAILURES failed attempts for one name from one address lock that
 *   pair for LOGIN_LOCK_SECONDS. A stranger guessing alice's password from elsewhere locks only themselves out;
 *   alice, from her own address, still logs in.
 * - per client address, across all usernames: at most LOGIN_MAX_FAILURES_PER_ADDRESS failed attempts in each
 *   LOGIN_ADDRESS_WINDOW_SECONDS window. Password spraying (one guess for each of many names) stops there.
 *
 * Attempts are counted by lower-cased username whether or not the account exists, and every answer to bad
 * credentials is the same, so neither the message, the status nor the timing tells whether a username is taken.
 * Each attempt is counted before its password is checked, by one atomic statement per throttle that also says
 * whether it may go on. So however many guesses arrive at once (on one replica or many), at most
 * LOGIN_MAX_FAILURES passwords are checked per name, address and lock window: the others are refused without hashing.
 */
import { sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { getDummyHash, verifyPassword } from '../auth/passwords';
import { createSession } from '../auth/sessions';
import { isTruthy } from '../db/database';
import { HttpError, unauthorized } from '../lib/errors';
import { findUserByUsername } from './users';

export const INVALID_LOGIN_MESSAGE = 'Invalid username or password.';

/** The address of callers whose address is not known (no socket, as in app.request() tests). */
export const UNKNOWN_ADDRESS = 'unknown';

export type TLoginResult = { user: UserRow; cookieValue: string; csrfToken: string; expiresAt: number };

export async function logIn(deps: Deps, username: string, password: string, address: string = UNKNOWN_ADDRESS): Promise<TLoginResult> {
  const name = username.trim().toLowerCase();
  const key = throttleKey(name, address);
  const admission = await admitFromAddress(deps, address);
  if (!admission.isAdmitted) throw addressLockedError(deps, admission.until);
  const attempt = await countAttempt(deps, key);
  if (attempt.lockedUntil !== null) {
    // Not checked, so not a failure of this address either.
    await refundAddress(deps, address, admission.windowStart);
    throw lockedError(deps, attempt.lockedUntil);
  }
  const user = await findUserByUsername(deps, username.trim());
  const matches = await verifyPassword(password, user?.passwordHash ?? (await getDummyHash()));
  // Service users hold integration tokens and never log in; they are refused like a wrong password.
  if (!user || !matches || !user.isActive || user.isService) {
    // The attempt that uses up the allowance locks the pair and is told so.
    if (attempt.number >= deps.env.LOGIN_MAX_FAILURES) throw lockedError(deps, await lock(deps, key));
    throw unauthorized(INVALID_LOGIN_MESSAGE);
  }
  // Checked again: other attempts may have locked the pair while the hash was being verified.
  const lockedUntil = await findLock(deps, key);
  if (lockedUntil !== null) throw lockedError(deps, lockedUntil);
  await deps.db.run(sql`delete from login_throttle where key = ${key}`);
  // A success is not a failure: it gives back the address allowance it took.
  await refundAddress(deps, address, admission.windowStart);
  const session = await createSession(deps, user.id);
  return { user, ...session };
}

/** One throttle row per (name, address); the separator cannot occur in a name or an address. */
export const throttleKey = (name: string, address: string) => `${name}\n${address}`;

type TAttempt = {
  /** This attempt's number in the current window (1 = first since the last success or lock). */
  number: number;
  /** Set when the pair is locked: the attempt was not counted and its password must not be checked. */
  lockedUntil: number | null;
};

/**
 * Count one attempt for `key` in one statement (an upsert, so concurrent attempts are numbered one after the
 * other by the database): while locked nothing is counted; after a lock the count starts afresh; an attempt
 * beyond the allowance (others are still being checked) locks the pair itself, so a pair can never stay over
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

/** Lock the pair for LOGIN_LOCK_SECONDS from now; returns the end of the lock. */
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

type TAdmission = { isAdmitted: true; windowStart: number } | { isAdmitted: false; until: number };

/**
 * Take one attempt from the address's allowance for the current window, in one statement: a new window starts
 * afresh; a full window admits nothing (and counts nothing). `admitted` is written by the same statement, so
 * the row it returns says what happened to this attempt even when others race it.
 */
async function admitFromAddress(deps: Deps, address: string): Promise<TAdmission> {
  const now = deps.now();
  const max = deps.env.LOGIN_MAX_FAILURES_PER_ADDRESS;
  const windowMs = deps.env.LOGIN_ADDRESS_WINDOW_SECONDS * 1000;
  const row = await deps.db.get<{ failures: number; windowStart: number; admitted: unknown }>(sql`
    insert into login_address_throttle (address, failures, window_start, admitted, updated_at)
      values (${address}, 1, ${now}, 1, ${now})
    on conflict (address) do update set
      admitted = case
        when login_address_throttle.window_start <= ${now - windowMs} then 1
        when login_address_throttle.failures >= ${max} then 0
        else 1 end,
      failures = case
        when login_address_throttle.window_start <= ${now - windowMs} then 1
        when login_address_throttle.failures >= ${max} then login_address_throttle.failures
        else login_address_throttle.failures + 1 end,
      window_start = case
        when login_address_throttle.window_start <= ${now - windowMs} then ${now}
        else login_address_throttle.window_start end,
      updated_at = ${now}
    returning failures, window_start as "windowStart", admitted`);
  if (!row) throw new Error('The address throttle upsert returned no row.');
  return isTruthy(row.admitted)
    ? { isAdmitted: true, windowStart: row.windowStart }
    : { isAdmitted: false, until: row.windowStart + windowMs };
}

/** Give back an attempt this address was charged for (success, or never checked) — in the same window only. */
async function refundAddress(deps: Deps, address: string, windowStart: number): Promise<void> {
  await deps.db.run(sql`update login_address_throttle set failures = failures - 1
    where address = ${address} and window_start = ${windowStart} and failures > 0`);
}

const inMinutes = (deps: Deps, until: number) => {
  const minutes = Math.max(1, Math.ceil((until - deps.now()) / 60_000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
};

function lockedError(deps: Deps, lockedUntil: number) {
  return new HttpError(
    429,
    'too_many_attempts',
    `Too many failed logins for this username from your address. Try again in ${inMinutes(deps, lockedUntil)}.`,
  );
}

function addressLockedError(deps: Deps, until: number) {
  return new HttpError(
    429,
    'too_many_attempts',
    `Too many failed logins from your address. Try again in ${inMinutes(deps, until)}, or ask an administrator.`,
  );
}
