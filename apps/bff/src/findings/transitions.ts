/**
 * The one module that changes a finding's status once it exists, and the one writer of its status history:
 * imports (a finding's first status, reactivation, mitigation), people (POST /api/findings/:id/status) and
 * risk acceptances (accept, and reactivate on expiry) all come through here. Each call is set-based (one
 * statement for the history, one for the findings, whatever the number of findings) and must run inside the
 * caller's transaction, so the status and its history row are committed together.
 */
import type { TFindingStatus } from '@tocsin/contract/findings';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database';

export type TStatusSource = 'import' | 'reimport' | 'manual' | 'risk_acceptance' | 'risk_acceptance_expired';

export type TTransition = {
  ids: readonly number[];
  to: TFindingStatus;
  source: TStatusSource;
  /** Who changed it; null for the system (a risk acceptance expiring). */
  changedBy: number | null;
  now: number;
  /** The day a finding moving to mitigated was mitigated (YYYY-MM-DD); required for `to: 'mitigated'`. */
  mitigatedOn?: string;
  note?: string | null;
  importId?: number | null;
  riskAcceptanceId?: number | null;
};

/**
 * Move the findings `ids` to `to`: one history row each (from their current status), then the status itself.
 * Findings already in `to` are left alone (no history row). Leaving `mitigated` clears the mitigation date;
 * entering it sets the date and who. Returns how many findings changed.
 */
export async function transitionFindings(db: Database, t: TTransition): Promise<number> {
  if (t.ids.length === 0) return 0;
  if (t.to === 'mitigated' && !t.mitigatedOn) throw new Error('transitionFindings: a mitigation needs its date');
  const selected = sql`${db.fragments.inIds(sql`f.id`, t.ids)} and f.status != ${t.to}`;
  await db.run(sql`insert into finding_status_history (finding_id, from_status, to_status, changed_by, source, import_id,
      risk_acceptance_id, note, created_at)
    select f.id, f.status, ${t.to}, cast(${t.changedBy} as integer), ${t.source}, cast(${t.importId ?? null} as integer),
      cast(${t.riskAcceptanceId ?? null} as integer), cast(${t.note ?? null} as text), cast(${t.now} as bigint)
    from findings f where ${selected}
    order by f.id`);
  const mitigation =
    t.to === 'mitigated'
      ? sql`mitigated_on = ${t.mitigatedOn ?? null}, mitigated_by = ${t.changedBy}`
      : sql`mitigated_on = null, mitigated_by = null`;
  return db.run(sql`update findings set status = ${t.to}, ${mitigation}, updated_at = ${t.now}
    where ${db.fragments.inIds(sql`id`, t.ids)} and status != ${t.to}`);
}

/** The first history row of every finding an import created (their status as imported). */
export async function recordImportedFindings(db: Database, input: { importId: number; changedBy: number | null; now: number }) {
  await db.run(sql`insert into finding_status_history (finding_id, from_status, to_status, changed_by, source, import_id, created_at)
    select f.id, null, f.status, cast(${input.changedBy} as integer), 'import', f.import_id, cast(${input.now} as bigint)
    from findings f where f.import_id = ${input.importId}
    order by f.id`);
}
