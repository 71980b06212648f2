/**
 * The risk_acceptance_expiration event, twice in an acceptance's life: a heads-up some days before it expires,
 * and the notice that it has expired (and whether its findings are active again). Raised by the risk acceptance
 * job (nobody acting); titles by formatRiskAcceptanceTitle, as DefectDojo words them.
 */
import type { TSeverity } from '@tocsin/contract/findings';
import { clipText } from '../lib/clip-text';
import { escapeMarkdown } from '../lib/text';
import type { TDispatchInput } from '../notifications/dispatch';
import { findingLinks, PAYLOAD_LIST_LIMIT } from '../notifications/event-payload';
import { formatRiskAcceptanceTitle, type TRiskAcceptanceNotice } from './windows';

export type TExpiringAcceptance = {
  id: number;
  name: string;
  productId: number;
  productName: string;
  engagementId: number | null;
  engagementName: string | null;
  ownerUsername: string | null;
  decision: string;
  expiresOn: string;
  reactivateExpired: boolean;
  restartSlaExpired: boolean;
  findings: { id: number; title: string; severity: TSeverity }[];
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const DESCRIPTION_LIST_MAX = 10;
const TITLE_MAX = 100;

export function riskAcceptanceEvent(ra: TExpiringAcceptance, notice: TRiskAcceptanceNotice, daysLeft: number): TDispatchInput {
  const n = ra.findings.length;
  const where = ra.engagementName
    ? `**${escapeMarkdown(ra.productName)}** / ${escapeMarkdown(ra.engagementName)}`
    : `**${escapeMarkdown(ra.productName)}**`;
  const owner = ra.ownerUsername ? ` (owner: ${escapeMarkdown(ra.ownerUsername)})` : '';
  const head =
    notice === 'heads_up'
      ? `The risk acceptance **${escapeMarkdown(ra.name)}** on ${where}${owner} covers ${plural(n, 'finding')} and expires on ` +
        `${ra.expiresOn}, in ${plural(daysLeft, 'day')}. ` +
        (ra.reactivateExpired
          ? 'Its findings become active again then: renew the acceptance, or plan their fixes.'
          : 'Its findings stay risk accepted after that: decide whether to renew it.')
      : `The risk acceptance **${escapeMarkdown(ra.name)}** on ${where}${owner} expired on ${ra.expiresOn}. ` +
        (ra.reactivateExpired
          ? `Its ${plural(n, 'finding is', 'findings are')} active again${ra.restartSlaExpired ? ', with their SLA restarting today' : ''}.`
          : `Its ${plural(n, 'finding stays', 'findings stay')} risk accepted: decide what to do with ${n === 1 ? 'it' : 'them'}.`);
  const lines = ra.findings
    .slice(0, DESCRIPTION_LIST_MAX)
    .map((f) => `- **${f.severity}** [${escapeMarkdown(clipText(f.title, TITLE_MAX))}](/findings/${f.id})`);
  if (n > DESCRIPTION_LIST_MAX) lines.push(`- …and ${n - DESCRIPTION_LIST_MAX} more`);
  const url = `/risk-acceptances/${ra.id}`;
  return {
    event: 'risk_acceptance_expiration',
    title: formatRiskAcceptanceTitle({
      notice,
      findings: n,
      expiresOn: ra.expiresOn,
      product: ra.productName,
      engagement: ra.engagementName ?? ra.name,
    }),
    description: lines.length > 0 ? `${head}\n\n${lines.join('\n')}` : head,
    url,
    productId: ra.productId,
    engagementId: ra.engagementId,
    createdBy: null,
    idempotencyKey: `risk_acceptance_expiration:${ra.id}:${notice}`,
    dedupeKey: `risk_acceptance:${ra.id}`,
    payload: {
      risk_acceptance: {
        id: ra.id,
        name: ra.name,
        notice,
        expires_on: ra.expiresOn,
        owner: ra.ownerUsername,
        decision: ra.decision,
        reactivated: notice === 'expired' && ra.reactivateExpired,
        findings: ra.findings
          .slice(0, PAYLOAD_LIST_LIMIT)
          .map((f) => ({ id: f.id, title: f.title, severity: f.severity, ...findingLinks(f.id) })),
        findings_total: n,
        list_limit: PAYLOAD_LIST_LIMIT,
        url,
        url_ui: url,
        url_api: `/api/risk-acceptances/${ra.id}`,
      },
    },
  };
}
