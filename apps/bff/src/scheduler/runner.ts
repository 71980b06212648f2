/**
 * The job runner: a list of scheduled jobs, each run once per period across all replicas.
 *
 * Every replica ticks; for each job whose current period has not run yet, it tries to insert the
 * (job, period) row of job_runs. The unique index lets exactly one replica win; the others skip. A run whose
 * replica died keeps its 'running' row until it is STALE_RUN_MS old, then another replica takes it over.
 * Jobs are idempotent as well (their events carry idempotency keys), so a takeover or a "Run now" never
 * notifies twice. Jobs live with their domain; scheduler/jobs.ts lists them.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { isTruthy } from '../db/database';
import { calendarDateIn, minutesOfDayIn } from '../lib/calendar-date';
import { conflict, notFound } from '../lib/errors';

export type TJobSchedule = { kind: 'interval'; seconds: number } | { kind: 'daily'; at: string; timeZone: string };

export type TJobOutcome = { eventsRaised: number; summary: string };

export type TJob = {
  name: string;
  label: string;
  description: string;
  schedule: (deps: Deps) => TJobSchedule;
  run: (deps: Deps, ctx: { now: number; period: string }) => Promise<TJobOutcome>;
};

export type TJobRun = {
  id: number;
  job: string;
  period: string;
  trigger: 'schedule' | 'manual';
  instance: string;
  status: 'running' | 'ok' | 'failed';
  startedAt: number;
  finishedAt: number | null;
  eventsRaised: number;
  summary: string | null;
  error: string | null;
};

/** A 'running' row older than this belongs to a replica that died mid-run: another may take the period over. */
export const STALE_RUN_MS = 15 * 60_000;
export const TICK_MS = 15_000;
/** Let the server finish starting (and the worker claim old deliveries) before the first pass. */
export const FIRST_RUN_DELAY_MS = 5_000;

/** The period a job is in at `now`, or null when a daily job's time has not come yet today. */
export function currentPeriod(schedule: TJobSchedule, now: number): string | null {
  if (schedule.kind === 'interval') return `i${schedule.seconds}:${Math.floor(now / (schedule.seconds * 1000))}`;
  const [hours, minutes] = schedule.at.split(':').map(Number) as [number, number];
  if (minutesOfDayIn(now, schedule.timeZone) < hours * 60 + minutes) return null;
  return `d:${calendarDateIn(now, schedule.timeZone)}`;
}

/** When the next period starts (approximately, for the jobs page). */
export function nextRunAt(schedule: TJobSchedule, now: number): number {
  if (schedule.kind === 'interval') {
    const ms = schedule.seconds * 1000;
    return (Math.floor(now / ms) + 1) * ms;
  }
  // The next minute boundary at which the daily period changes; scan forward in 15-minute steps (DST-safe).
  const today = currentPeriod(schedule, now);
  for (let t = now + 60_000; t < now + 49 * 3_600_000; t += 15 * 60_000) {
    const period = currentPeriod(schedule, t);
    if (period !== null && period !== today) return t;
  }
  return now + 86_400_000;
}

const RUN_COLUMNS = sql`id, job, period, trigger, instance, status, started_at as "startedAt", finished_at as "finishedAt",
  events_raised as "eventsRaised", summary, error`;

/** Try to take (job, period) for this instance. Returns the run id, or null when another replica has it. */
async function claimRun(
  deps: Deps,
  job: string,
  period: string,
  trigger: 'schedule' | 'manual',
  triggeredBy: number | null,
): Promise<number | null> {
  const now = deps.now();
  const row = await deps.db.get<{ id: number }>(sql`
    insert into job_runs (job, period, trigger, instance, status, started_at, events_raised, triggered_by)
    values (${job}, ${period}, ${trigger}, ${deps.instanceId}, 'running', ${now}, 0, ${triggeredBy})
    on conflict (job, period) do update
      set instance = excluded.instance, status = 'running', started_at = excluded.started_at, error = null
      where job_runs.status = 'running' and job_runs.started_at < ${now - STALE_RUN_MS}
    returning id`);
  return row?.id ?? null;
}

async function finishRun(
  deps: Deps,
  runId: number,
  outcome: { ok: boolean; eventsRaised: number; summary: string | null; error: string | null },
) {
  await deps.db.run(sql`update job_runs set status = ${outcome.ok ? 'ok' : 'failed'}, finished_at = ${deps.now()},
      events_raised = ${outcome.eventsRaised}, summary = ${outcome.summary}, error = ${outcome.error}
    where id = ${runId}`);
}

