/** Personal API tokens: the key is shown once at creation; only its sha256 is kept. */
import type { TApiToken, TCreatedToken } from '@tocsin/contract/auth';
import { and, eq, sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { generateApiKey } from '../auth/sessions';
import { deleteRows, findRows, insertRow } from '../db/rows';
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

export async function listTokens(deps: Deps, userId: number): Promise<TApiToken[]> {
  const rows = await findRows(deps.db, apiTokens, eq(apiTokens.userId, userId), {
    orderBy: sql`${apiTokens.createdAt} desc, ${apiTokens.id} desc`,
  });
  return rows.map(toTokenDto);
}

export async function createToken(deps: Deps, userId: number, name: string): Promise<TCreatedToken> {
  const { key, prefix, keyHash } = generateApiKey();
  const row = await insertRow(deps.db, apiTokens, { userId, name, prefix, keyHash, createdAt: deps.now() });
  return { token: toTokenDto(row), key };
}

/** Revoke one of the caller's own tokens; someone else's token is "not found", not "forbidden". */
export async function revokeToken(deps: Deps, userId: number, tokenId: number): Promise<void> {
  const removed = await deleteRows(deps.db, apiTokens, and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)));
  if (removed === 0) throw notFound(`API token ${tokenId}`);
}
