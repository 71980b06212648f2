import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, createUser, type TTestDeps } from '../test-utils';
import { DELETE_BATCH, trimAlerts } from './retention';

let deps: TTestDeps;

beforeEach(async () => {
  deps = await createTestDeps({ ALERT_RETENTION: 3 });
});
afterEach(() => deps.cleanup());

const insertUser = async (name: string) => (await createUser(deps, { username: name })).id;

async function insertAlerts(userId: number, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = await deps.db.get<{ id: number }>(sql`insert into alerts (user_id, title, url, source, icon)
      values (${userId}, ${`alert ${i}`}, '/alerts', 'Other', 'bell') returning id`);
    ids.push(row!.id);
  }
  return ids;
}

const alertIds = async (userId: number) =>
  (await deps.db.all<{ id: number }>(sql`select id from alerts where user_id = ${userId} order by id`)).map((r) => r.id);

describe('alert retention', () => {
  it('keeps each user’s newest alerts and deletes the rest, announcing each trimmed list', async () => {
    const alice = await insertUser('alice');
    const bob = await insertUser('bob');
    const carol = await insertUser('carol');
    const aliceIds = await insertAlerts(alice, 5);
    const bobIds = await insertAlerts(bob, 3);
    const carolIds = await insertAlerts(carol, 4);
    const changed: number[] = [];
    deps.bus.subscribe('alerts-changed', (m) => changed.push(...m.userIds));

    expect(await trimAlerts(deps, 3)).toBe(3);
    expect(await alertIds(alice)).toEqual(aliceIds.slice(2));
    expect(await alertIds(bob)).toEqual(bobIds);
    expect(await alertIds(carol)).toEqual(carolIds.slice(1));
    // On PostgreSQL the bus is LISTEN/NOTIFY: give the notifications a moment to come back.
    await expect.poll(() => [...new Set(changed)].sort()).toEqual([alice, carol].sort());
    expect(await trimAlerts(deps, 3)).toBe(0);
  });

  it('keeps everything with -1 and deletes everything with 0', async () => {
    const alice = await insertUser('alice');
    await insertAlerts(alice, 4);
    expect(await trimAlerts(deps, -1)).toBe(0);
    expect(await alertIds(alice)).toHaveLength(4);
    expect(await trimAlerts(deps, 0)).toBe(4);
    expect(await alertIds(alice)).toHaveLength(0);
  });

  it('deletes a long list in bounded batches, and keeps the newest', async () => {
    const alice = await insertUser('alice');
    const total = DELETE_BATCH * 2 + 17;
    await deps.db.run(sql`insert into alerts (user_id, title, url, source, icon)
      select ${alice}, 'bulk', '/alerts', 'Other', 'bell' from (
        with recursive n(i) as (select 1 union all select i + 1 from n where i < ${total}) select i from n) x`);
    const newest = (await alertIds(alice)).slice(-3);
    // Each batch is its own transaction and announces itself: one message per batch.
    const batches: number[] = [];
    deps.bus.subscribe('alerts-changed', (m) => batches.push(...m.userIds));
    expect(await trimAlerts(deps, 3)).toBe(total - 3);
    expect(await alertIds(alice)).toEqual(newest);
    await expect.poll(() => batches.length).toBe(Math.ceil((total - 3) / DELETE_BATCH));
  });
});
