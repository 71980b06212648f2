/**
 * The events of a scan import: test_added when the import created the test, then scan_added (something new,
 * reactivated or mitigated) or scan_added_empty (nothing changed). Both link to the test page; their webhook
 * payload carries the `test` block and, for the scan, the `findings` lists (notifications/event-payload.ts).
 * Titles are plain text; descriptions are markdown in which everything a person or a tool wrote is escaped.
 */
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import { IMPORT_FORMAT_LABELS, SEVERITIES, type TImportFormat, type TSeverity } from '@tocsin/contract/findings';
import { clipText } from '../lib/clip-text';
import { escapeMarkdown } from '../lib/text';
import type { TDispatchInput } from '../notifications/dispatch';
import { type TPayloadFinding, type TPayloadFindingLists, type TPayloadTest, testLinks } from '../notifications/event-payload';
import { formatImportTitle } from './titles';

export type TImportContext = {
  test: { id: number; title: string; format: TImportFormat };
  product: { id: number; name: string };
  engagement: { id: number; name: string };
  actor: { id: number; username: string };
};

export const testPayload = (test: TImportContext['test']): TPayloadTest => ({
  id: test.id,
  title: test.title,
  format: test.format,
  ...testLinks(test.id),
});

const NAME_MAX = 100;

export function testAddedEvent(ctx: TImportContext): TDispatchInput {
  const { test, product, engagement, actor } = ctx;
  return {
    event: 'test_added',
    title: clipText(
      `Test ${clipText(test.title, NAME_MAX)} added to ${clipText(product.name, NAME_MAX)} / ${clipText(engagement.name, NAME_MAX)}`,
      ALERT_LIMITS.title,
    ),
    description:
      `A new **${escapeMarkdown(test.title)}** test (${escapeMarkdown(IMPORT_FORMAT_LABELS[test.format])}) was added to the engagement ` +
      `**${escapeMarkdown(engagement.name)}** of **${escapeMarkdown(product.name)}** by ${escapeMarkdown(actor.username)}, with its first scan import.`,
    url: `/tests/${test.id}`,
    productId: product.id,
    engagementId: engagement.id,
    createdBy: actor.id,
    payload: { test: testPayload(test) },
  };
}

export type TImportCounts = {
  /** Findings the file reported as open (each fingerprint once). */
  fileFindings: number;
  new: number;
  reactivated: number;
  mitigated: number;
  untouched: number;
  keptTriaged: number;
  skipped: number;
  /** New findings by severity. */
  newBySeverity: Record<TSeverity, number>;
};

const MOST_SEVERE_SHOWN = 5;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function bySeverityText(counts: Record<TSeverity, number>): string {
  return SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}

export function scanImportedEvent(input: {
  ctx: TImportContext;
  tool: string;
  isReimport: boolean;
  counts: TImportCounts;
  lists: TPayloadFindingLists;
}): TDispatchInput {
  const { ctx, counts, lists } = input;
  const { product, engagement, actor } = ctx;
  const isEmpty = counts.new + counts.reactivated + counts.mitigated === 0;
  const lines: string[] = [];
  const bySeverity = bySeverityText(counts.newBySeverity);
  lines.push(`- ${plural(counts.new, 'new finding')}${bySeverity ? `: ${bySeverity}` : ''}`);
  if (counts.reactivated > 0) lines.push(`- ${plural(counts.reactivated, 'finding')} reactivated (reported again after being mitigated)`);
  if (counts.mitigated > 0) lines.push(`- ${plural(counts.mitigated, 'finding')} mitigated (no longer reported)`);
  if (counts.untouched > 0) lines.push(`- ${plural(counts.untouched, 'finding')} still open and unchanged`);
  if (counts.keptTriaged > 0) lines.push(`- ${plural(counts.keptTriaged, 'triaged finding')} reported again, left as triaged`);
  if (counts.skipped > 0) lines.push(`- ${plural(counts.skipped, 'result')} in the file not imported`);
  const mostSevere = lists.new.slice(0, MOST_SEVERE_SHOWN).map((f: TPayloadFinding) => `- **${f.severity}**: ${escapeMarkdown(f.title)}`);
  const head =
    `**${escapeMarkdown(input.tool)}** scan ${input.isReimport ? 're-imported' : 'imported'} into **${escapeMarkdown(product.name)}** / ` +
    `**${escapeMarkdown(engagement.name)}** by ${escapeMarkdown(actor.username)}` +
    (counts.fileFindings === 0 ? ': the file holds no findings.' : ` (${plural(counts.fileFindings, 'finding')} in the file).`);
  const description = [head, lines.join('\n'), mostSevere.length > 0 ? `Most severe new findings:\n\n${mostSevere.join('\n')}` : null]
    .filter((p) => p !== null)
    .join('\n\n');
  return {
    event: isEmpty ? 'scan_added_empty' : 'scan_added',
    title: formatImportTitle({
      tool: input.tool,
      product: product.name,
      engagement: engagement.name,
      fileFindings: counts.fileFindings,
      new: counts.new,
      reactivated: counts.reactivated,
      mitigated: counts.mitigated,
      untouched: counts.untouched,
    }),
    description,
    url: `/tests/${ctx.test.id}`,
    productId: product.id,
    engagementId: engagement.id,
    createdBy: actor.id,
    payload: { test: testPayload(ctx.test), findings: lists },
  };
}
