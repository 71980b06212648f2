/** What a valid unsubscribe token does: turn off the mail of one event in one user's own records and rules (never system ones). */
import { CHANNEL_BITS, EVENT_NAMES, type TEventName } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { type Deps, withDb } from '../app-context';
import { SecretBoxError } from '../lib/secret-box';
import { findMailingRules, stopRuleMail, type TRuleMailStop } from '../rules/service';
import { getUnsubscribeKey, readUnsubscribeToken } from './tokens';

const isEventName = (event: string): event is TEventName => (EVENT_NAMES as readonly string[]).includes(event);

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

/** The names of the user's enabled personal rules that mail the event: what the POST would change in them. */
export async function findRulesToNarrow(deps: Deps, target: TUnsubscribeTarget): Promise<string[]> {
  if (!isEventName(target.event)) return [];
  return (await findMailingRules(deps, target.userId, target.event)).map((r) => r.name);
}

/**
 * Turn off the event's mail in the user's personal record, in their per-product records, and in their personal
 * rules (rules/service.ts: stopRuleMail narrows each to leave everything else as it was), in one transaction.
 * System records, system rules, destinations and other users are untouched. Idempotent: a second click changes
 * nothing and still succeeds.
 */
export async function unsubscribeFromMail(deps: Deps, token: string): Promise<(TUnsubscribeTarget & { rules: TRuleMailStop[] }) | null> {
  const target = await findUnsubscribeTarget(deps, token);
  if (!target) return null;
  const bit = CHANNEL_BITS.mail;
  return deps.db.transaction(async (tx) => {
    await tx.run(sql`update notification_settings set channels = channels - (channels & ${bit})
      where scope in ('personal', 'product') and user_id = ${target.userId} and event = ${target.event}`);
    const rules = isEventName(target.event) ? await stopRuleMail(withDb(deps, tx), target.userId, target.event) : [];
    return { ...target, rules };
  });
}
