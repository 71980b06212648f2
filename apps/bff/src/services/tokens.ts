/** Personal API tokens: the key is shown once at creation; only its sha256 is kept. */
import type { TApiToken, TCreatedToken } from '@tocsin/contract/auth';
import { and, desc, eq } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { generateApiKey } from '../auth/sessions';
import { apiTokens } from '../db/schema';
import { notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';

type TokenRow = typeof apiTokens.$inferSelect;

const toTokenDto = (row: TokenRow): TApiToken => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  created_at: toIso(row.createdAt),
  last_used_at: toIsoOrNull(row.lastUsedAt),
});

export function listTokens(deps: Deps, userId: number): TApiToken[] {
  return deps.db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .all()
    .map(toTokenDto);
}

export function createToken(deps: Deps, userId: number, name: string): TCreatedToken {
  const { key, prefix, keyHash } = generateApiKey();
  const row = deps.db.insert(apiTokens).values({ userId, name, prefix, keyHash, createdAt: deps.now() }).returning().get();
  return { token: toTokenDto(row), key };
}

/** Revoke one of the caller's own tokens; someone else's token is "not found", not "forbidden". */
export function revokeToken(deps: Deps, userId: number, tokenId: number): void {
  const removed = deps.db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
    .returning({ id: apiTokens.id })
    .all();
  if (removed.length === 0) throw notFound(`API token ${tokenId}`);
}
