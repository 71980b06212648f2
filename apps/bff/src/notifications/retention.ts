/**
 * Alert retention: each user keeps at most env.ALERT_RETENTION newest alerts (-1 keeps everything).
 * Trimming runs on a timer, so a burst of events may leave a list briefly over the limit.
 */
import type { Deps } from '../app-context';
import { publishAlertsChanged } from './alert-bus';

export type TRetention = { stop(): void; runOnce(): number };

export function trimAlerts(deps: Deps, keep: number): number {
  if (keep < 0) return 0;
  const run = deps.sqlite.transaction(() => {
    // Only users over the limit; for each, everything at or below the id of their (keep+1)-th newest alert goes.
    const over = deps.sqlite
      .prepare<[number, number], { userId: number; cutoff: number }>(
        `select h.user_id as userId,
           (select a.id from alerts a where a.user_id = h.user_id order by a.id desc limit 1 offset ?) as cutoff
         from (select user_id from alerts group by user_id having count(*) > ?) h`,
      )
      .all(keep, keep);
    if (over.length === 0) return { deleted: 0, userIds: [] as number[] };
    const deleted = deps.sqlite
      .prepare<[string]>(
        `delete from alerts where id in (
           select a.id from json_each(?) j
           join alerts a on a.user_id = j.value ->> 0 and a.id <= j.value ->> 1)`,
      )
      .run(JSON.stringify(over.map((o) => [o.userId, o.cutoff]))).changes;
    return { deleted, userIds: over.map((o) => o.userId) };
  });
  const { deleted, userIds } = run.immediate();
  if (deleted > 0) publishAlertsChanged(deps.bus, userIds);
  return deleted;
}

export function startRetention(deps: Deps): TRetention {
  const runOnce = () => trimAlerts(deps, deps.env.ALERT_RETENTION);
  if (deps.env.ALERT_RETENTION < 0) return { stop: () => {}, runOnce };
  const timer = setInterval(() => {
    try {
      runOnce();
    } catch (err) {
      console.error('Alert retention failed; it will run again at the next interval:', err);
    }
  }, deps.env.ALERT_RETENTION_INTERVAL_SECONDS * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer), runOnce };
}
