/**
 * API tokens. Personal tokens are made by their owner on the profile page; integration tokens are made by a
 * superuser for themselves or a service user, optionally with permission to raise events without product
 * context. The key is shown once at creation; only its sha256 is kept. A token may expire (through the last
 * day named, in TIME_ZONE), and all of a user's tokens are revoked when their password changes or is reset.
 */
import type {
  TApiToken,
  TCreatedIntegrationToken,
  TCreatedToken,
  TCreateIntegrationTokenBody,
  TCreateTokenBody,
  TIntegrationToken,
} from '@tocsin/contract/auth';
import { and, eq, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { generateApiKey, isTokenExpired } from '../auth/sessions';
import { type Database, isTruthy } from '../db/database';
import { deleteRows, findRows, insertRow } from '../db/rows';
import { apiTokens } from '../db/schema';
import { calendarDateIn } from '../lib/calendar-date';
import { badRequest, notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';
import { findUserById } from './users';

type TokenRow = typeof apiTokens.$inferSelect;

const toTokenDto = (deps: Pick<Deps, 'env' | 'now'>, row: TokenRow): TApiToken => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  kind: row.kind === 'integration' ? 'integration' : 'personal',
  created_at: toIso(row.createdAt),
  last_used_at: toIsoOrNull(row.lastUsedAt),
  expires_on: row.expiresOn,
  is_expired: row.expiresOn !== null && isTokenExpired(row.expiresOn, deps),
});

/** The caller's personal tokens, newest first. */
export async function listTokens(deps: Deps, userId: number): Promise<TApiToken[]> {
  const rows = await findRows(deps.db, apiTokens, and(eq(apiTokens.userId, userId), eq(apiTokens.kind, 'personal')), {
    orderBy: sql`${apiTokens.createdAt} desc, ${apiTokens.id} desc`,
  });
  return rows.map((row) => toTokenDto(deps, row));
}

/** An expiry day must not already be over where Tocsin keeps time (TIME_ZONE). */
function checkExpiry(deps: Deps, expiresOn: string | null | undefined): string | null {
  if (!expiresOn) return null;
  const today = calendarDateIn(deps.now(), deps.env.TIME_ZONE);
  if (expiresOn < today) {
    throw badRequest(`expires_on: ${expiresOn} is in the past; choose ${today} or a later day.`, [
      { path: 'expires_on', message: `Choose ${today} or a later day.` },
    ]);
  }
  return expiresOn;
}

export async function createToken(deps: Deps, userId: number, body: TCreateTokenBody): Promise<TCreatedToken> {
  const expiresOn = checkExpiry(deps, body.expires_on);
  const { key, prefix, keyHash } = generateApiKey();
  const row = await insertRow(deps.db, apiTokens, {
    userId,
    name: body.name,
    prefix,
    keyHash,
    kind: 'personal',
    createdById: userId,
    expiresOn,
    createdAt: deps.now(),
  });
  return { token: toTokenDto(deps, row), key };
}

/** Revoke one of the caller's own personal tokens; someone else's token is "not found", not "forbidden". */
export async function revokeToken(deps: Deps, userId: number, tokenId: number): Promise<void> {
  const removed = await deleteRows(
    deps.db,
    apiTokens,
    and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), eq(apiTokens.kind, 'personal')),
  );
  if (removed === 0) throw notFound(`API token ${tokenId}`);
}

/** Every token of the user, personal and integration: a password change or reset takes them all away. */
export function revokeAllTokens(db: Database, userId: number): Promise<number> {
  return deleteRows(db, apiTokens, eq(apiTokens.userId, userId));
}

type TIntegrationRow = TokenRow & { ownerUsername: string; createdByUsername: string | null };

/** Every integration token, for superusers: whose it is, who made it, and what it may do. */
export async function listIntegrationTokens(deps: Deps): Promise<TIntegrationToken[]> {
  const rows = await deps.db.all<Record<string, unknown>>(sql`select t.id, t.user_id as "userId", t.name, t.prefix,
      t.kind, t.can_raise_context_free as "canRaiseContextFree", t.created_by_id as "createdById", t.expires_on as "expiresOn",
      t.created_at as "createdAt", t.last_used_at as "lastUsedAt",
      owner.username as "ownerUsername", creator.username as "createdByUsername"
    from api_tokens t join users owner on owner.id = t.user_id left join users creator on creator.id = t.created_by_id
    where t.kind = 'integration' order by t.created_at desc, t.id desc`);
  return rows.map((r) => toIntegrationDto(deps, r as TIntegrationRow));
}

function toIntegrationDto(deps: Deps, row: TIntegrationRow): TIntegrationToken {
  return {
    ...toTokenDto(deps, row),
    owner: { id: row.userId, username: row.ownerUsername },
    created_by: row.createdByUsername,
    can_raise_context_free: isTruthy(row.canRaiseContextFree),
  };
}

/**
 * A superuser makes an integration token for themselves or for a service user (an account that cannot log in),
 * never for another person: that would let them act as that person.
 */
export async function createIntegrationToken(
  deps: Deps,
  actor: UserRow,
  body: TCreateIntegrationTokenBody,
): Promise<TCreatedIntegrationToken> {
  const expiresOn = checkExpiry(deps, body.expires_on);
  const owner = await findUserById(deps, body.owner_id);
  if (!owner) throw badRequest(`owner_id: there is no user with id ${body.owner_id}.`, [{ path: 'owner_id', message: 'No such user.' }]);
  if (owner.id !== actor.id && !owner.isService) {
    throw badRequest(
      `owner_id: "${owner.username}" is a person, not a service user; an integration token belongs to you or to a service user.`,
      [{ path: 'owner_id', message: 'Choose yourself or a service user.' }],
    );
  }
  if (!owner.isActive) {
    throw badRequest(`owner_id: "${owner.username}" is deactivated; its tokens would not work.`, [
      { path: 'owner_id', message: 'This account is deactivated.' },
    ]);
  }
  const { key, prefix, keyHash } = generateApiKey();
  const row = await insertRow(deps.db, apiTokens, {
    userId: owner.id,
    name: body.name,
    prefix,
    keyHash,
    kind: 'integration',
    canRaiseContextFree: body.can_raise_context_free,
    createdById: actor.id,
    expiresOn,
    createdAt: deps.now(),
  });
  return {
    token: toIntegrationDto(deps, { ...row, ownerUsername: owner.username, createdByUsername: actor.username }),
    key,
  };
}

export async function revokeIntegrationToken(deps: Deps, tokenId: number): Promise<void> {
  const removed = await deleteRows(deps.db, apiTokens, and(eq(apiTokens.id, tokenId), eq(apiTokens.kind, 'integration')));
  if (removed === 0) throw notFound(`Integration token ${tokenId}`);
}
