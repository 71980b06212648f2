/**
 * The superusers' jobs page: each scheduled job with its schedule, next run and last run (start, duration,
 * events raised, error), and "Run now" with the run's result.
 */
import type { TJob, TJobRun, TJobSchedule } from '@tocsin/contract/jobs';
import { useState } from 'react';
import { ErrorMessage } from '../../../components/messages';
import { RelativeTime } from '../../../components/relative-time';
import { getErrorMessage } from '../../../lib/api-client';
import { useJobs } from '../api/get-jobs';
import { useRunJob } from '../api/run-job';

export function describeSchedule(schedule: TJobSchedule): string {
  if (schedule.kind === 'daily') return `Daily at ${schedule.at} (${schedule.time_zone})`;
  const s = schedule.seconds;
  if (s % 3600 === 0) return `Every ${s / 3600 === 1 ? 'hour' : `${s / 3600} hours`}`;
  if (s % 60 === 0) return `Every ${s / 60 === 1 ? 'minute' : `${s / 60} minutes`}`;
  return `Every ${s} seconds`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function RunSummary({ run }: { run: TJobRun }) {
  return (
    <>
      <span
        className={
          run.status === 'failed' ? 'badge badge-sla-danger' : run.status === 'ok' ? 'badge badge-sla-ok' : 'badge badge-sla-warning'
        }
      >
        {run.status === 'ok' ? 'Succeeded' : run.status === 'failed' ? 'Failed' : 'Running'}
      </span>{' '}
      started <RelativeTime value={run.started_at} />
      {run.duration_ms !== null && `, took ${formatDuration(run.duration_ms)}`}, {run.events_raised}{' '}
      {run.events_raised === 1 ? 'event' : 'events'} raised{run.trigger === 'manual' ? ' (run by hand)' : ''}.
      {run.summary && <span className="muted"> {run.summary}</span>}
      {run.error && <span className="text-danger"> Error: {run.error}</span>}
    </>
  );
}

function JobRow({ job }: { job: TJob }) {
  const run = useRunJob();
  const [lastResult, setLastResult] = useState<TJobRun | null>(null);
  return (
    <li className="card stack">
      <h2>{job.label}</h2>
      <p>{job.description}</p>
      <dl className="details">
        <dt>Schedule</dt>
        <dd>{describeSchedule(job.schedule)}</dd>
        <dt>Next run</dt>
        <dd>
          <RelativeTime value={job.next_run_at} />
        </dd>
        <dt>Last run</dt>
        <dd>{job.last_run ? <RunSummary run={job.last_run} /> : 'Never'}</dd>
      </dl>
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          aria-label={`Run now: ${job.label}`}
          disabled={run.isPending || job.is_running}
          aria-busy={run.isPending || undefined}
          onClick={() => run.mutate(job.name, { onSuccess: setLastResult })}
        >
          {run.isPending ? 'Running…' : job.is_running ? 'Running now' : 'Run now'}
        </button>
      </div>
      {run.isError && <ErrorMessage>{getErrorMessage(run.error)}</ErrorMessage>}
      {lastResult && !run.isPending && (
        <p className={lastResult.status === 'failed' ? 'message message-error' : 'message message-success'} role="status">
          Run finished: <RunSummary run={lastResult} />
        </p>
      )}
    </li>
  );
}

export function JobsList() {
  const jobs = useJobs();
  if (jobs.isPending) return <p role="status">Loading jobs…</p>;
  if (jobs.isError) return <ErrorMessage>{getErrorMessage(jobs.error)}</ErrorMessage>;
  return (
    <ul className="plain-list stack">
      {jobs.data.items.map((job) => (
        <JobRow key={job.name} job={job} />
      ))}
    </ul>
  );
}
