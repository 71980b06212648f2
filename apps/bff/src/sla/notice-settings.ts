/**
 * The system settings of the SLA and risk-acceptance notices (columns of system_settings, row 1): whether SLA
 * notices go out and for which open findings, the windows around the expiry, the back-off, and how many days
 * ahead a risk acceptance's heads-up goes out. The jobs read them once per run; superusers change them through
 * GET/PUT /api/system-settings/findings.
 */
import type { TFindingNoticeSettings, TUpdateFindingNoticeSettingsBody } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { Database } from '../db/database';
import { isTruthy } from '../db/database';

export type TNoticeSettings = {
  slaNotifyEnabled: boolean;
  slaNotifyVerifiedOnly: boolean;
  slaPreBreachDays: number;
  slaPostBreachDays: number;
  slaBackoff: boolean;
  riskAcceptanceHeadsUpDays: number;
};

type TRow = { [K in keyof TNoticeSettings]: TNoticeSettings[K] extends boolean ? number : number };

export async function readNoticeSettings(db: Database): Promise<TNoticeSettings> {
  const row = await db.get<TRow>(sql`select sla_notify_enabled as "slaNotifyEnabled", sla_notify_verified_only as "slaNotifyVerifiedOnly",
      sla_pre_breach_days as "slaPreBreachDays", sla_post_breach_days as "slaPostBreachDays", sla_backoff as "slaBackoff",
      risk_acceptance_heads_up_days as "riskAcceptanceHeadsUpDays"
    from system_settings where id = 1`);
  // Opening the database inserts row 1; its absence means the database was tampered with.
  if (!row) throw new Error('system_settings row 1 is missing');
  return {
    slaNotifyEnabled: isTruthy(row.slaNotifyEnabled),
    slaNotifyVerifiedOnly: isTruthy(row.slaNotifyVerifiedOnly),
    slaPreBreachDays: Number(row.slaPreBreachDays),
    slaPostBreachDays: Number(row.slaPostBreachDays),
    slaBackoff: isTruthy(row.slaBackoff),
    riskAcceptanceHeadsUpDays: Number(row.riskAcceptanceHeadsUpDays),
  };
}

export async function getFindingNoticeSettings(deps: Deps): Promise<TFindingNoticeSettings> {
  const s = await readNoticeSettings(deps.db);
  return {
    sla_notifications_enabled: s.slaNotifyEnabled,
    sla_notify_findings: s.slaNotifyVerifiedOnly ? 'verified' : 'active',
    sla_pre_breach_days: s.slaPreBreachDays,
    sla_post_breach_days: s.slaPostBreachDays,
    sla_backoff: s.slaBackoff,
    risk_acceptance_heads_up_days: s.riskAcceptanceHeadsUpDays,
    sla_job_time: deps.env.SLA_JOB_TIME,
    time_zone: deps.env.TIME_ZONE,
  };
}

/** A partial update; fields left out keep their value. */
export async function updateFindingNoticeSettings(deps: Deps, body: TUpdateFindingNoticeSettingsBody): Promise<TFindingNoticeSettings> {
  const sets = [
    body.sla_notifications_enabled === undefined ? null : sql`sla_notify_enabled = ${body.sla_notifications_enabled}`,
    body.sla_notify_findings === undefined ? null : sql`sla_notify_verified_only = ${body.sla_notify_findings === 'verified'}`,
    body.sla_pre_breach_days === undefined ? null : sql`sla_pre_breach_days = ${body.sla_pre_breach_days}`,
    body.sla_post_breach_days === undefined ? null : sql`sla_post_breach_days = ${body.sla_post_breach_days}`,
    body.sla_backoff === undefined ? null : sql`sla_backoff = ${body.sla_backoff}`,
    body.risk_acceptance_heads_up_days === undefined ? null : sql`risk_acceptance_heads_up_days = ${body.risk_acceptance_heads_up_days}`,
  ].filter((s) => s !== null);
  if (sets.length > 0) {
    await deps.db.run(sql`update system_settings set ${sql.join(sets, sql`, `)}, updated_at = ${deps.now()} where id = 1`);
  }
  return getFindingNoticeSettings(deps);
}
