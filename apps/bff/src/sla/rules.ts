/**
 * SLA rules as pure functions: when a finding's SLA expires, and which notice (if any) a daily run sends
 * about it. This is DefectDojo's `sla_compute_and_notify` (dojo/notifications/helper.py) without the
 * database: pre-breach within `preBreachDays` (DD_SLA_NOTIFY_PRE_BREACH, 3), on the day itself, and
 * after the breach for `postBreachDays` (DD_SLA_NOTIFY_POST_BREACH, 7), optionally only on days
 * 1, 2, 4, 8, … overdue (the "exponential back-off" system setting).
 *
 * Dates are calendar dates (YYYY-MM-DD). The scheduler turns "now" into today's date in the configured
 * time zone with `calendarDateIn`, once per run; everything here counts whole days between dates.
 */
import type { TSeverity, TSlaPeriods } from '@tocsin/contract/findings';
import { addDays, diffDays } from '../lib/calendar-date';

export type TSlaConfiguration = TSlaPeriods;

export type TSlaNotice = { kind: 'pre_breach'; daysLeft: number } | { kind: 'breaching_today' } | { kind: 'overdue'; daysOverdue: number };

export type TSlaClassifyInput = {
  /** The finding's SLA expiry; null when its severity has no enforced SLA. */
  expiry: string | null;
  today: string;
  /** Days before the expiry that warn; 0 sends no pre-breach notices. */
  preBreachDays?: number;
  /** Days after the expiry that still notify; 0 stops on the day of the breach. */
  postBreachDays?: number;
  /** After the breach, notify only when the days overdue are a power of two. */
  backoff: boolean;
};

export const DEFAULT_PRE_BREACH_DAYS = 3;
export const DEFAULT_POST_BREACH_DAYS = 7;

/** The day the SLA of a finding of `severity` found on `dateFound` expires, or null when that severity has no enforced SLA. */
export function computeSlaExpiry(dateFound: string, severity: TSeverity, config: TSlaConfiguration): string | null {
  const period = config[severity];
  if (!period.enforced || period.days === null) return null;
  return addDays(dateFound, period.days);
}

function assertWindow(name: string, days: number) {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`${name} must be a whole number of days, 0 or more: ${days}`);
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Which SLA notice is due today for one finding, or null for none. */
export function classifySla(input: TSlaClassifyInput): TSlaNotice | null {
  const { expiry, today, preBreachDays = DEFAULT_PRE_BREACH_DAYS, postBreachDays = DEFAULT_POST_BREACH_DAYS, backoff } = input;
  assertWindow('preBreachDays', preBreachDays);
  assertWindow('postBreachDays', postBreachDays);
  if (expiry === null) return null;
  const daysLeft = diffDays(today, expiry);
  if (daysLeft > 0) return daysLeft <= preBreachDays ? { kind: 'pre_breach', daysLeft } : null;
  if (daysLeft === 0) return { kind: 'breaching_today' };
  const daysOverdue = -daysLeft;
  if (daysOverdue > postBreachDays) return null;
  if (backoff && !isPowerOfTwo(daysOverdue)) return null;
  return { kind: 'overdue', daysOverdue };
}
