/**
 * The one shape every scan format is turned into, and the small rules shared by the format readers:
 * severity from a score or a SARIF level, CWE from tags, fingerprints.
 */
import { createHash } from 'node:crypto';
import type { TSeverity } from '@tocsin/contract/findings';
import { clipText, collapseWhitespace } from '../lib/clip-text';

export type TFindingLocation = {
  file?: string;
  line?: number;
  /** A package, class or function (SCA findings, SARIF logical locations). */
  component?: string;
  component_version?: string;
  /** A web address (DAST findings, Generic endpoints). */
  url?: string;
};

/** Status flags as the file states them; absent means the file said nothing (the importer decides). */
export type TFindingFlags = {
  active?: boolean;
  verified?: boolean;
  falsePositive?: boolean;
  outOfScope?: boolean;
  riskAccepted?: boolean;
  underReview?: boolean;
  isMitigated?: boolean;
  /** Day the file says the finding was mitigated (Generic `mitigated`). */
  mitigatedOn?: string;
};

export type TNormalizedFinding = {
  /** One line, at most FINDING_TITLE_MAX characters. */
  title: string;
  severity: TSeverity;
  /** Markdown written by the tool: render it sanitised. */
  description: string;
  tool: string;
  toolVersion: string | null;
  /** The tool's rule or vulnerability id (SARIF ruleId, Generic vuln_id_from_tool). */
  ruleId: string | null;
  cwe: number | null;
  location: TFindingLocation;
  /** Stable identity across scans of the same tool: 64 hex characters. */
  fingerprint: string;
  /** YYYY-MM-DD, when the file says when it was found. */
  dateFound?: string;
  tags: string[];
  /** CVE, GHSA and other advisory ids. */
  vulnerabilityIds: string[];
  flags: TFindingFlags;
  mitigation?: string;
  impact?: string;
  references?: string;
};

export const FINDING_TITLE_MAX = 255;
/** Longest description, mitigation, impact or references kept; a scanner's megabyte of text helps nobody. */
export const FINDING_TEXT_MAX = 65_536;
const TAGS_MAX = 50;
const TAG_MAX = 100;

export function toTitle(text: string): string {
  return clipText(collapseWhitespace(text), FINDING_TITLE_MAX);
}

export function toText(text: string): string {
  return clipText(text.trim(), FINDING_TEXT_MAX);
}

/** Trimmed, non-empty, unique, at most 50 of at most 100 characters each. */
export function toTags(values: Iterable<unknown>): string[] {
  const tags = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const t = collapseWhitespace(v);
    if (t !== '') tags.add(clipText(t, TAG_MAX));
    if (tags.size >= TAGS_MAX) break;
  }
  return [...tags];
}

/**
 * GitHub code scanning's reading of `security-severity`. Its SARIF reference ("SARIF support for code
 * scanning", reportingDescriptor object) says: "over 9.0 is critical, from 7.0 to 8.9 is high, from 4.0
 * to 6.9 is medium and from 0.1 to 3.9 is low. A value of 0.0 or any other value outside the given range
 * is regarded as having no security severity." Its alert reference ("About code scanning alerts") adds
 * that these levels follow the CVSS v3.1 qualitative scale, where Critical is 9.0–10.0; so 9.0 itself is
 * Critical (as in DefectDojo's cvss_to_severity), and the bands are closed at their lower bound so a
 * score such as 8.95 falls in High rather than in a gap. Null means "no security severity": the caller
 * falls back to the SARIF level.
 */
export function severityFromSecurityScore(score: number): TSeverity | null {
  if (!Number.isFinite(score) || score < 0.1 || score > 10) return null;
  if (score >= 9) return 'Critical';
  if (score >= 7) return 'High';
  if (score >= 4) return 'Medium';
  return 'Low';
}

/** `security-severity` is a string in the SARIF GitHub reads ("8.8"); some tools write a number. */
export function parseSecurityScore(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

export const SARIF_LEVELS = ['none', 'note', 'warning', 'error'] as const;
export type TSarifLevel = (typeof SARIF_LEVELS)[number];

const LEVEL_SEVERITY: Record<TSarifLevel, TSeverity> = { error: 'High', warning: 'Medium', note: 'Low', none: 'Info' };

export function severityFromLevel(level: TSarifLevel): TSeverity {
  return LEVEL_SEVERITY[level];
}

// "CWE-79", "CWE-79: Improper Neutralization…", "external/cwe/cwe-079", "cwe_89"; not "cwe" inside a word.
const CWE_RE = /(?:^|[^a-z0-9])cwe[-_/: ]?0*(\d{1,5})(?!\d)/i;

/** The first CWE number named in `values` (tags, taxa ids), or null. */
export function findCwe(values: Iterable<unknown>): number | null {
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const m = CWE_RE.exec(v);
    if (m) return Number(m[1]);
  }
  return null;
}

/** sha256 over a canonical JSON array: the parts cannot run into each other ("a|b" + "c" vs "a" + "b|c"). */
export function hashParts(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

const SEVERITY_BY_LOWER = new Map<string, TSeverity>([
  ['critical', 'Critical'],
  ['high', 'High'],
  ['medium', 'Medium'],
  ['low', 'Low'],
  ['info', 'Info'],
]);

/** "high" and "HIGH" are High; anything else is not a severity. */
export function parseSeverityName(value: unknown): TSeverity | null {
  return typeof value === 'string' ? (SEVERITY_BY_LOWER.get(value.trim().toLowerCase()) ?? null) : null;
}
