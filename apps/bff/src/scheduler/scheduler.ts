/**
 * The scheduler: runs the time-based rules shortly after start and then every SCHEDULER_INTERVAL_SECONDS.
 * Every rule is idempotent (events carry idempotency keys), so a restart, an overlapping replica or a
 * manual runOnce never notifies twice. Only engagements exist so far; SLA and risk-acceptance rules join here.
 */
import type { Deps } from '../app-context';
import { runEngagementJobs, type TEngagementJobsResult } from './engagements';

export type TScheduler = { stop(): void; runOnce(): TEngagementJobsResult };

/** Let the server finish starting (and the worker claim old deliveries) before the first pass. */
export const FIRST_RUN_DELAY_MS = 5_000;

export function startScheduler(deps: Deps): TScheduler {
  const runOnce = () => runEngagementJobs(deps);
  const tick = () => {
    try {
      runOnce();
    } catch (err) {
      console.error('Scheduler run failed; it will run again at the next interval:', err);
    }
  };
  let interval: NodeJS.Timeout | null = null;
  const first = setTimeout(() => {
    tick();
    interval = setInterval(tick, deps.env.SCHEDULER_INTERVAL_SECONDS * 1000);
    interval.unref();
  }, FIRST_RUN_DELAY_MS);
  first.unref();
  return {
    stop: () => {
      clearTimeout(first);
      if (interval) clearInterval(interval);
    },
    runOnce,
  };
}
