/**
 * SARIF 2.1.0 reader: one normalised finding per result of kind "fail", read while the file streams.
 *
 * What is read, and from where:
 * - tool: `runs[].tool.driver.name`, version from `semanticVersion`, else `version`;
 * - rule: `result.rule.toolComponent` (an extension, by index or name) with `rule.index`/`ruleIndex`,
 *   else `ruleId` looked up in the driver's rules, then the extensions' (CodeQL keeps its rules in
 *   extensions);
 * - title: the rule's `shortDescription` (unless it only repeats the rule id, as Semgrep's "Semgrep
 *   Finding: <id>" does), else the first sentence of the result message's first line, else the rule's
 *   name, else its id (rule names are often ids too: CodeQL's "js/sql-injection", Trivy's
 *   "LanguageSpecificPackageVulnerability");
 * - description: the message (markdown when given), then the rule's help or fullDescription;
 * - severity: `properties.security-severity` of the result, else of its rule, read as GitHub does
 *   (severityFromSecurityScore); else the result's `level`, else the rule's
 *   `defaultConfiguration.level`, else "warning" (the SARIF default): error → High, warning → Medium,
 *   note → Low, none → Info;
 * - CWE: the first one named in the result's `properties.tags`, `taxa` or `properties.cwe`, then the
 *   rule's `properties.tags`, `properties.cwe` or `relationships` ("external/cwe/cwe-079", "CWE-79: …");
 * - location: `locations[0].physicalLocation` (artifact uri and `region.startLine`; an http(s) uri is a
 *   URL), the first logical location as component, and Trivy's "path: package@version" location message
 *   as component and version;
 * - fingerprint: see `reduceFingerprints` and `fingerprintResult`;
 * - flags: a result with an accepted suppression (e.g. Semgrep's `nosemgrep`) is a false positive, as
 *   DefectDojo imports it. Results of another kind than "fail" are skipped, as DefectDojo does.
 *
 * Order inside a run is free: Semgrep sorts its keys, so `results` come before `tool`. A result read
 * before its run's tool is kept in a reduced form (the fields above, without code flows, snippets,
 * fixes or related locations) until the tool arrives, then normalised. That buffer is the trade-off:
 * for such files memory grows with the reduced results of one run (about 1 kB each, most of it the
 * message) instead of with the file: 10,000 of them fit, with everything else, in a 24 MB heap, where
 * the whole parsed 15 MB log needs about 46 MB. Nothing waits when the tool comes first (CodeQL, Trivy,
 * GitHub's examples). Rules are kept for the run they belong to and dropped when it ends.
 * Likewise `version` may come after `runs`: findings already yielded are then followed by the error, so
 * a consumer must treat the import as failed whenever the iteration throws.
 */
import type { TSeverity } from '@tocsin/contract/findings';
import { shapeError } from './errors';
import {
  findCwe,
  hashParts,
  parseSecurityScore,
  SARIF_LEVELS,
  severityFromLevel,
  severityFromSecurityScore,
  type TFindingFlags,
  type TFindingLocation,
  type TNormalizedFinding,
  type TSarifLevel,
  toTags,
  toText,
  toTitle,
} from './finding';
import { describeKind, isObject, sample, type TFindingSink, type TFormatReader, type TJsonObject } from './format-reader';
import type { TJsonKey, TJsonKind, TJsonValue } from './json-walker';

export const SARIF_VERSION = '2.1.0';
const RESULT_KINDS = ['fail', 'pass', 'open', 'informational', 'notApplicable', 'review'] as const;
const LEVELS_TEXT = SARIF_LEVELS.map((l) => `"${l}"`).join(', ');
const VULNERABILITY_ID_RE = /^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3})$/i;

type TPath = readonly TJsonKey[];
type TMessage = { text?: string; markdown?: string; id?: string; arguments: readonly string[] };

