/**
 * The engagement domain's scheduled job (after DefectDojo): an open engagement about to start raises
 * upcoming_engagement, one past its end date raises stale_engagement, and, when enabled, one stale for
 * longer than ENGAGEMENT_AUTO_CLOSE_DAYS is set to Completed and raises auto_close_engagement.
 *
 * Each event fires once per engagement and date: once per target_start for upcoming, once per target_end
 * for stale and auto-close (DefectDojo repeats the stale one on every run; a daily reminder of the same fact
 * only teaches people to ignore it). Moving the date arms the event again. The guarantee is the event's
 * idempotency key (created_by null), checked inside dispatch's transaction; the `not exists` filters below
 * only spare re-dispatching what was already sent. Dates are YYYY-MM-DD strings; "today" is the date in TIME_ZONE.
 */
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, withDb } from '../app-context';
import { addDays, calendarDateIn, diffDays } from '../lib/calendar-date';
import { dispatchEvent, type TDispatchInput } from '../notifications/dispatch';
import type { TJob } from '../scheduler/runner';
import { autoClosedEngagementEvent, staleEngagementEvent, upcomingEngagementEvent } from '../services/domain-events';

export type TEngagementJobsResult = { upcoming: number; stale: number; autoClosed: number };

type TDueEngagement = {
  id: number;
  name: string;
  product_id: number;
  product_name: string;
  lead_username: string | null;
  target_start: string;
  target_end: string;
};

class AlreadyAnnounced extends Error {}

/** Today's date where the team is (TIME_ZONE, UTC by default). */
const todayOf = (deps: Deps) => calendarDateIn(deps.now(), deps.env.TIME_ZONE);

/** Open engagements matching `where` that have no event yet under the key `<event>:<id>:<date column>`. */
function findDueEngagements(deps: Deps, event: string, keyDate: SQL, where: SQL): Promise<TDueEngagement[]> {
  return deps.db.all<TDueEngagement>(sql`
    select e.id, e.name, e.product_id, p.name as product_name, u.username as lead_username, e.target_start, e.target_end
    from engagements e
    join products p on p.id = e.product_id
    left join users u on u.id = e.lead_id
    where e.status not in ('Completed', 'Cancelled') and ${where}
      and not exists (select 1 from events ev
                      where coalesce(ev.created_by, 0) = 0
                        and ev.idempotency_key = ${`${event}:`} || cast(e.id as text) || ':' || ${keyDate})
    order by e.id`);
}

/** Dispatch one scheduled event; a failure is logged and the engagement is tried again at the next run. */
async function dispatchScheduled(deps: Deps, input: TDispatchInput): Promise<boolean> {
  try {
    return !(await dispatchEvent(deps, input)).duplicate;
  } catch (err) {
    console.error(`Scheduler: could not dispatch the ${input.event} event "${input.title}":`, err);
    return false;
  }
}

/** upcoming_engagement for open engagements starting between today and today + ENGAGEMENT_UPCOMING_DAYS. */
export async function notifyUpcomingEngagements(deps: Deps): Promise<number> {
  const today = todayOf(deps);
  const horizon = addDays(today, deps.env.ENGAGEMENT_UPCOMING_DAYS);
  const due = await findDueEngagements(
    deps,
    'upcoming_engagement',
    sql`e.target_start`,
    sql`e.target_start >= ${today} and e.target_start <= ${horizon}`,
  );
  let sent = 0;
  for (const e of due) {
    if (await dispatchScheduled(deps, upcomingEngagementEvent(e, diffDays(today, e.target_start)))) sent++;
  }
  return sent;
}

/** stale_engagement for open engagements whose end date has passed. */
export async function notifyStaleEngagements(deps: Deps): Promise<number> {
  const today = todayOf(deps);
  const due = await findDueEngagements(deps, 'stale_engagement', sql`e.target_end`, sql`e.target_end < ${today}`);
  let sent = 0;
  for (const e of due) {
    if (await dispatchScheduled(deps, staleEngagementEvent(e))) sent++;
  }
  return sent;
}

/**
 * When ENGAGEMENT_AUTO_CLOSE is on: close open engagements whose end date is more than
 * ENGAGEMENT_AUTO_CLOSE_DAYS days past. The close and its event commit together, so a crash never leaves
 * a silent close or an alert about a close that did not happen. An engagement reopened after an
 * automatic close keeps its key's event and is not closed again for the same end date.
 */
export async function autoCloseEngagements(deps: Deps): Promise<number> {
  if (!deps.env.ENGAGEMENT_AUTO_CLOSE) return 0;
  const today = todayOf(deps);
  const cutoff = addDays(today, -deps.env.ENGAGEMENT_AUTO_CLOSE_DAYS);
  const due = await findDueEngagements(deps, 'auto_close_engagement', sql`e.target_end`, sql`e.target_end < ${cutoff}`);
  const closeOne = (e: TDueEngagement): Promise<boolean> =>
    deps.db.transaction(async (tx) => {
      const changed = await tx.run(
        sql`update engagements set status = 'Completed' where id = ${e.id} and status not in ('Completed', 'Cancelled')`,
      );
      // Closed by someone between the query and now: nothing to do, nothing to say.
      if (changed === 0) return false;
      const result = await dispatchEvent(withDb(deps, tx), autoClosedEngagementEvent(e, diffDays(e.target_end, today)));
      // Already closed automatically for this end date and reopened since (the query filters these; this is the guarantee): leave it open.
      if (result.duplicate) throw new AlreadyAnnounced();
      return true;
    });
  let closed = 0;
  for (const e of due) {
    try {
      if (await closeOne(e)) closed++;
    } catch (err) {
      if (!(err instanceof AlreadyAnnounced)) console.error(`Scheduler: could not close the engagement "${e.name}" (${e.id}):`, err);
    }
  }
  return closed;
}

/** One pass of every engagement rule. Auto-close goes first, so an engagement closed now gets no stale alert as well. */
export async function runEngagementJobs(deps: Deps): Promise<TEngagementJobsResult> {
  const autoClosed = await autoCloseEngagements(deps);
  const stale = await notifyStaleEngagements(deps);
  const upcoming = await notifyUpcomingEngagements(deps);
  return { upcoming, stale, autoClosed };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The engagement checks as a scheduled job (listed in scheduler/jobs.ts). */
export const engagementChecksJob: TJob = {
  name: 'engagement_checks',
  label: 'Engagement checks',
  description: 'Upcoming and stale engagements (and, when enabled, closes engagements long past their end date).',
  schedule: (deps: Deps) => ({ kind: 'interval', seconds: deps.env.SCHEDULER_INTERVAL_SECONDS }),
  async run(deps) {
    const r = await runEngagementJobs(deps);
    return {
      eventsRaised: r.upcoming + r.stale + r.autoClosed,
      summary: `${plural(r.upcoming, 'upcoming')}, ${plural(r.stale, 'stale')}, ${plural(r.autoClosed, 'closed')}`,
    };
  },
};
