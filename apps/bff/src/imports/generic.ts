/**
 * DefectDojo's Generic Findings Import, JSON flavour: `{"name"?, "type"?, "version"?, "findings": [...]}`.
 * Field names and rules follow DefectDojo's parser guide (docs/content/supported_tools/parsers/file/
 * generic.md) and its parser (dojo/tools/generic/json_parser.py):
 * - `title`, `severity` and `description` are required (severity one of Critical, High, Medium, Low,
 *   Info; case is forgiven here);
 * - numeric fields (`cwe`, `line`) may be numbers or quoted numbers; one holding no number ("N/A") is
 *   ignored, as DefectDojo ignores it;
 * - `date` and `mitigated` are dates (YYYY-MM-DD or an ISO date-time, of which the day is kept);
 * - the test type is "Generic Findings Import", or "<type> Scan (Generic Findings Import)" when `type`
 *   names a tool.
 * One difference: DefectDojo refuses a finding with a field it does not know; Tocsin ignores such fields,
 * so files written for a newer DefectDojo still import.
 *
 * Fingerprint: `unique_id_from_tool` when given, else sha256 of the fields DefectDojo hashes by default
 * for this scan type (title, cwe, line, file_path, description; HASHCODE_FIELDS_PER_SCANNER's default).
 */
import { isCalendarDate } from '@tocsin/contract/calendar-date';
import { SEVERITIES } from '@tocsin/contract/findings';
import { shapeError } from './errors';
import {
  hashParts,
  parseSeverityName,
  type TFindingFlags,
  type TFindingLocation,
  type TNormalizedFinding,
  toTags,
  toText,
  toTitle,
} from './finding';
import { describeKind, isObject, sample, type TFindingSink, type TFormatReader, type TJsonObject } from './format-reader';
import type { TJsonKey, TJsonKind, TJsonValue } from './json-walker';

export const GENERIC_TOOL = 'Generic Findings Import';

type TPath = readonly TJsonKey[];
const invalid = (path: TPath, problem: string) => shapeError('invalid_generic', path, problem);

function requiredText(item: TJsonObject, key: string, path: TPath): string {
  const v = item[key];
  if (v === undefined || v === null) throw invalid([...path, key], 'is required');
  if (typeof v !== 'string') throw invalid([...path, key], `must be a string, found ${describeKind(v)}`);
  if (v.trim() === '') throw invalid([...path, key], 'is empty');
  return v;
}

