/**
 * Title of the scan_added / scan_added_empty notice. Plain text; names are placed as written and
 * clipped so the title fits the alert limit.
 */
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import { clipText } from '../lib/clip-text';

export type TImportTitleInput = {
  /** The tool's name as people know it ("Semgrep", "Trivy") or the test type. */
  tool: string;
  product: string;
  engagement: string;
  /** Findings in the file (each fingerprint once); 0 makes it the empty-scan notice. */
  fileFindings: number;
  new: number;
  reactivated: number;
  mitigated: number;
  untouched: number;
};

const NAME_MAX = 80;
const TOOL_MAX = 60;

/** "Semgrep scan imported into Payments API / CI: 3 new, 1 reactivated, 2 mitigated". */
export function formatImportTitle(input: TImportTitleInput): string {
  const head = `${clipText(input.tool, TOOL_MAX)} scan imported into ${clipText(input.product, NAME_MAX)} / ${clipText(input.engagement, NAME_MAX)}`;
  const changes = [
    input.new > 0 ? `${input.new} new` : null,
    input.reactivated > 0 ? `${input.reactivated} reactivated` : null,
    input.mitigated > 0 ? `${input.mitigated} mitigated` : null,
  ].filter((p) => p !== null);
  let what: string;
  if (input.fileFindings === 0) what = ['no findings', ...changes].join(', ');
  else if (changes.length > 0) what = changes.join(', ');
  else what = input.untouched > 0 ? `no changes (${input.untouched} unchanged)` : 'no changes';
  return clipText(`${head}: ${what}`, ALERT_LIMITS.title);
}
