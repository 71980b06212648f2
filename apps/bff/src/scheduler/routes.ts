/** The jobs page's API (superusers): every scheduled job with its schedule and last run, and "Run now". */
import { createRoute } from '@hono/zod-openapi';
import { type TJob as TJobDto, type TJobRun as TJobRunDto, ZJobList, ZJobRun } from '@tocsin/contract/jobs';
import { z } from 'zod';
import { requireSuperuser } from '../auth/middleware';
import { createRouter, errorResponses, jsonContent } from '../lib/router';
import { toIso } from '../lib/time';
import { getJobRunner } from './jobs';
import { listJobStatuses, type TJobRun, type TJobSchedule, type TJobStatus } from './runner';

const guarded = { 401: errorResponses[401], 403: { description: 'Only superusers.' } } as const;

export function toJobRunDto(run: TJobRun): TJobRunDto {
  return {
    id: run.id,
    trigger: run.trigger,
    instance: run.instance,
    status: run.status,
    started_at: toIso(run.startedAt),
    finished_at: run.finishedAt === null ? null : toIso(run.finishedAt),
    duration_ms: run.finishedAt === null ? null : run.finishedAt - run.startedAt,
    events_raised: run.eventsRaised,
    summary: run.summary,
    error: run.error,
  };
}

const toScheduleDto = (s: TJobSchedule) =>
  s.kind === 'interval' ? { kind: s.kind, seconds: s.seconds } : { kind: s.kind, at: s.at, time_zone: s.timeZone };

function toJobDto(status: TJobStatus): TJobDto {
  return {
    name: status.name,
    label: status.label,
    description: status.description,
    schedule: toScheduleDto(status.schedule),
    is_running: status.isRunning,
    next_run_at: toIso(status.nextRunAt),
    last_run: status.lastRun ? toJobRunDto(status.lastRun) : null,
  };
}

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Jobs'],
  summary: 'Scheduled jobs: schedule, whether each runs now, and its last run',
  responses: { 200: jsonContent(ZJobList, 'Every job'), ...guarded },
});

const runRoute = createRoute({
  method: 'post',
  path: '/{name}/run',
  tags: ['Jobs'],
  summary: 'Run a job now (its notices are still sent once: every event it raises has an idempotency key)',
  request: { params: z.object({ name: z.string().max(100) }) },
  responses: {
    200: jsonContent(ZJobRun, 'The finished run'),
    ...guarded,
    404: errorResponses[404],
    409: { description: 'The job is running right now.' },
  },
});

export const jobRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    requireSuperuser(c);
    const statuses = await listJobStatuses(c.var.deps, getJobRunner(c.var.deps));
    return c.json({ items: statuses.map(toJobDto) }, 200);
  })
  .openapi(runRoute, async (c) => {
    const auth = requireSuperuser(c);
    const run = await getJobRunner(c.var.deps).runNow(c.req.valid('param').name, auth.user.id);
    return c.json(toJobRunDto(run), 200);
  });
