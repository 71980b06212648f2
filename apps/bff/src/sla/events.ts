/**
 * The SLA notices: sla_breach about one finding (before the breach, on the day, or overdue) and
 * sla_breach_combined, one per product and kind listing its findings. Raised by the daily SLA job (sla/job.ts),
 * nobody acting (createdBy null); the idempotency keys name the finding (or product and kind) and the day.
 */

import type { TSeverity } from '@tocsin/contract/findings';
import { clipText } from '../lib/clip-text';
import { escapeMarkdown } from '../lib/text';
import type { TDispatchInput } from '../notifications/dispatch';
import { findingLinks, PAYLOAD_LIST_LIMIT, type TPayloadFindingDetail, type TPayloadSlaList } from '../notifications/event-payload';
import type { TSlaNotice } from './rules';
import { formatSlaTitle } from './titles';

export type TSlaFinding = {
  id: number;
  title: string;
  severity: TSeverity;
  status: 'active' | 'verified';
  dateFound: string;
  slaExpiresOn: string;
  testId: number;
  productId: number;
  productName: string;
  engagementId: number;
  engagementName: string;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function noticeSentence(notice: TSlaNotice, expiresOn: string): string {
  switch (notice.kind) {
    case 'pre_breach':
      return `breaches its SLA in ${plural(notice.daysLeft, 'day')}, on ${expiresOn}`;
    case 'breaching_today':
      return `breaches its SLA today (${expiresOn})`;
    case 'overdue':
      return `is ${plural(notice.daysOverdue, 'day')} past its SLA, which expired on ${expiresOn}`;
  }
}

const slaBlock = (notice: TSlaNotice, expiresOn: string) =>
  notice.kind === 'pre_breach'
    ? { kind: notice.kind, days_left: notice.daysLeft, expires_on: expiresOn }
    : notice.kind === 'breaching_today'
      ? { kind: notice.kind, expires_on: expiresOn }
      : { kind: notice.kind, days_overdue: notice.daysOverdue, expires_on: expiresOn };

function payloadFinding(f: TSlaFinding): TPayloadFindingDetail {
  return {
    id: f.id,
    title: f.title,
    severity: f.severity,
    status: f.status,
    date_found: f.dateFound,
    sla_expires_on: f.slaExpiresOn,
    test_id: f.testId,
    ...findingLinks(f.id),
  };
}

export function slaBreachEvent(f: TSlaFinding, notice: TSlaNotice, today: string): TDispatchInput {
  return {
    event: 'sla_breach',
    title: formatSlaTitle({ finding: { title: f.title, severity: f.severity }, notice }),
    description:
      `The **${f.severity}** finding **${escapeMarkdown(f.title)}** in **${escapeMarkdown(f.productName)}** / ` +
      `${escapeMarkdown(f.engagementName)} ${noticeSentence(notice, f.slaExpiresOn)}. It was found on ${f.dateFound} and is ` +
      `${f.status === 'verified' ? 'verified' : 'active'}: fix it, or record why it may stay (risk acceptance, false positive).`,
    url: `/findings/${f.id}`,
    productId: f.productId,
    engagementId: f.engagementId,
    createdBy: null,
    idempotencyKey: `sla_breach:${f.id}:${today}`,
    // One alert per finding within the coalescing window, however often its notice is raised (issue 10 §4).
    dedupeKey: `sla:finding:${f.id}`,
    payload: { finding: payloadFinding(f), sla: slaBlock(notice, f.slaExpiresOn) },
  };
}

/** Findings listed in a combined notice's description; the payload lists up to PAYLOAD_LIST_LIMIT. */
const DESCRIPTION_LIST_MAX = 15;
const LIST_TITLE_MAX = 100;

function kindPhrase(kind: TSlaNotice['kind'], n: number, preBreachDays: number): string {
  const its = n === 1 ? 'its' : 'their';
  const breach = n === 1 ? 'breaches' : 'breach';
  switch (kind) {
    case 'pre_breach':
      return `${breach} ${its} SLA within the next ${plural(preBreachDays, 'day')}`;
    case 'breaching_today':
      return `${breach} ${its} SLA today`;
    case 'overdue':
      return `${n === 1 ? 'is' : 'are'} past ${its} SLA`;
  }
}

function daysText(kind: TSlaNotice['kind'], daysLeft: number): string {
  if (kind === 'breaching_today') return 'breaches today';
  return daysLeft > 0 ? `${plural(daysLeft, 'day')} left` : `${plural(-daysLeft, 'day')} overdue`;
}

export function slaBreachCombinedEvent(input: {
  product: { id: number; name: string };
  kind: TSlaNotice['kind'];
  /** The product's findings of that kind today, most urgent first, with their days left (negative: overdue). */
  findings: (TSlaFinding & { daysLeft: number })[];
  preBreachDays: number;
  today: string;
}): TDispatchInput {
  const { product, kind, findings } = input;
  const n = findings.length;
  const lines = findings
    .slice(0, DESCRIPTION_LIST_MAX)
    .map(
      (f) =>
        `- **${f.severity}** [${escapeMarkdown(clipText(f.title, LIST_TITLE_MAX))}](/findings/${f.id}): ` +
        `${daysText(kind, f.daysLeft)} (SLA ${f.slaExpiresOn})`,
    );
  if (n > DESCRIPTION_LIST_MAX) lines.push(`- …and ${n - DESCRIPTION_LIST_MAX} more on the product's findings page`);
  const list: TPayloadSlaList = {
    kind,
    items: findings.slice(0, PAYLOAD_LIST_LIMIT).map((f) => ({
      id: f.id,
      title: f.title,
      severity: f.severity,
      ...findingLinks(f.id),
      sla_expires_on: f.slaExpiresOn,
      days_left: f.daysLeft,
    })),
    total: n,
    list_limit: PAYLOAD_LIST_LIMIT,
  };
  return {
    event: 'sla_breach_combined',
    title: formatSlaTitle({
      product: product.name,
      preBreach: kind === 'pre_breach' ? n : 0,
      breachingToday: kind === 'breaching_today' ? n : 0,
      overdue: kind === 'overdue' ? n : 0,
      preBreachDays: input.preBreachDays,
    }),
    description: `${plural(n, 'open finding')} of **${escapeMarkdown(product.name)}** ${kindPhrase(kind, n, input.preBreachDays)}:\n\n${lines.join('\n')}`,
    url: `/products/${product.id}/findings`,
    productId: product.id,
    createdBy: null,
    idempotencyKey: `sla_breach_combined:${product.id}:${kind}:${input.today}`,
    dedupeKey: `sla:product:${product.id}:${kind}`,
    payload: { sla: list },
  };
}
