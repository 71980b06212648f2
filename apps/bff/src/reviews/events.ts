/**
 * The review_requested event: the requester asks chosen people to review a finding. Only they hear of it
 * (a recipients list; dispatch adds the system record's channels to theirs for review_requested).
 */
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import type { UserRow } from '../app-context';
import type { TFindingRef } from '../findings/access';
import { clipText } from '../lib/clip-text';
import { escapeMarkdown, toPlainMultilineText } from '../lib/text';
import type { TDispatchInput } from '../notifications/dispatch';
import type { TPayloadFindingDetail } from '../notifications/event-payload';

const TITLE_MAX = 150;
/** Lines of the requester's message quoted in the description. */
const MESSAGE_MAX = 1200;

/** The requester's message as a markdown quote: each line escaped (so it stays text) and prefixed with "> ". */
export function quoteText(text: string, max = MESSAGE_MAX): string {
  return clipText(toPlainMultilineText(text).trim(), max)
    .split('\n')
    .map((line) => `> ${escapeMarkdown(line)}`.trimEnd())
    .join('\n');
}

export function reviewRequestedEvent(input: {
  finding: TFindingRef;
  findingPayload: TPayloadFindingDetail;
  requester: Pick<UserRow, 'id' | 'username'>;
  reviewers: { id: number; username: string }[];
  reviewIds: number[];
  message: string;
}): TDispatchInput {
  const { finding, requester } = input;
  return {
    event: 'review_requested',
    title: clipText(`${requester.username} asked you to review '${clipText(finding.title, TITLE_MAX)}'`, ALERT_LIMITS.title),
    description:
      `**${escapeMarkdown(requester.username)}** asks you to review the **${escapeMarkdown(finding.severity)}** finding ` +
      `**${escapeMarkdown(finding.title)}** in **${escapeMarkdown(finding.productName)}** / ${escapeMarkdown(finding.engagementName)}:\n\n` +
      `${quoteText(input.message)}\n\nOpen the finding and mark the review done when you have looked at it.`,
    url: `/findings/${finding.id}#reviews`,
    productId: finding.productId,
    engagementId: finding.engagementId,
    recipients: input.reviewers.map((r) => r.id),
    createdBy: requester.id,
    payload: {
      finding: input.findingPayload,
      review: {
        ids: input.reviewIds,
        requested_by: requester.username,
        reviewers: input.reviewers.map((r) => r.username),
        message: input.message,
      },
    },
  };
}
