/** Every scheduled job of Tocsin, in the order a pass runs them. Jobs live with their domain; this is the list. */
import type { Deps } from '../app-context';
import { digestJob } from '../digests/job';
import { engagementChecksJob } from '../engagements/jobs';
import { purgeRemovedAlerts } from '../notifications/alerts';
import { trimAlerts } from '../notifications/retention';
import { riskAcceptanceJob } from '../risk-acceptances/job';
import { slaNoticesJob } from '../sla/job';
import { createJobRunner, type TJob, type TJobRunner } from './runner';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const alertRetentionJob: TJob = {
  name: 'alert_retention',
  label: 'Alert retention',
  description:
    'Keeps each user’s newest ALERT_RETENTION alerts and deletes older ones, in small batches; purges removed alerts once ' +
    'ALERT_UNDO_SECONDS have passed (they can no longer be restored).',
  schedule: (deps: Deps) => ({ kind: 'interval', seconds: deps.env.ALERT_RETENTION_INTERVAL_SECONDS }),
  async run(deps) {
    const purged = await purgeRemovedAlerts(deps);
    const undo = `${plural(purged, 'removed alert')} purged`;
    if (deps.env.ALERT_RETENTION < 0) return { eventsRaised: 0, summary: `Retention is off (ALERT_RETENTION=-1); ${undo}.` };
    const deleted = await trimAlerts(deps, deps.env.ALERT_RETENTION);
    return { eventsRaised: 0, summary: `${plural(deleted, 'alert')} deleted, ${undo}` };
  },
};

export const ALL_JOBS: readonly TJob[] = [engagementChecksJob, slaNoticesJob, riskAcceptanceJob, digestJob, alertRetentionJob];

const runners = new WeakMap<object, TJobRunner>();

/** This process's runner over ALL_JOBS for these deps' store (created on first use, started by server.ts). */
export function getJobRunner(deps: Deps): TJobRunner {
  let runner = runners.get(deps.bus);
  if (!runner) {
    runner = createJobRunner(deps, ALL_JOBS);
    runners.set(deps.bus, runner);
  }
  return runner;
}