/** A result reduced to what normalising it needs, so it can wait for its run's tool cheaply. */
export type TReducedResult = {
  ruleId: string | null;
  ruleIndex: number | null;
  componentIndex: number | null;
  componentName: string | null;
  level: TSarifLevel | null;
  message: TMessage;
  securityScore: unknown;
  /** Result tags; also searched for a CWE. */
  tags: readonly string[];
  /** Taxa and properties.cwe: more places a CWE may be named. */
  cweHints: readonly string[];
  location: TFindingLocation;
  /** The tool's identity for the result, already reduced to what `fingerprintResult` hashes; null when the tool gave none. */
  toolFingerprint: { kind: 'sarif-partial' | 'sarif-full'; entries: readonly [string, string][] } | null;
  isSuppressed: boolean;
};

type TComponent = { name: string | null; rules: TJsonObject[] };
type TRunTool = { name: string; version: string | null; components: TComponent[]; byId: Map<string, TJsonObject> };
type TRun = { tool: TRunTool | null; pending: TReducedResult[] };

const invalid = (path: TPath, problem: string) => shapeError('invalid_sarif', path, problem);

function optionalString(obj: TJsonObject, key: string, path: TPath): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid([...path, key], `must be a string, found ${describeKind(v)}`);
  return v;
}

function optionalObject(obj: TJsonObject, key: string, path: TPath): TJsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw invalid([...path, key], `must be an object, found ${describeKind(v)}`);
  return v;
}

function optionalArray(obj: TJsonObject, key: string, path: TPath): TJsonValue[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid([...path, key], `must be an array, found ${describeKind(v)}`);
  return v;
}

function optionalIndex(obj: TJsonObject, key: string, path: TPath): number | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -1) throw invalid([...path, key], 'must be a whole number, -1 or more');
  return v;
}

function optionalLevel(obj: TJsonObject | undefined, path: TPath): TSarifLevel | null {
  const v = obj?.level;
  if (v === undefined || v === null) return null;
  if (!(SARIF_LEVELS as readonly TJsonValue[]).includes(v)) throw invalid([...path, 'level'], `must be one of ${LEVELS_TEXT}`);
  return v as TSarifLevel;
}

// Most results have no tags, taxa or arguments: one shared empty array keeps waiting results small.
const NONE: readonly never[] = Object.freeze([]);

function stringsOf(value: TJsonValue | undefined): readonly string[] {
  if (typeof value === 'string') return [value];
  const strings = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : NONE;
  return strings.length === 0 ? NONE : strings;
}

function entriesOf(value: TJsonValue | undefined): readonly [string, string][] {
  if (!isObject(value) || Object.keys(value).length === 0) return NONE;
  return Object.entries(value)
    .filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number')
    .map(([k, v]) => [k, String(v)]);
}

function readMessage(result: TJsonObject, path: TPath): TMessage {
  const m = result.message;
  if (m === undefined || m === null) throw invalid([...path, 'message'], 'is required');
  if (!isObject(m)) throw invalid([...path, 'message'], `must be an object, found ${describeKind(m)}`);
  const mp = [...path, 'message'];
  const message: TMessage = { arguments: stringsOf(m.arguments) };
  const text = optionalString(m, 'text', mp);
  const markdown = optionalString(m, 'markdown', mp);
  const id = optionalString(m, 'id', mp);
  if (text !== undefined) message.text = text;
  if (markdown !== undefined) message.markdown = markdown;
  if (id !== undefined) message.id = id;
  if (text === undefined && id === undefined) throw invalid(mp, 'needs "text" or "id"');
  return message;
}