async function findRun(deps: Deps, runId: number): Promise<TJobRun> {
  const run = await deps.db.get<TJobRun>(sql`select ${RUN_COLUMNS} from job_runs where id = ${runId}`);
  if (!run) throw notFound(`Job run ${runId}`);
  return run;
}

export type TJobRunner = {
  stop(): Promise<void>;
  /** One pass over every job (what the timer does). */
  tick(): Promise<void>;
  /** Run a job now, whatever its schedule ("Run now"). Refused while it runs in this process. */
  runNow(name: string, triggeredBy: number | null): Promise<TJobRun>;
  readonly jobs: readonly TJob[];
  isRunning(name: string): boolean;
  /** Start ticking (first pass after FIRST_RUN_DELAY_MS). */
  start(): void;
};

export function createJobRunner(deps: Deps, jobs: readonly TJob[]): TJobRunner {
  const running = new Map<string, Promise<unknown>>();

  async function execute(job: TJob, runId: number, period: string): Promise<TJobRun> {
    let outcome: { ok: boolean; eventsRaised: number; summary: string | null; error: string | null };
    try {
      const result = await job.run(deps, { now: deps.now(), period });
      outcome = { ok: true, eventsRaised: result.eventsRaised, summary: result.summary, error: null };
    } catch (err) {
      console.error(`[jobs] ${job.name} failed; it runs again next period:`, err);
      outcome = { ok: false, eventsRaised: 0, summary: null, error: err instanceof Error ? err.message : String(err) };
    }
    await finishRun(deps, runId, outcome);
    return findRun(deps, runId);
  }

  function track<T>(name: string, work: Promise<T>): Promise<T> {
    running.set(name, work);
    return work.finally(() => running.delete(name));
  }

  async function tick(): Promise<void> {
    for (const job of jobs) {
      if (running.has(job.name)) continue;
      const period = currentPeriod(job.schedule(deps), deps.now());
      if (period === null) continue;
      try {
        const runId = await claimRun(deps, job.name, period, 'schedule', null);
        if (runId !== null) await track(job.name, execute(job, runId, period));
      } catch (err) {
        console.error(`[jobs] could not start ${job.name}; trying again at the next tick:`, err);
      }
    }
  }

  let isStopped = false;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  const schedule = (delay: number) => {
    if (isStopped) return;
    timer = setTimeout(() => {
      ticking = tick().finally(() => {
        ticking = null;
        schedule(TICK_MS);
      });
    }, delay);
    timer.unref();
  };

  return {
    jobs,
    tick,
    isRunning: (name) => running.has(name),
    async runNow(name, triggeredBy) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw notFound(`Job "${name}"`);
      if (running.has(name)) throw conflict(`${job.label} is running right now; wait for it to finish.`);
      const period = `manual:${deps.now()}:${randomUUID().slice(0, 8)}`;
      const runId = await claimRun(deps, name, period, 'manual', triggeredBy);
      if (runId === null) throw conflict(`${job.label} could not be started; try again.`);
      return track(name, execute(job, runId, period));
    },
    start() {
      schedule(FIRST_RUN_DELAY_MS);
    },
    async stop() {
      isStopped = true;
      if (timer) clearTimeout(timer);
      await ticking;
      await Promise.allSettled([...running.values()]);
    },
  };
}

export function startJobRunner(deps: Deps, jobs: readonly TJob[]): TJobRunner {
  const runner = createJobRunner(deps, jobs);
  runner.start();
  return runner;
}

export type TJobStatus = {
  name: string;
  label: string;
  description: string;
  schedule: TJobSchedule;
  isRunning: boolean;
  nextRunAt: number;
  lastRun: TJobRun | null;
};

/** The jobs page: each job, its schedule, whether it runs now (on any replica) and its last run. */
export async function listJobStatuses(deps: Deps, runner: TJobRunner): Promise<TJobStatus[]> {
  const statuses: TJobStatus[] = [];
  for (const job of runner.jobs) {
    const schedule = job.schedule(deps);
    const lastRun = await deps.db.get<TJobRun>(
      sql`select ${RUN_COLUMNS} from job_runs where job = ${job.name} order by started_at desc, id desc limit 1`,
    );
    const runningElsewhere = await deps.db.get<{ running: unknown }>(sql`select case when exists (
        select 1 from job_runs where job = ${job.name} and status = 'running' and started_at >= ${deps.now() - STALE_RUN_MS}
      ) then 1 else 0 end as running`);
    statuses.push({
      name: job.name,
      label: job.label,
      description: job.description,
      schedule,
      isRunning: runner.isRunning(job.name) || isTruthy(runningElsewhere?.running),
      nextRunAt: nextRunAt(schedule, deps.now()),
      lastRun: lastRun ?? null,
    });
  }
  return statuses;
}
