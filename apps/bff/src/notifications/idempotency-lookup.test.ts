/**
 * An idempotency key is looked up on every event that carries one (every notice of the SLA, risk acceptance and
 * engagement jobs): the lookup must be a key lookup on events_idempotency_key, never a read of every event.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../test-utils';
import { idempotencyKeySql } from './dispatch';

async function planOf(deps: Awaited<ReturnType<typeof createTestApp>>['deps'], query: ReturnType<typeof sql>): Promise<string> {
  const { db } = deps;
  if (db.dialect === 'postgres') {
    // A planner with no statistics prefers a scan of a tiny table: ask it not to, as it would on a large one.
    return db.transaction(async (tx) => {
      await tx.run(sql`set local enable_seqscan = off`);
      const rows = await tx.all<{ 'QUERY PLAN': string }>(sql`explain ${query}`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }
  const rows = await db.all<{ detail: string }>(sql`explain query plan ${query}`);
  return rows.map((r) => r.detail).join('\n');
}

describe('idempotency key lookup', () => {
  it.each([
    ['Tocsin itself (no creator)', null],
    ['an integration token or user', 7],
  ])('uses the unique index for %s', async (_, createdBy) => {
    const { deps } = await createTestApp();
    const plan = await planOf(deps, sql`select id from events where ${idempotencyKeySql(createdBy, sql`${'sla:1:2026-11-30'}`)}`);
    expect(plan).toMatch(/events_idempotency_key/);
    expect(plan).not.toMatch(/SCAN events\b|Seq Scan on events/);
  });
});
