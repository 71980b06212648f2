import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../lib/errors';
import { createTestDeps, type TTestDeps } from '../test-utils';
import { createJobRunner, currentPeriod, listJobStatuses, nextRunAt, STALE_RUN_MS, type TJob } from './runner';

describe('currentPeriod', () => {
  const at = (iso: string) => Date.parse(iso);
  it.each([
    ['interval: the same period within an hour', { kind: 'interval', seconds: 3600 } as const, '2026-03-10T12:00:00Z', 'i3600:492540'],
    ['interval: the next hour is the next period', { kind: 'interval', seconds: 3600 } as const, '2026-03-10T13:00:00Z', 'i3600:492541'],
    [
      'daily: before its time there is no period yet',
      { kind: 'daily', at: '06:30', timeZone: 'UTC' } as const,
      '2026-03-10T06:29:00Z',
      null,
    ],
    ['daily: at its time, today', { kind: 'daily', at: '06:30', timeZone: 'UTC' } as const, '2026-03-10T06:30:00Z', 'd:2026-03-10'],
    [
      'daily: in its own time zone (Berlin, UTC+1 in March)',
      { kind: 'daily', at: '06:30', timeZone: 'Europe/Berlin' } as const,
      '2026-03-10T05:30:00Z',
      'd:2026-03-10',
    ],
    [
      'daily: the local date, not the UTC one',
      { kind: 'daily', at: '00:00', timeZone: 'America/New_York' } as const,
      '2026-03-11T03:00:00Z',
      'd:2026-03-10',
    ],
    [
      'daily: across a DST change (Berlin springs forward 2026-03-29)',
      { kind: 'daily', at: '06:30', timeZone: 'Europe/Berlin' } as const,
      '2026-03-29T04:30:00Z',
      'd:2026-03-29',
    ],
  ])('%s', (_, schedule, iso, expected) => {
    expect(currentPeriod(schedule, at(iso))).toBe(expected);
  });

  it('tells when the next period starts', () => {
    expect(nextRunAt({ kind: 'interval', seconds: 60 }, Date.parse('2026-03-10T12:00:30Z'))).toBe(Date.parse('2026-03-10T12:01:00Z'));
    const next = nextRunAt({ kind: 'daily', at: '06:30', timeZone: 'UTC' }, Date.parse('2026-03-10T07:00:00Z'));
    expect(next).toBeGreaterThanOrEqual(Date.parse('2026-03-11T06:30:00Z'));
    expect(next).toBeLessThanOrEqual(Date.parse('2026-03-11T06:45:00Z'));
  });
});

describe('the job runner', () => {
  let deps: TTestDeps;
  let now: number;
  let runs: string[];
  const job = (name: string, behaviour: () => Promise<number> = async () => 1): TJob => ({
    name,
    label: name,
    description: '',
    schedule: () => ({ kind: 'interval', seconds: 3600 }),
    async run(_deps, ctx) {
      runs.push(`${name}@${ctx.period}`);
      const eventsRaised = await behaviour();
      return { eventsRaised, summary: `${eventsRaised} raised` };
    },
  });

  beforeEach(async () => {
    deps = await createTestDeps();
    now = Date.parse('2026-03-10T12:00:00Z');
    deps.now = () => now;
    runs = [];
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await deps.cleanup();
  });

  it('runs each job once per period, and again in the next period', async () => {
    const runner = createJobRunner(deps, [job('a'), job('b')]);
    await runner.tick();
    await runner.tick();
    expect(runs).toEqual(['a@i3600:492540', 'b@i3600:492540']);
    now += 3_600_000;
    await runner.tick();
    expect(runs).toHaveLength(4);
    const statuses = await listJobStatuses(deps, runner);
    expect(statuses.map((s) => [s.name, s.lastRun?.status, s.lastRun?.eventsRaised, s.lastRun?.summary])).toEqual([
      ['a', 'ok', 1, '1 raised'],
      ['b', 'ok', 1, '1 raised'],
    ]);
  });

  it('runs a period once across replicas ticking at the same moment', async () => {
    const replicas = [1, 2, 3].map((i) => createJobRunner({ ...deps, instanceId: `replica-${i}` }, [job('a')]));
    await Promise.all(replicas.map((r) => r.tick()));
    expect(runs).toEqual(['a@i3600:492540']);
    const rows = await deps.db.all<{ instance: string }>(sql`select instance from job_runs`);
    expect(rows).toHaveLength(1);
  });

  it('records a failure with its message, and runs again in the next period', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let fail = true;
    const runner = createJobRunner(deps, [
      job('flaky', async () => {
        if (fail) throw new Error('database on fire');
        return 2;
      }),
    ]);
    await runner.tick();
    const [failed] = await listJobStatuses(deps, runner);
    expect(failed?.lastRun).toMatchObject({ status: 'failed', error: 'database on fire', eventsRaised: 0 });
    fail = false;
    await runner.tick();
    expect(runs).toHaveLength(1);
    now += 3_600_000;
    await runner.tick();
    const [ok] = await listJobStatuses(deps, runner);
    expect(ok?.lastRun).toMatchObject({ status: 'ok', eventsRaised: 2 });
  });

  it('takes over a period whose replica died mid-run, once the run is stale', async () => {
    await deps.db.run(sql`insert into job_runs (job, period, trigger, instance, status, started_at, events_raised)
      values ('a', 'i3600:492540', 'schedule', 'dead-replica', 'running', ${now - 60_000}, 0)`);
    const runner = createJobRunner(deps, [job('a')]);
    await runner.tick();
    expect(runs).toEqual([]);
    now += STALE_RUN_MS - 60_000 + 1;
    // Still the same hourly period (12:15): the stale row is taken over.
    await runner.tick();
    expect(runs).toEqual(['a@i3600:492540']);
  });

  it('"Run now" runs at once, records who asked, and refuses a second run while the first is going', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = createJobRunner(deps, [
      job('slow', async () => {
        await gate;
        return 3;
      }),
    ]);
    const first = runner.runNow('slow', null);
    await expect.poll(() => runner.isRunning('slow')).toBe(true);
    await expect(runner.runNow('slow', null)).rejects.toMatchObject({ status: 409 });
    release();
    const run = await first;
    expect(run).toMatchObject({ job: 'slow', trigger: 'manual', status: 'ok', eventsRaised: 3 });
    await expect(runner.runNow('nope', null)).rejects.toBeInstanceOf(HttpError);
  });
});
