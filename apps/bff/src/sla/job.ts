/**
 * The daily SLA job (DefectDojo's sla_compute_and_notify): for every open finding whose SLA expiry falls within
 * the notice window around today, the notice the rules give (sla/rules.ts classifySla: pre-breach, breaching
 * today, or overdue, with the optional back-off) as sla_breach; then one sla_breach_combined per product and kind
 * listing its findings.
 *
 * - Candidates come from SQL by date window (index findings_status_sla on status + sla_expires_on), never from
 *   scanning every finding: only findings that can get a notice today are read.
 * - Once per finding and day, whatever restarts, re-runs, "Run now" or a second replica do: each notice's key
 *   (`sla_breach:<finding>:<date>`, `sla_breach_combined:<product>:<kind>:<date>`) is inserted into sent_notices
 *   in the transaction of its dispatch; a key already there means the notice went out, and a rollback frees it.
 * - Notices are dispatched in batches (notifications/dispatch-batch.ts), each batch one transaction: a handful of
 *   statements per BATCH_SIZE findings, not a dozen per notice.
 *
 * Entry point for benchmarks: runSlaNotices(deps) (bench/sla.ts).
 */
import type { TSeverity } from '@tocsin/contract/findings';
import { sql } from 'drizzle-orm';
import { type Deps, withDb } from '../app-context';
import type { Database } from '../db/database';
import { addDays, calendarDateIn, diffDays } from '../lib/calendar-date';
import { dispatchEvents } from '../notifications/dispatch-batch';
import type { TJob } from '../scheduler/runner';
import { slaBreachCombinedEvent, slaBreachEvent, type TSlaFinding } from './events';
import { readNoticeSettings } from './notice-settings';
import { classifySla, type TSlaNotice } from './rules';

/** Findings (or combined notices) per transaction. */
export const BATCH_SIZE = 200;
/** Keys of sent notices are kept this long (they only need to outlive their day; the rest is an audit trail). */
const SENT_NOTICE_RETENTION_MS = 30 * 86_400_000;

export type TSlaRunResult = {
  today: string;
  /** Findings in the window with a notice due today. */
  due: number;
  single: number;
  combined: number;
  /** Notices not sent because of an error (logged); they are tried again at the next run. */
  failed: number;
  disabled: boolean;
};

type TClassified = TSlaFinding & { notice: TSlaNotice; daysLeft: number };

/** Insert the keys; returns those that were not there yet (this transaction now owns their notices). */
async function claimNoticeKeys(db: Database, keys: readonly string[], now: number): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  // Sorted, so two runners claiming overlapping keys lock them in the same order.
  const sorted = [...keys].sort();
  const rows = await db.all<{ key: string }>(sql`insert into sent_notices (key, created_at)
    values ${sql.join(
      sorted.map((k) => sql`(${k}, ${now})`),
      sql`, `,
    )}
    on conflict (key) do nothing returning key`);
  return new Set(rows.map((r) => r.key));
}

/** PostgreSQL's deadlock and serialization failures: the batch is simply tried again. */
const isRetryable = (err: unknown) =>
  err instanceof Error && 'code' in err && ((err as { code: unknown }).code === '40P01' || (err as { code: unknown }).code === '40001');

async function inBatchTransaction<T>(deps: Deps, work: (txDeps: Deps) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction((tx) => work(withDb(deps, tx)));
    } catch (err) {
      if (!isRetryable(err) || attempt >= 3) throw err;
    }
  }
}

/** The open findings with an SLA notice due today, most urgent first within each product. */
async function findDueFindings(
  deps: Deps,
  today: string,
  settings: Awaited<ReturnType<typeof readNoticeSettings>>,
): Promise<TClassified[]> {
  const from = addDays(today, -settings.slaPostBreachDays);
  const to = addDays(today, settings.slaPreBreachDays);
  const statuses = settings.slaNotifyVerifiedOnly ? sql`('verified')` : sql`('active', 'verified')`;
  const rows = await deps.db.all<TSlaFinding>(sql`select f.id, f.title, f.severity, f.status, f.date_found as "dateFound",
      f.sla_expires_on as "slaExpiresOn", f.test_id as "testId", f.product_id as "productId", p.name as "productName",
      f.engagement_id as "engagementId", e.name as "engagementName"
    from findings f
    join products p on p.id = f.product_id
    join engagements e on e.id = f.engagement_id
    where f.status in ${statuses} and f.sla_expires_on >= ${from} and f.sla_expires_on <= ${to} and p.sla_notifications = 1
    order by f.product_id, f.sla_expires_on, f.id`);
  const due: TClassified[] = [];
  for (const f of rows) {
    const notice = classifySla({
      expiry: f.slaExpiresOn,
      today,
      preBreachDays: settings.slaPreBreachDays,
      postBreachDays: settings.slaPostBreachDays,
      backoff: settings.slaBackoff,
    });
    if (notice) due.push({ ...f, notice, daysLeft: diffDays(today, f.slaExpiresOn) });
  }
  return due;
}