function optionalText(item: TJsonObject, key: string, path: TPath): string | undefined {
  const v = item[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw invalid([...path, key], `must be a string, found ${describeKind(v)}`);
  return v.trim() === '' ? undefined : v;
}

/** A number, or a quoted number; anything else holds no number and is ignored (DefectDojo's to_number). */
function optionalWholeNumber(item: TJsonObject, key: string): number | undefined {
  const v = item[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function optionalBoolean(item: TJsonObject, key: string, path: TPath): boolean | undefined {
  const v = item[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid([...path, key], `must be true or false, found ${describeKind(v)}`);
  return v;
}

function optionalDate(item: TJsonObject, key: string, path: TPath): string | undefined {
  const v = item[key];
  if (v === undefined || v === null) return undefined;
  const m = typeof v === 'string' ? /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v.trim()) : null;
  if (!m || !isCalendarDate(m[1]!)) throw invalid([...path, key], 'must be a date such as "2026-03-05" or "2026-03-05T10:00:00Z"');
  return m[1]!;
}

/** DefectDojo endpoints are URL strings or {protocol, host, port, path, query, fragment} objects. */
function endpointUrl(value: TJsonValue | undefined): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (!isObject(value) || typeof value.host !== 'string' || value.host === '') return undefined;
  const protocol = typeof value.protocol === 'string' && value.protocol !== '' ? `${value.protocol}://` : '';
  const port = typeof value.port === 'number' || typeof value.port === 'string' ? `:${value.port}` : '';
  const path = typeof value.path === 'string' && value.path !== '' ? `/${value.path.replace(/^\//, '')}` : '';
  const query = typeof value.query === 'string' && value.query !== '' ? `?${value.query}` : '';
  const fragment = typeof value.fragment === 'string' && value.fragment !== '' ? `#${value.fragment}` : '';
  return `${protocol}${value.host}${port}${path}${query}${fragment}`;
}

const FLAG_FIELDS: [string, keyof TFindingFlags][] = [
  ['active', 'active'],
  ['verified', 'verified'],
  ['false_p', 'falsePositive'],
  ['out_of_scope', 'outOfScope'],
  ['risk_accepted', 'riskAccepted'],
  ['under_review', 'underReview'],
  ['is_mitigated', 'isMitigated'],
];

/** One Generic finding, checked; throws with the pointer of the first wrong field. */
export function normalizeGenericFinding(value: TJsonValue, path: TPath): TNormalizedFinding {
  if (!isObject(value)) throw invalid(path, `must be an object, found ${describeKind(value)}`);
  const title = requiredText(value, 'title', path);
  if (value.severity === undefined || value.severity === null) throw invalid([...path, 'severity'], 'is required');
  const severity = parseSeverityName(value.severity);
  if (severity === null) throw invalid([...path, 'severity'], `must be one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}`);
  const description = requiredText(value, 'description', path);

  const location: TFindingLocation = {};
  const file = optionalText(value, 'file_path', path);
  const line = optionalWholeNumber(value, 'line');
  const component = optionalText(value, 'component_name', path);
  const componentVersion = optionalText(value, 'component_version', path);
  const endpoints = value.endpoints;
  const url = endpointUrl(Array.isArray(endpoints) ? endpoints[0] : undefined);
  if (file !== undefined) location.file = file;
  if (line !== undefined) location.line = line;
  if (component !== undefined) location.component = component;
  if (componentVersion !== undefined) location.component_version = componentVersion;
  if (url !== undefined) location.url = url;

  const flags: TFindingFlags = {};
  for (const [field, flag] of FLAG_FIELDS) {
    const v = optionalBoolean(value, field, path);
    if (v !== undefined) (flags as Record<string, boolean>)[flag] = v;
  }
  const mitigatedOn = optionalDate(value, 'mitigated', path);
  if (mitigatedOn !== undefined) flags.mitigatedOn = mitigatedOn;

  const cwe = optionalWholeNumber(value, 'cwe') ?? null;
  const uniqueId = optionalText(value, 'unique_id_from_tool', path);
  const tags = value.tags;
  const ids = [
    optionalText(value, 'cve', path),
    ...(Array.isArray(value.vulnerability_ids) ? value.vulnerability_ids : [value.vulnerability_ids]),
  ];

  const finding: TNormalizedFinding = {
    title: toTitle(title),
    severity,
    description: toText(description),
    tool: GENERIC_TOOL,
    toolVersion: null,
    ruleId: optionalText(value, 'vuln_id_from_tool', path) ?? null,
    cwe,
    location,
    fingerprint:
      uniqueId !== undefined
        ? hashParts(['generic-uid', uniqueId])
        : hashParts(['generic', title, cwe, line ?? null, file ?? null, description]),
    tags: toTags(Array.isArray(tags) ? tags : [tags]),
    vulnerabilityIds: toTags(ids),
    flags,
  };
  const dateFound = optionalDate(value, 'date', path);
  if (dateFound !== undefined) finding.dateFound = dateFound;
  for (const key of ['mitigation', 'impact', 'references'] as const) {
    const text = optionalText(value, key, path);
    if (text !== undefined) finding[key] = toText(text);
  }
  return finding;
}

/** DefectDojo's test type naming for Generic imports (docs: "Using Generic Findings Import"). */
export function genericTestType(type: string | null): string {
  if (type === null || type.trim() === '' || type === GENERIC_TOOL) return GENERIC_TOOL;
  return type.endsWith(`(${GENERIC_TOOL})`) ? type : `${type} Scan (${GENERIC_TOOL})`;
}

export class GenericReader implements TFormatReader {
  private hasFindings = false;
  private type: string | null = null;
  private version: string | null = null;

  constructor(private readonly sink: TFindingSink) {
    this.sink.setTool(0, { name: GENERIC_TOOL, version: null });
  }

  enter(path: TPath, kind: TJsonKind, value: TJsonValue | undefined): boolean {
    if (path.length === 1 && (path[0] === 'type' || path[0] === 'version')) {
      if (path[0] === 'type' && typeof value === 'string') this.type = value;
      if (path[0] === 'version' && typeof value === 'string') this.version = value;
      this.sink.setTool(0, { name: genericTestType(this.type), version: this.version });
      return false;
    }
    if (path.length === 1 && path[0] === 'findings') {
      this.hasFindings = true;
      if (kind !== 'array') throw invalid(path, `must be an array, found ${describeKind(sample(kind, value))}`);
      return false;
    }
    if (path.length === 2 && path[0] === 'findings') {
      if (kind !== 'object') throw invalid(path, `must be an object, found ${describeKind(sample(kind, value))}`);
      return true;
    }
    return false;
  }

  captured(path: TPath, value: TJsonValue) {
    this.sink.push(normalizeGenericFinding(value, path));
  }

  leave() {}

  finish() {
    if (!this.hasFindings) throw invalid(['findings'], 'is required: a Generic Findings Import file holds {"findings": [...]}');
  }
}
