import { channelsToMask } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createTestDeps, createUser, insertEngagement, insertProduct, insertProductType } from '../test-utils';
import { FIRST_RUN_DELAY_MS, startScheduler } from './scheduler';

type TDeps = ReturnType<typeof createTestDeps>;
let deps: TDeps;
let productId: number;

const NOW = Date.parse('2026-03-10T12:00:00Z');
const INTERVAL_SECONDS = 60;

beforeEach(async () => {
  deps = createTestDeps({ SCHEDULER_INTERVAL_SECONDS: INTERVAL_SECONDS });
  deps.now = () => NOW;
  deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
    values ('system', null, null, 'upcoming_engagement', ${channelsToMask(['alert'])})`);
  productId = insertProduct(deps, 'Shop', insertProductType(deps, 'Web').id).id;
  await createUser(deps, { username: 'admin', isSuperuser: true });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  deps.cleanup();
});

const upcomingCount = () => deps.db.get<{ n: number }>(sql`select count(*) as n from events where name = 'upcoming_engagement'`)?.n;

it('runs shortly after start, then every SCHEDULER_INTERVAL_SECONDS, until stopped', () => {
  insertEngagement(deps, { name: 'First', productId, targetStart: '2026-03-11', targetEnd: '2026-03-20' });
  const scheduler = startScheduler(deps);

  vi.advanceTimersByTime(FIRST_RUN_DELAY_MS - 1);
  expect(upcomingCount()).toBe(0);
  vi.advanceTimersByTime(1);
  expect(upcomingCount()).toBe(1);

  insertEngagement(deps, { name: 'Second', productId, targetStart: '2026-03-12', targetEnd: '2026-03-20' });
  vi.advanceTimersByTime(INTERVAL_SECONDS * 1000);
  expect(upcomingCount()).toBe(2);

  scheduler.stop();
  insertEngagement(deps, { name: 'Third', productId, targetStart: '2026-03-12', targetEnd: '2026-03-20' });
  vi.advanceTimersByTime(10 * INTERVAL_SECONDS * 1000);
  expect(upcomingCount()).toBe(2);
  // runOnce still works on demand and reports what it sent.
  expect(scheduler.runOnce()).toEqual({ upcoming: 1, stale: 0, autoClosed: 0 });
  expect(scheduler.runOnce()).toEqual({ upcoming: 0, stale: 0, autoClosed: 0 });
});

it('stopped before its first run, it never runs', () => {
  insertEngagement(deps, { name: 'First', productId, targetStart: '2026-03-11', targetEnd: '2026-03-20' });
  startScheduler(deps).stop();
  vi.advanceTimersByTime(FIRST_RUN_DELAY_MS + 10 * INTERVAL_SECONDS * 1000);
  expect(upcomingCount()).toBe(0);
});

it('a failed run is logged and the next interval runs again', () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  insertEngagement(deps, { name: 'First', productId, targetStart: '2026-03-11', targetEnd: '2026-03-20' });
  const scheduler = startScheduler(deps);
  deps.sqlite.exec('alter table engagements rename to engagements_away');
  vi.advanceTimersByTime(FIRST_RUN_DELAY_MS);
  expect(logged).toHaveBeenCalledWith(expect.stringContaining('Scheduler run failed'), expect.anything());

  deps.sqlite.exec('alter table engagements_away rename to engagements');
  vi.advanceTimersByTime(INTERVAL_SECONDS * 1000);
  expect(upcomingCount()).toBe(1);
  scheduler.stop();
});