function decodeUri(uri: string): string {
  const path = uri.replace(/^file:\/\//i, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function readLocation(result: TJsonObject, path: TPath): TFindingLocation {
  const locations = optionalArray(result, 'locations', path);
  const first = locations[0];
  if (first === undefined) return {};
  const lp = [...path, 'locations', 0];
  if (!isObject(first)) throw invalid(lp, `must be an object, found ${describeKind(first)}`);
  const location: TFindingLocation = {};
  const physical = optionalObject(first, 'physicalLocation', lp);
  const uri = physical ? optionalObject(physical, 'artifactLocation', [...lp, 'physicalLocation'])?.uri : undefined;
  if (typeof uri === 'string' && uri !== '') {
    if (/^https?:\/\//i.test(uri)) location.url = uri;
    else location.file = decodeUri(uri);
  }
  const region = physical ? optionalObject(physical, 'region', [...lp, 'physicalLocation']) : undefined;
  const startLine = region?.startLine;
  if (startLine !== undefined && startLine !== null) {
    if (typeof startLine !== 'number' || !Number.isInteger(startLine) || startLine < 1) {
      throw invalid([...lp, 'physicalLocation', 'region', 'startLine'], 'must be a whole number, 1 or more');
    }
    location.line = startLine;
  }
  const logical = optionalArray(first, 'logicalLocations', lp)[0];
  if (isObject(logical)) {
    const name = logical.fullyQualifiedName ?? logical.name;
    if (typeof name === 'string' && name !== '') location.component = name;
  }
  // Trivy writes "<path>: <package>@<installed version>" as the location message of a vulnerability.
  const note = isObject(first.message) ? first.message.text : undefined;
  if (typeof note === 'string' && typeof uri === 'string') {
    const m = /^(.*): (.+)@([^@\s]+)$/.exec(note);
    if (m && m[1] === uri) {
      location.component = m[2]!;
      location.component_version = m[3]!;
    }
  }
  return location;
}

/** Reads and checks the fields of one result; throws with the pointer of the first wrong one. */
export function reduceResult(value: TJsonValue, path: TPath): TReducedResult | null {
  if (!isObject(value)) throw invalid(path, `must be an object, found ${describeKind(value)}`);
  const kind = optionalString(value, 'kind', path) ?? 'fail';
  if (!(RESULT_KINDS as readonly string[]).includes(kind)) {
    throw invalid([...path, 'kind'], `must be one of ${RESULT_KINDS.map((k) => `"${k}"`).join(', ')}`);
  }
  const level = optionalLevel(value, path);
  const message = readMessage(value, path);
  if (kind !== 'fail') return null;
  const ruleRef = optionalObject(value, 'rule', path);
  const component = ruleRef ? optionalObject(ruleRef, 'toolComponent', [...path, 'rule']) : undefined;
  const properties = optionalObject(value, 'properties', path);
  const taxa = optionalArray(value, 'taxa', path).flatMap((t) => {
    if (!isObject(t) || (typeof t.id !== 'string' && typeof t.id !== 'number')) return [];
    const taxonomy = isObject(t.toolComponent) ? t.toolComponent.name : undefined;
    return typeof taxonomy === 'string' && /cwe/i.test(taxonomy) ? [`CWE-${t.id}`] : [String(t.id)];
  });
  const suppressions = optionalArray(value, 'suppressions', path);
  return {
    ruleId: optionalString(value, 'ruleId', path) ?? (ruleRef ? (optionalString(ruleRef, 'id', [...path, 'rule']) ?? null) : null),
    ruleIndex: (ruleRef ? optionalIndex(ruleRef, 'index', [...path, 'rule']) : null) ?? optionalIndex(value, 'ruleIndex', path),
    componentIndex: component ? optionalIndex(component, 'index', [...path, 'rule', 'toolComponent']) : null,
    componentName: component ? (optionalString(component, 'name', [...path, 'rule', 'toolComponent']) ?? null) : null,
    level,
    message,
    securityScore: properties?.['security-severity'],
    tags: stringsOf(properties?.tags),
    cweHints: taxa.length === 0 && properties?.cwe === undefined ? NONE : [...taxa, ...stringsOf(properties?.cwe)],
    location: readLocation(value, path),
    toolFingerprint: reduceFingerprints(value),
    // A suppression counts unless its status says it was rejected or is still under review.
    isSuppressed: suppressions.some((s) => isObject(s) && (s.status === undefined || s.status === null || s.status === 'accepted')),
  };
}

function readComponent(value: TJsonValue | undefined, path: TPath, isDriver: boolean): TComponent {
  if (!isObject(value)) throw invalid(path, value === undefined ? 'is required' : `must be an object, found ${describeKind(value)}`);
  const name = optionalString(value, 'name', path);
  if (isDriver && (name === undefined || name.trim() === '')) throw invalid([...path, 'name'], 'is required');
  const rules = optionalArray(value, 'rules', path).map((rule, i) => {
    const rp = [...path, 'rules', i];
    if (!isObject(rule)) throw invalid(rp, `must be an object, found ${describeKind(rule)}`);
    optionalString(rule, 'id', rp);
    optionalLevel(optionalObject(rule, 'defaultConfiguration', rp), [...rp, 'defaultConfiguration']);
    return rule;
  });
  return { name: name ?? null, rules };
}

/** Reads and checks a run's `tool`; its rules stay in memory for the rest of the run. */
export function readTool(value: TJsonValue, path: TPath): TRunTool {
  if (!isObject(value)) throw invalid(path, `must be an object, found ${describeKind(value)}`);
  const driver = readComponent(value.driver, [...path, 'driver'], true);
  const extensions = optionalArray(value, 'extensions', path).map((e, i) => readComponent(e, [...path, 'extensions', i], false));
  const byId = new Map<string, TJsonObject>();
  for (const component of [driver, ...extensions]) {
    for (const rule of component.rules) {
      if (typeof rule.id === 'string' && !byId.has(rule.id)) byId.set(rule.id, rule);
    }
  }
  const d = value.driver as TJsonObject;
  const version = typeof d.semanticVersion === 'string' ? d.semanticVersion : typeof d.version === 'string' ? d.version : null;
  return { name: (driver.name ?? '').trim(), version, components: [driver, ...extensions], byId };
}

function findRule(result: TReducedResult, tool: TRunTool): TJsonObject | null {
  let component: TComponent | undefined = tool.components[0];
  if (result.componentIndex !== null) component = tool.components[result.componentIndex + 1];
  else if (result.componentName !== null) component = tool.components.find((c) => c.name === result.componentName) ?? component;
  if (component && result.ruleIndex !== null && result.ruleIndex >= 0) {
    const rule = component.rules[result.ruleIndex];
    if (rule) return rule;
  }
  return result.ruleId === null ? null : (tool.byId.get(result.ruleId) ?? null);
}

function textOf(value: TJsonValue | undefined, prefer: 'markdown' | 'text' = 'text'): string | undefined {
  if (!isObject(value)) return undefined;
  const first = value[prefer];
  const other = value[prefer === 'text' ? 'markdown' : 'text'];
  const v = typeof first === 'string' && first.trim() !== '' ? first : other;
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** SARIF message text with its {0}, {1}… placeholders filled and "[text](1)" links to related locations reduced to their text. */
function renderMessage(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => args[Number(n)] ?? whole).replace(/\[([^\]]*)\]\(\d+\)/g, '$1');
}

function messageText(result: TReducedResult, rule: TJsonObject | null, prefer: 'markdown' | 'text'): string {
  const m = result.message;
  const own = prefer === 'markdown' ? (m.markdown ?? m.text) : (m.text ?? m.markdown);
  if (own !== undefined) return renderMessage(own, m.arguments);
  const strings = rule && isObject(rule.messageStrings) && m.id !== undefined ? rule.messageStrings[m.id] : undefined;
  const template = textOf(strings, prefer);
  return template === undefined ? '' : renderMessage(template, m.arguments);
}

function titleOf(rule: TJsonObject | null, ruleId: string | null, message: string): string {
  const short = textOf(rule?.shortDescription);
  if (short !== undefined && (ruleId === null || !short.includes(ruleId))) return toTitle(short);
  const firstLine = message.split('\n').find((l) => l.trim() !== '');
  // GitHub shows "only the first sentence of the message when visible space is limited"; a title is such a place.
  if (firstLine !== undefined) return toTitle(/^(.+?[.!?])\s+(?=\p{Lu})/u.exec(firstLine.trim())?.[1] ?? firstLine);
  if (typeof rule?.name === 'string' && rule.name.trim() !== '') return toTitle(rule.name);
  return toTitle(ruleId ?? 'Untitled result');
}

function severityOf(result: TReducedResult, rule: TJsonObject | null): TSeverity {
  const ruleProperties = isObject(rule?.properties) ? rule.properties : undefined;
  for (const raw of [result.securityScore, ruleProperties?.['security-severity']]) {
    const score = parseSecurityScore(raw);
    const severity = score === null ? null : severityFromSecurityScore(score);
    if (severity !== null) return severity;
  }
  const defaultConfiguration = isObject(rule?.defaultConfiguration) ? rule.defaultConfiguration : undefined;
  const level = result.level ?? (defaultConfiguration?.level as TSarifLevel | undefined) ?? 'warning';
  return severityFromLevel(level);
}

function ruleCweHints(rule: TJsonObject | null): string[] {
  if (!rule) return [];
  const properties = isObject(rule.properties) ? rule.properties : undefined;
  const relationships = Array.isArray(rule.relationships) ? rule.relationships : [];
  const targets = relationships.flatMap((r) => (isObject(r) && isObject(r.target) && typeof r.target.id === 'string' ? [r.target.id] : []));
  return [...stringsOf(properties?.tags), ...stringsOf(properties?.cwe), ...targets];
}

const byKey = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A result's identity across scans, part 1: what the tool says.
 * 1. `partialFingerprints`: only `primaryLocationLineHash` when present (the one key GitHub uses), else
 *    all keys sorted by name;
 * 2. else `fingerprints` (Semgrep's `matchBasedId/v1`), keys sorted.
 */
function reduceFingerprints(result: TJsonObject): TReducedResult['toolFingerprint'] {
  const partial = entriesOf(result.partialFingerprints);
  if (partial.length > 0) {
    const primary = partial.find(([k]) => k === 'primaryLocationLineHash');
    return { kind: 'sarif-partial', entries: primary ? [primary] : [...partial].sort(byKey) };
  }
  const full = entriesOf(result.fingerprints);
  return full.length > 0 ? { kind: 'sarif-full', entries: [...full].sort(byKey) } : null;
}

/**
 * A result's identity across scans, part 2: the hash. The tool's fingerprint goes with the rule id,
 * since such hashes describe a line, not a problem; the tool name is left out so that a tool renaming
 * itself (Semgrep did) keeps its findings. Without a tool fingerprint: sha256 of tool, rule id, file,
 * line and title. That one changes when code above the finding moves it to another line, which a
 * re-import then sees as one mitigated and one new finding.
 */
export function fingerprintResult(result: TReducedResult, tool: string, ruleId: string | null, title: string): string {
  if (result.toolFingerprint) return hashParts([result.toolFingerprint.kind, ruleId, result.toolFingerprint.entries]);
  return hashParts(['sarif', tool, ruleId, result.location.file ?? result.location.url ?? null, result.location.line ?? null, title]);
}

/** Turns a reduced result into a finding, with its run's tool and rules. */
export function normalizeResult(result: TReducedResult, tool: TRunTool): TNormalizedFinding {
  const rule = findRule(result, tool);
  const ruleId = result.ruleId ?? (typeof rule?.id === 'string' ? rule.id : null);
  const plain = messageText(result, rule, 'text');
  const title = titleOf(rule, ruleId, plain);
  const message = messageText(result, rule, 'markdown');
  const ruleDoc = textOf(rule?.help, 'markdown') ?? textOf(rule?.fullDescription, 'markdown');
  const description = [message, ruleDoc !== undefined && ruleDoc.trim() !== message.trim() ? ruleDoc : undefined].filter(
    (p) => p !== undefined && p.trim() !== '',
  );
  const ruleProperties = isObject(rule?.properties) ? rule.properties : undefined;
  const flags: TFindingFlags = result.isSuppressed ? { falsePositive: true, active: false } : {};
  const finding: TNormalizedFinding = {
    title,
    severity: severityOf(result, rule),
    description: toText(description.join('\n\n')),
    tool: tool.name,
    toolVersion: tool.version,
    ruleId,
    cwe: findCwe([...result.tags, ...result.cweHints, ...ruleCweHints(rule)]),
    location: result.location,
    fingerprint: fingerprintResult(result, tool.name, ruleId, title),
    tags: toTags([...result.tags, ...stringsOf(ruleProperties?.tags)]),
    vulnerabilityIds: ruleId !== null && VULNERABILITY_ID_RE.test(ruleId) ? [ruleId] : [],
    flags,
  };
  if (typeof rule?.helpUri === 'string' && rule.helpUri !== '') finding.references = rule.helpUri;
  return finding;
}

const isPath = (path: TPath, ...shape: (string | null)[]) =>
  path.length === shape.length && shape.every((s, i) => (s === null ? typeof path[i] === 'number' : path[i] === s));

export class SarifReader implements TFormatReader {
  private readonly runs = new Map<number, TRun>();
  private version: TJsonValue | undefined;
  private hasRuns = false;

  constructor(private readonly sink: TFindingSink) {}

  enter(path: TPath, kind: TJsonKind, value: TJsonValue | undefined): boolean {
    if (isPath(path, 'version')) {
      this.version = sample(kind, value);
      this.checkVersion();
      return false;
    }
    if (isPath(path, 'runs')) {
      this.hasRuns = true;
      if (kind !== 'array' && kind !== 'null') throw invalid(path, `must be an array, found ${describeKind(sample(kind, value))}`);
      return false;
    }
    if (isPath(path, 'runs', null)) {
      if (kind !== 'object') throw invalid(path, `must be an object, found ${describeKind(sample(kind, value))}`);
      this.runs.set(path[1] as number, { tool: null, pending: [] });
      return false;
    }
    if (isPath(path, 'runs', null, 'tool')) {
      if (kind !== 'object') throw invalid(path, `must be an object, found ${describeKind(sample(kind, value))}`);
      return true;
    }
    if (isPath(path, 'runs', null, 'results')) {
      if (kind !== 'array' && kind !== 'null') throw invalid(path, `must be an array, found ${describeKind(sample(kind, value))}`);
      return false;
    }
    if (isPath(path, 'runs', null, 'results', null)) {
      if (kind !== 'object') throw invalid(path, `must be an object, found ${describeKind(sample(kind, value))}`);
      return true;
    }
    return false;
  }

  captured(path: TPath, value: TJsonValue) {
    const run = this.runs.get(path[1] as number);
    if (!run) return;
    if (path[2] === 'tool') {
      run.tool = readTool(value, path);
      this.sink.setTool(path[1] as number, { name: run.tool.name, version: run.tool.version });
      for (const pending of run.pending) this.sink.push(normalizeResult(pending, run.tool));
      run.pending = [];
      return;
    }
    const reduced = reduceResult(value, path);
    if (reduced === null) this.sink.skip();
    else if (run.tool) this.sink.push(normalizeResult(reduced, run.tool));
    else run.pending.push(reduced);
  }

  leave(path: TPath) {
    if (!isPath(path, 'runs', null)) return;
    const run = this.runs.get(path[1] as number);
    if (run && !run.tool) throw invalid([...path, 'tool'], 'is required');
    // The run is over: its rules are no longer needed.
    this.runs.delete(path[1] as number);
  }

  finish() {
    if (this.version === undefined) throw invalid(['version'], `is required (expected "${SARIF_VERSION}")`);
    if (!this.hasRuns) throw invalid(['runs'], 'is required');
  }

  private checkVersion() {
    if (this.version !== SARIF_VERSION) {
      const found = typeof this.version === 'string' ? `"${this.version}"` : describeKind(this.version);
      throw shapeError('unsupported_version', ['version'], `expected "${SARIF_VERSION}", found ${found}`);
    }
  }
}
