import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDeps } from '../test-utils';
import { startRetention, trimAlerts } from './retention';

type TDeps = ReturnType<typeof createTestDeps>;
let deps: TDeps;

beforeEach(() => {
  deps = createTestDeps({ ALERT_RETENTION: 3, ALERT_RETENTION_INTERVAL_SECONDS: 60 });
});
afterEach(() => {
  vi.useRealTimers();
  deps.cleanup();
});

function insertUser(name: string): number {
  return Number(
    deps.sqlite.prepare(`insert into users (username, email, password_hash) values (?, ?, 'x')`).run(name, `${name}@x.test`)
      .lastInsertRowid,
  );
}

function insertAlerts(userId: number, n: number): number[] {
  const stmt = deps.sqlite.prepare(`insert into alerts (user_id, title, url, source, icon) values (?, ?, '/alerts', 'Other', 'bell')`);
  return Array.from({ length: n }, (_, i) => Number(stmt.run(userId, `alert ${i}`).lastInsertRowid));
}

const alertIds = (userId: number) =>
  deps.sqlite
    .prepare<[number], { id: number }>('select id from alerts where user_id = ? order by id')
    .all(userId)
    .map((r) => r.id);

describe('alert retention', () => {
  it('keeps each user’s newest alerts and deletes the rest', () => {
    const alice = insertUser('alice');
    const bob = insertUser('bob');
    const carol = insertUser('carol');
    const aliceIds = insertAlerts(alice, 5);
    const bobIds = insertAlerts(bob, 3);
    const carolIds = insertAlerts(carol, 4);
    const changed: number[][] = [];
    deps.bus.on('alerts-changed', (ids: number[]) => changed.push(ids));

    expect(startRetention(deps).runOnce()).toBe(3);
    expect(alertIds(alice)).toEqual(aliceIds.slice(2));
    expect(alertIds(bob)).toEqual(bobIds);
    expect(alertIds(carol)).toEqual(carolIds.slice(1));
    expect(changed.map((ids) => [...ids].sort())).toEqual([[alice, carol].sort()]);
    expect(startRetention(deps).runOnce()).toBe(0);
  });

  it('keeps everything with -1 and deletes everything with 0', () => {
    const alice = insertUser('alice');
    insertAlerts(alice, 4);
    expect(trimAlerts(deps, -1)).toBe(0);
    expect(alertIds(alice)).toHaveLength(4);
    expect(trimAlerts(deps, 0)).toBe(4);
    expect(alertIds(alice)).toHaveLength(0);
  });

  it('runs on its interval until stopped', () => {
    vi.useFakeTimers();
    const alice = insertUser('alice');
    insertAlerts(alice, 5);
    const retention = startRetention(deps);
    vi.advanceTimersByTime(59_000);
    expect(alertIds(alice)).toHaveLength(5);
    vi.advanceTimersByTime(1_000);
    expect(alertIds(alice)).toHaveLength(3);
    retention.stop();
    insertAlerts(alice, 2);
    vi.advanceTimersByTime(120_000);
    expect(alertIds(alice)).toHaveLength(5);
  });
});
