/**
 * The risk acceptance job (DefectDojo's expiration_handler), every few hours: for each acceptance with an expiry,
 * the notice risk-acceptances/windows.ts gives today (classifyRiskAcceptance): a heads-up N days ahead (system
 * setting, default 10; 0 sends none), or the expiry itself, which reactivates the findings when the acceptance says
 * so (restoring active or verified, optionally restarting their SLA from today). Each notice goes out once: its
 * timestamp (heads_up_sent_at, expired_at) is set by a conditional update in the transaction of the dispatch, so
 * a second runner, a re-run or a restart finds it set and sends nothing.
 */
import type { TFindingStatus, TSeverity } from '@tocsin/contract/findings';
import { sql } from 'drizzle-orm';
import { type Deps, withDb } from '../app-context';
import { transitionFindings } from '../findings/transitions';
import { addDays, calendarDateIn, diffDays } from '../lib/calendar-date';
import { dispatchEvent } from '../notifications/dispatch';
import type { TJob } from '../scheduler/runner';
import { recomputeSlaExpiry } from '../sla/configurations';
import { readNoticeSettings } from '../sla/notice-settings';
import { riskAcceptanceEvent, type TExpiringAcceptance } from './events';
import { classifyRiskAcceptance, type TRiskAcceptanceNotice } from './windows';

export type TRiskAcceptanceRunResult = { headsUp: number; expired: number; reactivatedFindings: number; failed: number };

type TCandidate = Omit<TExpiringAcceptance, 'findings' | 'reactivateExpired' | 'restartSlaExpired'> & {
  reactivateExpired: number;
  restartSlaExpired: number;
  headsUpSentAt: number | null;
};

async function handleOne(deps: Deps, ra: TCandidate, notice: TRiskAcceptanceNotice, today: string): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const now = deps.now();
    const claimed =
      notice === 'heads_up'
        ? await tx.run(sql`update risk_acceptances set heads_up_sent_at = ${now}, updated_at = ${now}
            where id = ${ra.id} and heads_up_sent_at is null and expired_at is null`)
        : await tx.run(
            sql`update risk_acceptances set expired_at = ${now}, updated_at = ${now} where id = ${ra.id} and expired_at is null`,
          );
    // Another runner handled it first.
    if (claimed === 0) return -1;
    const findings = await tx.all<{
      id: number;
      title: string;
      severity: TSeverity;
      status: TFindingStatus;
      previousStatus: TFindingStatus;
    }>(
      sql`select f.id, f.title, f.severity, f.status, raf.previous_status as "previousStatus"
        from risk_acceptance_findings raf join findings f on f.id = raf.finding_id
        where raf.risk_acceptance_id = ${ra.id}
        order by case f.severity when 'Critical' then 0 when 'High' then 1 when 'Medium' then 2 when 'Low' then 3 else 4 end, f.id`,
    );
    let reactivated = 0;
    if (notice === 'expired' && ra.reactivateExpired === 1) {
      const held = findings.filter((f) => f.status === 'risk_accepted');
      for (const to of ['active', 'verified'] as const) {
        reactivated += await transitionFindings(tx, {
          ids: held.filter((f) => (f.previousStatus === 'verified' ? 'verified' : 'active') === to).map((f) => f.id),
          to,
          source: 'risk_acceptance_expired',
          changedBy: null,
          now,
          riskAcceptanceId: ra.id,
          note: `Risk acceptance "${ra.name}" expired on ${ra.expiresOn}.`,
        });
      }
      if (ra.restartSlaExpired === 1 && held.length > 0) {
        const ids = held.map((f) => f.id);
        await tx.run(sql`update findings set sla_start_date = ${today} where ${tx.fragments.inIds(sql`id`, ids)}`);
        await recomputeSlaExpiry(tx, tx.fragments.inIds(sql`findings.id`, ids));
      }
    }
    const event = riskAcceptanceEvent(
      {
        ...ra,
        reactivateExpired: ra.reactivateExpired === 1,
        restartSlaExpired: ra.restartSlaExpired === 1,
        findings: findings.map((f) => ({ id: f.id, title: f.title, severity: f.severity })),
      },
      notice,
      diffDays(today, ra.expiresOn),
    );
    await dispatchEvent(withDb(deps, tx), event);
    return reactivated;
  });
}