/** One run of the SLA notices for today (in TIME_ZONE). Safe to run any number of times a day. */
export async function runSlaNotices(deps: Deps): Promise<TSlaRunResult> {
  const now = deps.now();
  const today = calendarDateIn(now, deps.env.TIME_ZONE);
  const settings = await readNoticeSettings(deps.db);
  const result: TSlaRunResult = { today, due: 0, single: 0, combined: 0, failed: 0, disabled: !settings.slaNotifyEnabled };
  await deps.db.run(sql`delete from sent_notices where created_at < ${now - SENT_NOTICE_RETENTION_MS}`);
  if (!settings.slaNotifyEnabled) return result;

  const due = await findDueFindings(deps, today, settings);
  result.due = due.length;
  let firstError: unknown = null;

  for (let i = 0; i < due.length; i += BATCH_SIZE) {
    const batch = due.slice(i, i + BATCH_SIZE);
    try {
      result.single += await inBatchTransaction(deps, async (txDeps) => {
        const claimed = await claimNoticeKeys(
          txDeps.db,
          batch.map((f) => `sla_breach:${f.id}:${today}`),
          now,
        );
        const inputs = batch.filter((f) => claimed.has(`sla_breach:${f.id}:${today}`)).map((f) => slaBreachEvent(f, f.notice, today));
        return (await dispatchEvents(txDeps, inputs)).filter((r) => !r.duplicate).length;
      });
    } catch (err) {
      firstError ??= err;
      result.failed += batch.length;
      console.error(`[sla] ${batch.length} SLA notices could not be sent; they are tried again at the next run:`, err);
    }
  }

  // One combined notice per product and kind, listing all of that kind today (even those notified singly earlier).
  const groups = new Map<string, { product: { id: number; name: string }; kind: TSlaNotice['kind']; findings: TClassified[] }>();
  for (const f of due) {
    const key = `${f.productId}:${f.notice.kind}`;
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { product: { id: f.productId, name: f.productName }, kind: f.notice.kind, findings: [f] });
  }
  const combined = [...groups.values()];
  for (let i = 0; i < combined.length; i += BATCH_SIZE) {
    const batch = combined.slice(i, i + BATCH_SIZE);
    const keyOf = (g: (typeof batch)[number]) => `sla_breach_combined:${g.product.id}:${g.kind}:${today}`;
    try {
      result.combined += await inBatchTransaction(deps, async (txDeps) => {
        const claimed = await claimNoticeKeys(txDeps.db, batch.map(keyOf), now);
        const inputs = batch
          .filter((g) => claimed.has(keyOf(g)))
          .map((g) => {
            const findings = [...g.findings].sort((a, b) => a.daysLeft - b.daysLeft || rank(a.severity) - rank(b.severity) || a.id - b.id);
            return slaBreachCombinedEvent({ product: g.product, kind: g.kind, findings, preBreachDays: settings.slaPreBreachDays, today });
          });
        return (await dispatchEvents(txDeps, inputs)).filter((r) => !r.duplicate).length;
      });
    } catch (err) {
      firstError ??= err;
      result.failed += batch.length;
      console.error(`[sla] ${batch.length} combined SLA notices could not be sent; they are tried again at the next run:`, err);
    }
  }
  if (firstError !== null) {
    const reason = firstError instanceof Error ? firstError.message : String(firstError);
    throw new Error(
      `${result.single} SLA notices and ${result.combined} combined notices sent; ${result.failed} could not be sent (${reason}). ` +
        'They are tried again at the next run.',
    );
  }
  return result;
}

const SEVERITY_ORDER: readonly TSeverity[] = ['Critical', 'High', 'Medium', 'Low', 'Info'];
const rank = (s: TSeverity) => SEVERITY_ORDER.indexOf(s);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Daily at SLA_JOB_TIME in TIME_ZONE; listed in scheduler/jobs.ts. */
export const slaNoticesJob: TJob = {
  name: 'sla_notifications',
  label: 'SLA notifications',
  description:
    'Open findings near or past their SLA: sla_breach per finding (pre-breach, breaching today, overdue with the optional back-off) ' +
    'and one sla_breach_combined per product and kind. Each notice goes out once per finding and day.',
  schedule: (deps: Deps) => ({ kind: 'daily', at: deps.env.SLA_JOB_TIME, timeZone: deps.env.TIME_ZONE }),
  async run(deps) {
    const r = await runSlaNotices(deps);
    if (r.disabled) return { eventsRaised: 0, summary: 'SLA notifications are off in System Settings.' };
    return {
      eventsRaised: r.single + r.combined,
      summary: `${r.today}: ${plural(r.due, 'finding')} due a notice; ${plural(r.single, 'SLA notice')} and ${plural(r.combined, 'combined notice')} sent`,
    };
  },
};
