/**
 * When a risk acceptance notifies (event risk_acceptance_expiration), as a pure function of its dates.
 * DefectDojo's expiration_handler (dojo/risk_acceptance/helper.py) runs daily: first it expires every
 * acceptance whose expiration date is today or earlier and not yet handled, then it warns about those
 * expiring within `risk_acceptance_notify_before_expiration` days (default 10, 0 turns it off) that were
 * neither warned nor handled. Each notice goes out once; this function is that rule for one acceptance.
 */
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import { diffDays } from '../lib/calendar-date';
import { clipText } from '../lib/clip-text';

export type TRiskAcceptanceNotice = 'heads_up' | 'expired';

export type TRiskAcceptanceWindowInput = {
  /** Last day of the acceptance; it has expired once this day has come. null: it never expires. */
  expiresOn: string | null;
  today: string;
  /** Days ahead to warn; 0 sends no heads-up. */
  headsUpDays?: number;
  /** When the heads-up went out; null if it did not. */
  headsUpSentAt: string | null;
  /** When the expiry was handled and announced; null if it was not. */
  expiredSentAt: string | null;
};

export const DEFAULT_HEADS_UP_DAYS = 10;

/** The notice due today for one risk acceptance, or null. */
export function classifyRiskAcceptance(input: TRiskAcceptanceWindowInput): TRiskAcceptanceNotice | null {
  const { expiresOn, today, headsUpDays = DEFAULT_HEADS_UP_DAYS, headsUpSentAt, expiredSentAt } = input;
  if (!Number.isInteger(headsUpDays) || headsUpDays < 0)
    throw new RangeError(`headsUpDays must be a whole number, 0 or more: ${headsUpDays}`);
  if (expiresOn === null || expiredSentAt !== null) return null;
  // Expiry wins over a heads-up that was never sent: one notice, the one that is true now.
  if (diffDays(today, expiresOn) <= 0) return 'expired';
  if (headsUpDays === 0 || headsUpSentAt !== null) return null;
  // Also covers an acceptance created already inside the window: it gets its one heads-up on the next run.
  return diffDays(today, expiresOn) <= headsUpDays ? 'heads_up' : null;
}

export type TRiskAcceptanceTitleInput = {
  notice: TRiskAcceptanceNotice;
  /** Number of findings the acceptance covers. */
  findings: number;
  expiresOn: string;
  product: string;
  engagement: string;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NAME_MAX = 80;

/** DefectDojo writes the date as "%b %d, %Y"; spelled out here so no locale data can change it. */
function formatDate(date: string): string {
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(8, 10)}, ${date.slice(0, 4)}`;
}

/** Title of a risk acceptance notice, worded as DefectDojo words it. */
export function formatRiskAcceptanceTitle(input: TRiskAcceptanceTitleInput): string {
  const count = `${input.findings} accepted ${input.findings === 1 ? 'finding' : 'findings'}`;
  const where = `${clipText(input.product, NAME_MAX)}: ${clipText(input.engagement, NAME_MAX)}`;
  const title =
    input.notice === 'heads_up'
      ? `Risk acceptance with ${count} will expire on ${formatDate(input.expiresOn)} for ${where}`
      : `Risk acceptance with ${count} has expired for ${where}`;
  return clipText(title, ALERT_LIMITS.title);
}