/** One pass over the acceptances due a notice today (in TIME_ZONE). Safe to run any number of times. */
export async function runRiskAcceptanceNotices(deps: Deps): Promise<TRiskAcceptanceRunResult> {
  const today = calendarDateIn(deps.now(), deps.env.TIME_ZONE);
  const headsUpDays = (await readNoticeSettings(deps.db)).riskAcceptanceHeadsUpDays;
  const horizon = addDays(today, headsUpDays);
  const candidates = await deps.db.all<TCandidate>(sql`select ra.id, ra.name, ra.product_id as "productId", p.name as "productName",
      ra.engagement_id as "engagementId", e.name as "engagementName", o.username as "ownerUsername", ra.decision,
      ra.expires_on as "expiresOn", ra.reactivate_expired as "reactivateExpired", ra.restart_sla_expired as "restartSlaExpired",
      ra.heads_up_sent_at as "headsUpSentAt"
    from risk_acceptances ra
    join products p on p.id = ra.product_id
    left join engagements e on e.id = ra.engagement_id
    left join users o on o.id = ra.owner_id
    where ra.expired_at is null and ra.expires_on is not null
      and (ra.expires_on <= ${today} or (${headsUpDays} > 0 and ra.heads_up_sent_at is null and ra.expires_on <= ${horizon}))
    order by ra.expires_on, ra.id`);
  const result: TRiskAcceptanceRunResult = { headsUp: 0, expired: 0, reactivatedFindings: 0, failed: 0 };
  let firstError: unknown = null;
  for (const ra of candidates) {
    const notice = classifyRiskAcceptance({
      expiresOn: ra.expiresOn,
      today,
      headsUpDays,
      headsUpSentAt: ra.headsUpSentAt === null ? null : String(ra.headsUpSentAt),
      expiredSentAt: null,
    });
    if (notice === null) continue;
    try {
      const reactivated = await handleOne(deps, ra, notice, today);
      if (reactivated < 0) continue;
      if (notice === 'heads_up') result.headsUp++;
      else result.expired++;
      result.reactivatedFindings += reactivated;
    } catch (err) {
      firstError ??= err;
      result.failed++;
      console.error(`[risk acceptances] the ${notice} notice of "${ra.name}" (${ra.id}) failed; it is tried again at the next run:`, err);
    }
  }
  if (firstError !== null) {
    throw new Error(
      `${result.headsUp} heads-ups and ${result.expired} expiries handled; ${result.failed} failed ` +
        `(${firstError instanceof Error ? firstError.message : String(firstError)}) and are tried again at the next run.`,
    );
  }
  return result;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Every RISK_ACCEPTANCE_INTERVAL_SECONDS (default 4 h); listed in scheduler/jobs.ts. */
export const riskAcceptanceJob: TJob = {
  name: 'risk_acceptance_expiration',
  label: 'Risk acceptance expiration',
  description:
    'Heads-up before a risk acceptance expires (System Settings: days ahead), then its expiry: the findings become active again ' +
    'when the acceptance says so. Each notice goes out once.',
  schedule: (deps: Deps) => ({ kind: 'interval', seconds: deps.env.RISK_ACCEPTANCE_INTERVAL_SECONDS }),
  async run(deps) {
    const r = await runRiskAcceptanceNotices(deps);
    return {
      eventsRaised: r.headsUp + r.expired,
      summary: `${plural(r.headsUp, 'heads-up')}, ${plural(r.expired, 'expiry', 'expiries')} (${plural(r.reactivatedFindings, 'finding')} reactivated)`,
    };
  },
};
