/**
 * One-click unsubscribe (RFC 8058) for personal mail: a token signed for one user and one catalogue event, put in
 * the List-Unsubscribe header of every personal mail. Whoever holds the token may turn off that event's mail for
 * that user, and nothing else: no session, no other user, no other channel, never system mail.
 *
 * The signing key is random, made on first use and stored sealed in system_settings (like the other secrets), so
 * every replica signs and checks with the same key.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { getPublicBaseUrl } from '../delivery/settings';

export const UNSUBSCRIBE_PATH = '/api/unsubscribe';

const TOKEN_FORMAT = /^(\d{1,12})\.([a-z][a-z0-9_]{0,63})\.([A-Za-z0-9_-]{43})$/;

/** The key in clear: read, or made and stored once (the first replica to store it wins; the others read it back). */
export async function getUnsubscribeKey(deps: Pick<Deps, 'db' | 'secretBox'>): Promise<Buffer> {
  const read = async () =>
    (await deps.db.get<{ key: string }>(sql`select unsubscribe_key as key from system_settings where id = 1`))?.key ?? '';
  let stored = await read();
  if (stored === '') {
    await deps.db.run(sql`insert into system_settings (id) values (1) on conflict do nothing`);
    const sealed = deps.secretBox.seal(randomBytes(32).toString('base64url'));
    await deps.db.run(sql`update system_settings set unsubscribe_key = ${sealed} where id = 1 and unsubscribe_key = ''`);
    stored = await read();
  }
  return Buffer.from(deps.secretBox.open(stored), 'base64url');
}

const sign = (key: Buffer, userId: number, event: string) =>
  createHmac('sha256', key).update(`tocsin-unsubscribe:${userId}:${event}`).digest('base64url');

export function createUnsubscribeToken(key: Buffer, userId: number, event: string): string {
  return `${userId}.${event}.${sign(key, userId, event)}`;
}

export type TUnsubscribeClaim = { userId: number; event: string };

/** The user and event a token was signed for, or null for anything else (malformed, altered, another key). */
export function readUnsubscribeToken(key: Buffer, token: string): TUnsubscribeClaim | null {
  const match = TOKEN_FORMAT.exec(token);
  if (!match) return null;
  const userId = Number(match[1]);
  const event = match[2] as string;
  const expected = Buffer.from(sign(key, userId, event));
  const given = Buffer.from(match[3] as string);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { userId, event };
}

/**
 * The headers of a personal mail about `event` to `userId`: the one-click URL (RFC 8058) first, and a mailto to the
 * system address (people who read it can act on it) when one is set.
 */
export async function buildUnsubscribeHeaders(
  deps: Pick<Deps, 'db' | 'secretBox' | 'env'>,
  userId: number,
  event: string,
  systemAddress: string,
): Promise<Record<string, string>> {
  const token = createUnsubscribeToken(await getUnsubscribeKey(deps), userId, event);
  const url = `${getPublicBaseUrl(deps.env)}${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}`;
  const targets = [`<${url}>`];
  const to = systemAddress.trim();
  if (to && !/[\s<>,?]/.test(to)) targets.push(`<mailto:${to}?subject=${encodeURIComponent(`unsubscribe ${token}`)}>`);
  return { 'List-Unsubscribe': targets.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
