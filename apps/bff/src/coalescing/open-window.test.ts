/**
 * hasOpenWindow decides whether a batch of coalesced events (the daily SLA notices) can be written at once: it
 * must see every alert and delivery of a key within the window, and it must stay an index probe per key on a
 * table whose statistics are stale (PostgreSQL otherwise reads every alert looking for the first match).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchEvent } from '../notifications/dispatch';
import { createTestDeps, createUser, type TTestDeps } from '../test-utils';
import { hasOpenWindow, openWindowQuery } from './coalesce';

let deps: TTestDeps;
let userId: number;
let eventId: number;
const NOW = 1_800_000_000_000;
const WINDOW = 600_000;

beforeEach(async () => {
  deps = await createTestDeps();
  userId = (await createUser(deps, { username: 'ana' })).id;
  eventId = (await dispatchEvent(deps, { event: 'sla_breach', title: 'SLA', recipients: [] })).eventId;
});
afterEach(() => deps.cleanup());

async function addAlert(key: string, createdAt: number) {
  await deps.db.run(sql`insert into alerts (user_id, event_id, title, url, source, icon, created_at, dedupe_key)
    values (${userId}, ${eventId}, 'SLA', '/', 'Tocsin', 'sla', ${createdAt}, ${key})`);
}

async function addDelivery(key: string, createdAt: number) {
  await deps.db.run(sql`insert into deliveries (uuid, event_id, channel, target_kind, user_id, status, attempts, next_attempt_at,
      created_at, updated_at, dedupe_key)
    values (${randomUUID()}, ${eventId}, 'mail', 'user', ${userId}, 'queued', 0, ${createdAt}, ${createdAt}, ${createdAt}, ${key})`);
}

describe('hasOpenWindow', () => {
  it('sees an alert or a delivery of one of the keys made within the window, and nothing else', async () => {
    const open = (keys: string[]) => hasOpenWindow(deps.db, keys, NOW, WINDOW);
    expect(await open(['0:sla:finding:1'])).toBe(false);
    await addAlert('0:sla:finding:1', NOW - WINDOW); // exactly one window ago: closed
    await addDelivery('0:sla:finding:1', NOW - 2 * WINDOW);
    expect(await open(['0:sla:finding:1'])).toBe(false);
    await addAlert('0:sla:finding:2', NOW - WINDOW + 1);
    expect(await open(['0:sla:finding:1', '0:sla:finding:2'])).toBe(true);
    await addDelivery('0:sla:finding:3', NOW - 1);
    expect(await open(['0:sla:finding:3'])).toBe(true);
    // Another raiser's key is another key; a window of 0 turns coalescing off.
    expect(await open(['7:sla:finding:2'])).toBe(false);
    expect(await hasOpenWindow(deps.db, ['0:sla:finding:2'], NOW, 0)).toBe(false);
    expect(await open([])).toBe(false);
  });

  it('probes the dedupe indexes key by key, even before the tables have statistics', async () => {
    // Thousands of keyed rows the planner has never analyzed: the case of the SLA job filling alerts as it goes.
    const n = 3000;
    if (deps.db.dialect === 'postgres') {
      await deps.db.run(sql`insert into alerts (user_id, event_id, title, url, source, icon, created_at, dedupe_key)
        select ${userId}, ${eventId}, 'SLA', '/', 'Tocsin', 'sla', ${NOW}::bigint, '0:sla:finding:' || g from generate_series(1, ${n}) g`);
    } else {
      await deps.db.run(sql`insert into alerts (user_id, event_id, title, url, source, icon, created_at, dedupe_key)
        with recursive g(i) as (select 1 union all select i + 1 from g where i < ${n})
        select ${userId}, ${eventId}, 'SLA', '/', 'Tocsin', 'sla', ${NOW}, '0:sla:finding:' || i from g`);
    }
    const keys = Array.from({ length: 200 }, (_, i) => `0:sla:finding:${n + 1 + i}`);
    const query = openWindowQuery(deps.db, keys, NOW - WINDOW);
    const plan =
      deps.db.dialect === 'postgres'
        ? (await deps.db.all<{ 'QUERY PLAN': string }>(sql`explain ${query}`)).map((r) => r['QUERY PLAN']).join('\n')
        : (await deps.db.all<{ detail: string }>(sql`explain query plan ${query}`)).map((r) => r.detail).join('\n');
    expect(plan).toMatch(/alerts_dedupe/);
    expect(plan).toMatch(/deliveries_dedupe/);
    expect(plan).not.toMatch(/Seq Scan on (alerts|deliveries)|SCAN (t|alerts|deliveries)\b(?! USING)/);
  });
});
