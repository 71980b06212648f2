/** What a valid unsubscribe token does: turn off the mail bit of one event in one user's own records (never system ones). */
import { CHANNEL_BITS } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { SecretBoxError } from '../lib/secret-box';
import { getUnsubscribeKey, readUnsubscribeToken } from './tokens';

export type TUnsubscribeTarget = { userId: number; event: string; username: string };

/** The user and event of a valid token, or null (bad token, or the user no longer exists). */
export async function findUnsubscribeTarget(deps: Deps, token: string): Promise<TUnsubscribeTarget | null> {
  let key: Buffer;
  try {
    key = await getUnsubscribeKey(deps);
  } catch (err) {
    // A key sealed with a SECRET_KEY this server no longer has: no token can be checked, which is the same as invalid.
    if (err instanceof SecretBoxError) return null;
    throw err;
  }
  const claim = readUnsubscribeToken(key, token);
  if (!claim) return null;
  const user = await deps.db.get<{ username: string }>(sql`select username from users where id = ${claim.userId}`);
  return user ? { ...claim, username: user.username } : null;
}

/**
 * Turn off the event's mail in the user's personal record and in their per-product records. System records and
 * other users are untouched. Idempotent: a second click changes nothing and still succeeds.
 */
export async function unsubscribeFromMail(deps: Deps, token: string): Promise<TUnsubscribeTarget | null> {
  const target = await findUnsubscribeTarget(deps, token);
  if (!target) return null;
  const bit = CHANNEL_BITS.mail;
  await deps.db.run(sql`update notification_settings set channels = channels - (channels & ${bit})
    where scope in ('personal', 'product') and user_id = ${target.userId} and event = ${target.event}`);
  return target;
}
