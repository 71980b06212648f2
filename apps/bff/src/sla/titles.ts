/**
 * Titles of the SLA notices (events sla_breach and sla_breach_combined). They are plain text: names and
 * finding titles are placed as written and clipped so the whole title stays inside the alert limit.
 */
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import type { TSeverity } from '@tocsin/contract/findings';
import { clipText } from '../lib/clip-text';
import type { TSlaNotice } from './rules';

export type TSlaTitleInput =
  | { finding: { title: string; severity: TSeverity }; notice: TSlaNotice }
  | {
      /** The product the combined notice is about. */
      product: string;
      preBreach: number;
      breachingToday: number;
      overdue: number;
      /** The pre-breach window the counts were taken with. */
      preBreachDays: number;
    };

const FINDING_TITLE_MAX = 150;
const PRODUCT_MAX = 100;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describeNotice(notice: TSlaNotice): string {
  switch (notice.kind) {
    case 'pre_breach':
      return `breaches in ${plural(notice.daysLeft, 'day', 'days')}`;
    case 'breaching_today':
      return 'breaches today';
    case 'overdue':
      return `is ${plural(notice.daysOverdue, 'day', 'days')} overdue`;
  }
}

const inTheNext = (days: number) => (days === 1 ? 'in the next day' : `in the next ${days} days`);

/** Title of one finding's SLA notice, or of a product's combined notice. */
export function formatSlaTitle(input: TSlaTitleInput): string {
  if ('finding' in input) {
    const { finding, notice } = input;
    return clipText(
      `SLA: '${clipText(finding.title, FINDING_TITLE_MAX)}' (${finding.severity}) ${describeNotice(notice)}`,
      ALERT_LIMITS.title,
    );
  }
  const { preBreach, breachingToday, overdue, preBreachDays } = input;
  const product = clipText(input.product, PRODUCT_MAX);
  const total = preBreach + breachingToday + overdue;
  const kinds = [preBreach, breachingToday, overdue].filter((n) => n > 0).length;
  let what: string;
  if (total === 0) {
    what = 'no findings near their SLA';
  } else if (kinds > 1) {
    const parts = [
      overdue > 0 ? `${overdue} overdue` : null,
      breachingToday > 0 ? `${breachingToday} breaching today` : null,
      preBreach > 0 ? `${preBreach} breaching ${inTheNext(preBreachDays)}` : null,
    ].filter((p) => p !== null);
    what = `SLA of ${total} findings: ${parts.join(', ')}`;
  } else if (overdue > 0) {
    what = `${plural(overdue, 'finding is', 'findings are')} past ${overdue === 1 ? 'its' : 'their'} SLA`;
  } else if (breachingToday > 0) {
    what = `${plural(breachingToday, 'finding breaches its', 'findings breach their')} SLA today`;
  } else {
    what = `${plural(preBreach, 'finding breaches its', 'findings breach their')} SLA ${inTheNext(preBreachDays)}`;
  }
  return clipText(`${product}: ${what}`, ALERT_LIMITS.title);
}
