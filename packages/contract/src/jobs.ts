import { z } from 'zod';

export const ZJobSchedule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('interval'), seconds: z.number().int() }),
  z.object({ kind: z.literal('daily'), at: z.string(), time_zone: z.string() }),
]);
export type TJobSchedule = z.infer<typeof ZJobSchedule>;

export const ZJobRun = z.object({
  id: z.number().int(),
  trigger: z.enum(['schedule', 'manual']),
  instance: z.string(),
  status: z.enum(['running', 'ok', 'failed']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  events_raised: z.number().int(),
  summary: z.string().nullable(),
  error: z.string().nullable(),
});
export type TJobRun = z.infer<typeof ZJobRun>;

export const ZJob = z.object({
  name: z.string(),
  label: z.string(),
  description: z.string(),
  schedule: ZJobSchedule,
  is_running: z.boolean(),
  next_run_at: z.string(),
  last_run: ZJobRun.nullable(),
});
export type TJob = z.infer<typeof ZJob>;

export const ZJobList = z.object({ items: z.array(ZJob) });
export type TJobList = z.infer<typeof ZJobList>;
