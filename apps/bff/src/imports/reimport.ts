/**
 * What a re-import does to the findings already in the test, as one pure rule (DefectDojo's
 * DefaultReImporter, dojo/importers/default_reimporter.py, and its "Reimport" guide):
 * - a fingerprint the test does not have is a new finding;
 * - an open finding (active, verified) reported again is left untouched;
 * - a mitigated finding reported again is reactivated;
 * - an open finding not reported any more is mitigated on the scan date, when close_old_findings is on
 *   (DefectDojo's default for re-imports);
 * - a finding someone triaged (false positive, out of scope, risk accepted) or that deduplication marked
 *   a duplicate is never reactivated: that was an explicit decision (DefectDojo's guide: "reimport must
 *   not silently revoke that decision"). Nor is it mitigated when it disappears: only open findings are.
 *   DefectDojo itself closes such findings when they disappear (close_old_findings mitigates every finding
 *   of the test not matched, removing its risk acceptance); Tocsin keeps the triage state instead, so a
 *   risk acceptance is ended by its own expiry or by a person, never by a scanner's silence.
 *
 * The incoming fingerprints are those of findings the file reports as open: leave out the ones the file
 * itself marks mitigated (Generic `is_mitigated`), and they are handled like disappeared findings.
 * A fingerprint reported twice counts once.
 */
import { OPEN_FINDING_STATUSES, type TFindingStatus } from '@tocsin/contract/findings';

export type TExistingFinding = { id: number; fingerprint: string; status: TFindingStatus; mitigatedAt: string | null };

export type TReimportOptions = {
  /** The scan's date (YYYY-MM-DD): the mitigation date of findings that disappeared. */
  scanDate: string;
  /** Mitigate open findings the file no longer reports. Default true, as DefectDojo's re-import. */
  closeOldFindings?: boolean;
};

export type TReimportMatch = {
  /** Fingerprints to create findings for, in the order of the file, each once. */
  new: string[];
  /** Mitigated findings reported again: reopen them. */
  reactivated: number[];
  /** Open findings no longer reported: close them on this date. */
  mitigated: { id: number; mitigatedAt: string }[];
  /** Open findings reported again: nothing to do. */
  untouched: number[];
  /** Triaged or duplicate findings reported again: nothing to do, by rule (DefectDojo counts them as untouched). */
  keptTriaged: number[];
};

const isOpen = (f: TExistingFinding) => OPEN_FINDING_STATUSES.has(f.status);
const isTriaged = (f: TExistingFinding) => !isOpen(f) && f.status !== 'mitigated';

/** The most recently mitigated finding (latest date, then highest id): the one a reappearance reopens. */
function latestMitigated(findings: TExistingFinding[]): TExistingFinding | undefined {
  return findings
    .filter((f) => f.status === 'mitigated')
    .sort((a, b) => (b.mitigatedAt ?? '').localeCompare(a.mitigatedAt ?? '') || b.id - a.id)[0];
}

export function matchReimport(
  existing: readonly TExistingFinding[],
  incomingFingerprints: Iterable<string>,
  options: TReimportOptions,
): TReimportMatch {
  const { scanDate, closeOldFindings = true } = options;
  const byFingerprint = new Map<string, TExistingFinding[]>();
  for (const f of existing) {
    const same = byFingerprint.get(f.fingerprint);
    if (same) same.push(f);
    else byFingerprint.set(f.fingerprint, [f]);
  }

  const result: TReimportMatch = { new: [], reactivated: [], mitigated: [], untouched: [], keptTriaged: [] };
  const reported = new Set<string>();
  for (const fingerprint of incomingFingerprints) {
    if (reported.has(fingerprint)) continue;
    reported.add(fingerprint);
    const same = byFingerprint.get(fingerprint);
    if (!same) {
      result.new.push(fingerprint);
      continue;
    }
    const open = same.filter(isOpen);
    const triaged = same.filter(isTriaged);
    for (const f of open) result.untouched.push(f.id);
    for (const f of triaged) result.keptTriaged.push(f.id);
    // Reopen only when nothing else stands for this problem: an open finding already tracks it, and a
    // triaged one carries a person's decision about it.
    if (open.length === 0 && triaged.length === 0) {
      const reopen = latestMitigated(same);
      if (reopen) result.reactivated.push(reopen.id);
    }
  }

  if (closeOldFindings) {
    for (const f of existing) {
      if (isOpen(f) && !reported.has(f.fingerprint)) result.mitigated.push({ id: f.id, mitigatedAt: scanDate });
    }
  }
  return result;
}
