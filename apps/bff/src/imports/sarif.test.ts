import type { TSeverity } from '@tocsin/contract/findings';
import { describe, expect, it } from 'vitest';
import { findCwe, hashParts, severityFromSecurityScore } from './finding';
import { generateSarif } from './fixtures/generate-sarif';
import { chunked, FIXTURES, readAll, sarifLog, sarifRun } from './test-helpers';

const result = (over: Record<string, unknown> = {}) => ({ ruleId: 'R1', message: { text: 'Something is wrong.' }, ...over });

async function one(run: unknown) {
  const { findings, error } = await readAll(sarifLog([run]));
  if (error) throw error;
  expect(findings).toHaveLength(1);
  return findings[0]!;
}

describe('SARIF fixtures in the shapes real tools write', () => {
  it('Semgrep (sorted keys: results before tool, version last; matchBasedId fingerprints; nosemgrep suppression)', async () => {
    const { findings, summary, error } = await readAll(`${FIXTURES}semgrep.sarif`);
    expect(error).toBeNull();
    expect(summary).toEqual({ format: 'sarif', tools: [{ name: 'Semgrep OSS', version: '1.85.0' }], findings: 4, skipped: 0 });
    expect(findings.map((f) => [f.title, f.severity, f.cwe, f.location.file, f.location.line])).toEqual([
      ['Detected user input used to manually construct a SQL string.', 'High', 89, 'app/payments/views.py', 42],
      ['Detected directly writing to a Response object from user-defined input.', 'Medium', 79, 'web/routes/profile.js', 17],
      ['Detected MD5 hash algorithm which is considered insecure.', 'Medium', 327, 'app/auth/tokens.py', 9],
      // security-severity 9.1 on the rule wins over its "error" level.
      ['Stripe API Key detected', 'Critical', 798, 'deploy/settings.py', 23],
    ]);
    expect(findings[2]!.flags).toEqual({ falsePositive: true, active: false });
    expect(findings[0]!.flags).toEqual({});
    const sqli = findings[0]!;
    expect(sqli.tool).toBe('Semgrep OSS');
    expect(sqli.ruleId).toBe('python.django.security.injection.sql.sql-injection-using-db-cursor-execute.sql-injection-db-cursor-execute');
    expect(sqli.references).toBe(`https://semgrep.dev/r/${sqli.ruleId}`);
    expect(sqli.description).toMatch(
      /^Detected user input used to manually construct a SQL string\..*\n\nDetected user input.*<b>References:<\/b>/s,
    );
    expect(sqli.tags).toContain('security');
    expect(sqli.fingerprint).toBe(
      hashParts([
        'sarif-full',
        sqli.ruleId,
        [
          [
            'matchBasedId/v1',
            '3f1c7a0b5d2e9f8a6c4b1e0d7a9c2b5e8f1a3d6c9b2e5f8a1c4d7e0b3a6c9f2e5b8a1d4c7e0f3a6b9c2d5e8f1a4b7c0d3e6f9a2b5c8d1e4f7a0b3c6d9e2f5a8b1',
          ],
        ],
      ]),
    );
  });

  it('CodeQL (rules in an extension, reached through rule.toolComponent; partial fingerprints; code flows)', async () => {
    const { findings, summary, error } = await readAll(`${FIXTURES}codeql.sarif`);
    expect(error).toBeNull();
    expect(summary.tools).toEqual([{ name: 'CodeQL', version: '2.18.4' }]);
    expect(findings.map((f) => [f.ruleId, f.title, f.severity, f.cwe])).toEqual([
      ['js/sql-injection', 'Database query built from user-controlled sources', 'High', 89],
      ['js/reflected-xss', 'Reflected cross-site scripting', 'Medium', 79],
      ['js/hardcoded-credentials', 'Hard-coded credentials', 'Critical', 259],
      // No security-severity: the rule's default level "note".
      ['js/unused-local-variable', 'Unused variable, import, function or class', 'Low', null],
    ]);
    const sqli = findings[0]!;
    // "[user-provided value](1)" links to a related location in a viewer; in text only its words remain.
    expect(
      sqli.description.startsWith(
        'This query string depends on a user-provided value.\n\n# Database query built from user-controlled sources',
      ),
    ).toBe(true);
    expect(sqli.fingerprint).toBe(hashParts(['sarif-partial', 'js/sql-injection', [['primaryLocationLineHash', '6c2e4a1b3f8d9e07:1']]]));
    expect(sqli.location).toEqual({ file: 'src/routes/login.js', line: 24 });
  });

  it('Trivy (CVE rule ids, package and version from the location message, no fingerprints)', async () => {
    const { findings, error } = await readAll(`${FIXTURES}trivy.sarif`);
    expect(error).toBeNull();
    expect(findings.map((f) => [f.ruleId, f.severity, f.location.component ?? null, f.location.component_version ?? null])).toEqual([
      ['CVE-2021-23337', 'High', 'lodash', '4.17.20'],
      ['CVE-2022-24999', 'High', 'qs', '6.5.2'],
      ['CVE-2023-45853', 'Critical', 'zlib1g', '1:1.2.13.dfsg-1'],
      // Trivy writes "0.0" for UNKNOWN: no security severity, so the "note" level decides.
      ['TEMP-0290435-0B57B5', 'Low', 'tar', '1.34+dfsg-1.2+deb12u1'],
      ['DS002', 'High', null, null],
    ]);
    const lodash = findings[0]!;
    expect(lodash.title).toBe('nodejs-lodash: command injection via template');
    expect(lodash.vulnerabilityIds).toEqual(['CVE-2021-23337']);
    expect(findings[3]!.vulnerabilityIds).toEqual([]);
    expect(lodash.toolVersion).toBe('0.55.2');
    expect(lodash.fingerprint).toBe(hashParts(['sarif', 'Trivy', 'CVE-2021-23337', 'package-lock.json', 1218, lodash.title]));
  });
});

describe('severityFromSecurityScore (GitHub code scanning bands)', () => {
  const cases: [number, TSeverity | null][] = [
    [10, 'Critical'],
    [9.8, 'Critical'],
    [9.0, 'Critical'],
    [8.95, 'High'],
    [8.9, 'High'],
    [7.0, 'High'],
    [6.9, 'Medium'],
    [4.0, 'Medium'],
    [3.9, 'Low'],
    [0.1, 'Low'],
    [0.05, null],
    [0, null],
    [10.1, null],
    [-1, null],
    [Number.NaN, null],
  ];
  it.each(cases)('%d → %s', (score, severity) => {
    expect(severityFromSecurityScore(score)).toBe(severity);
  });
});

describe('SARIF severity', () => {
  const cases: { name: string; result: Record<string, unknown>; rule?: Record<string, unknown>; severity: TSeverity }[] = [
    { name: 'level error → High', result: { level: 'error' }, severity: 'High' },
    { name: 'level warning → Medium', result: { level: 'warning' }, severity: 'Medium' },
    { name: 'level note → Low', result: { level: 'note' }, severity: 'Low' },
    { name: 'level none → Info', result: { level: 'none' }, severity: 'Info' },
    { name: 'no level anywhere → warning (SARIF default) → Medium', result: {}, severity: 'Medium' },
    {
      name: "no level: the rule's defaultConfiguration.level",
      result: {},
      rule: { defaultConfiguration: { level: 'error' } },
      severity: 'High',
    },
    {
      name: "the result's level wins over the rule's default",
      result: { level: 'note' },
      rule: { defaultConfiguration: { level: 'error' } },
      severity: 'Low',
    },
    {
      name: "the rule's security-severity wins over levels",
      result: { level: 'note' },
      rule: { properties: { 'security-severity': '9.3' } },
      severity: 'Critical',
    },
    {
      name: "the result's security-severity wins over the rule's",
      result: { properties: { 'security-severity': '5.0' } },
      rule: { properties: { 'security-severity': '9.3' } },
      severity: 'Medium',
    },
    {
      name: "a result score of 0.0 is no score: the rule's counts",
      result: { properties: { 'security-severity': '0.0' } },
      rule: { properties: { 'security-severity': '7.5' } },
      severity: 'High',
    },
    { name: 'a numeric score works too', result: { properties: { 'security-severity': 4 } }, severity: 'Medium' },
    {
      name: 'a score that is no number is ignored',
      result: { level: 'error', properties: { 'security-severity': 'high' } },
      severity: 'High',
    },
    { name: 'a score out of range is ignored', result: { level: 'note', properties: { 'security-severity': '11' } }, severity: 'Low' },
  ];
  it.each(cases)('$name', async ({ result: over, rule, severity }) => {
    const f = await one(sarifRun([result(over)], [{ id: 'R1', ...rule }]));
    expect(f.severity).toBe(severity);
  });
});

describe('CWE', () => {
  it.each([
    ['external/cwe/cwe-079', 79],
    ['CWE-89: Improper Neutralization', 89],
    ['cwe_502', 502],
    ['CWE 918', 918],
    ['cwe', null],
    ['OWASP-A03:2021 - Injection', null],
    ['scwe-12', null],
  ] as const)('%s → %s', (tag, cwe) => {
    expect(findCwe([tag])).toBe(cwe);
  });

  const cases: { name: string; result: Record<string, unknown>; rule?: Record<string, unknown>; cwe: number | null }[] = [
    { name: 'from the rule tags (CodeQL)', result: {}, rule: { properties: { tags: ['security', 'external/cwe/cwe-022'] } }, cwe: 22 },
    {
      name: 'the first CWE of several',
      result: {},
      rule: { properties: { tags: ['external/cwe/cwe-089', 'external/cwe/cwe-090'] } },
      cwe: 89,
    },
    {
      name: "the result's tags before the rule's",
      result: { properties: { tags: ['CWE-79'] } },
      rule: { properties: { tags: ['CWE-89'] } },
      cwe: 79,
    },
    { name: 'from taxa of the CWE taxonomy', result: { taxa: [{ id: '352', toolComponent: { name: 'CWE' } }] }, cwe: 352 },
    { name: 'from properties.cwe (Snyk Code)', result: {}, rule: { properties: { cwe: ['CWE-601'] } }, cwe: 601 },
    {
      name: 'from rule relationships',
      result: {},
      rule: { relationships: [{ target: { id: 'CWE-611', toolComponent: { name: 'CWE' } } }] },
      cwe: 611,
    },
    { name: 'none', result: {}, rule: { properties: { tags: ['security'] } }, cwe: null },
  ];
  it.each(cases)('$name', async ({ result: over, rule, cwe }) => {
    const f = await one(sarifRun([result(over)], [{ id: 'R1', ...rule }]));
    expect(f.cwe).toBe(cwe);
  });
});

describe('rule lookup', () => {
  const driverRules = [
    { id: 'D0', shortDescription: { text: 'Driver rule zero' } },
    { id: 'D1', shortDescription: { text: 'Driver rule one' } },
  ];
  const extensions = [{ name: 'pack/a', rules: [{ id: 'E0', shortDescription: { text: 'Extension rule zero' } }] }];
  const run = (r: Record<string, unknown>) => ({
    tool: { driver: { name: 'T', rules: driverRules }, extensions },
    results: [{ message: { text: 'm.' }, ...r }],
  });

  it.each([
    { name: 'ruleIndex in the driver', result: { ruleIndex: 1 }, title: 'Driver rule one', ruleId: 'D1' },
    {
      name: 'rule.index with toolComponent.index in an extension',
      result: { rule: { index: 0, toolComponent: { index: 0 } } },
      title: 'Extension rule zero',
      ruleId: 'E0',
    },
    {
      name: 'rule.index with toolComponent.name',
      result: { rule: { index: 0, toolComponent: { name: 'pack/a' } } },
      title: 'Extension rule zero',
      ruleId: 'E0',
    },
    { name: 'ruleId alone, found in an extension', result: { ruleId: 'E0' }, title: 'Extension rule zero', ruleId: 'E0' },
    { name: 'ruleId alone, found in the driver', result: { ruleId: 'D0' }, title: 'Driver rule zero', ruleId: 'D0' },
    { name: 'rule.id alone', result: { rule: { id: 'D1' } }, title: 'Driver rule one', ruleId: 'D1' },
    { name: 'an unknown rule: the message is the title', result: { ruleId: 'X9' }, title: 'm.', ruleId: 'X9' },
    { name: 'no rule at all', result: {}, title: 'm.', ruleId: null },
  ])('$name', async ({ result: r, title, ruleId }) => {
    const f = await one(run(r));
    expect([f.title, f.ruleId]).toEqual([title, ruleId]);
  });
});

describe('title and description', () => {
  const cases: { name: string; result: Record<string, unknown>; rule?: Record<string, unknown>; title: string; description?: string }[] = [
    { name: "the rule's short description", result: {}, rule: { shortDescription: { text: 'Open redirect' } }, title: 'Open redirect' },
    {
      name: 'a short description that only repeats the rule id gives way to the message',
      result: { message: { text: 'Redirect target comes from the request. Validate it.' } },
      rule: { shortDescription: { text: 'Semgrep Finding: R1' } },
      title: 'Redirect target comes from the request.',
    },
    { name: 'the first non-empty line of the message', result: { message: { text: '\n  First line\nSecond line' } }, title: 'First line' },
    {
      name: 'a message without a sentence break stays whole',
      result: { message: { text: 'Use of eval with input from req.query' } },
      title: 'Use of eval with input from req.query',
    },
    {
      name: "a message by id, from the rule's messageStrings with arguments",
      result: { message: { id: 'default', arguments: ['userId', 'query'] } },
      rule: { messageStrings: { default: { text: 'Value {0} flows into {1}.' } } },
      title: 'Value userId flows into query.',
      description: 'Value userId flows into query.',
    },
    {
      name: "the rule's name when the message is empty",
      result: { message: { text: '' } },
      rule: { name: 'Weak hash' },
      title: 'Weak hash',
      description: '',
    },
    {
      name: 'description: markdown message, then the rule help',
      result: { message: { text: 'plain', markdown: '**bold** message' } },
      rule: { help: { text: 'help text', markdown: '## Help' } },
      title: 'plain',
      description: '**bold** message\n\n## Help',
    },
    {
      name: 'description: the full description when there is no help',
      result: { message: { text: 'msg' } },
      rule: { fullDescription: { text: 'Full description.' } },
      title: 'msg',
      description: 'msg\n\nFull description.',
    },
    {
      name: 'description: rule text equal to the message is not repeated',
      result: { message: { text: 'Same text.' } },
      rule: { fullDescription: { text: 'Same text.' } },
      title: 'Same text.',
      description: 'Same text.',
    },
    {
      name: 'a very long title is clipped to 255',
      result: { message: { text: 'word '.repeat(100) } },
      title: `${'word '.repeat(51).trim()}…`,
    },
  ];
  it.each(cases)('$name', async ({ result: over, rule, title, description }) => {
    const f = await one(sarifRun([result(over)], [{ id: 'R1', ...rule }]));
    expect(f.title).toBe(title);
    if (description !== undefined) expect(f.description).toBe(description);
  });
});

describe('location', () => {
  const at = (physicalLocation: unknown, extra: Record<string, unknown> = {}) => result({ locations: [{ physicalLocation, ...extra }] });
  it.each([
    {
      name: 'file and line',
      r: at({ artifactLocation: { uri: 'src/a.js' }, region: { startLine: 3 } }),
      location: { file: 'src/a.js', line: 3 },
    },
    { name: 'percent-encoding is decoded', r: at({ artifactLocation: { uri: 'src/my%20file.js' } }), location: { file: 'src/my file.js' } },
    {
      name: 'a file: URI becomes a path',
      r: at({ artifactLocation: { uri: 'file:///github/workspace/app.py' } }),
      location: { file: '/github/workspace/app.py' },
    },
    {
      name: 'an http(s) URI is a URL (DAST)',
      r: at({ artifactLocation: { uri: 'https://shop.example.com/login' } }),
      location: { url: 'https://shop.example.com/login' },
    },
    {
      name: 'a logical location is the component',
      r: result({ locations: [{ logicalLocations: [{ fullyQualifiedName: 'Payments.Api.RefundController.Post', name: 'Post' }] }] }),
      location: { component: 'Payments.Api.RefundController.Post' },
    },
    { name: 'no location', r: result(), location: {} },
  ])('$name', async ({ r, location }) => {
    expect((await one(sarifRun([r]))).location).toEqual(location);
  });
});

describe('fingerprint', () => {
  const fp = async (r: Record<string, unknown>, tool = 'Scanner') => (await one(sarifRun([result(r)], [], { name: tool }))).fingerprint;

  it('uses primaryLocationLineHash alone when present, so other partial keys may change', async () => {
    const a = await fp({ partialFingerprints: { primaryLocationLineHash: 'abc:1', primaryLocationStartColumnFingerprint: '4' } });
    const b = await fp({ partialFingerprints: { primaryLocationStartColumnFingerprint: '9', primaryLocationLineHash: 'abc:1' } });
    expect(a).toBe(b);
    expect(a).toBe(hashParts(['sarif-partial', 'R1', [['primaryLocationLineHash', 'abc:1']]]));
  });

  it('otherwise uses every partial key, sorted, so key order in the file does not matter', async () => {
    const a = await fp({ partialFingerprints: { b: '2', a: '1' } });
    expect(a).toBe(await fp({ partialFingerprints: { a: '1', b: '2' } }));
    expect(a).not.toBe(await fp({ partialFingerprints: { a: '1', b: '3' } }));
  });

  it('includes the rule: the same line flagged by two rules is two findings', async () => {
    const a = await fp({ partialFingerprints: { primaryLocationLineHash: 'abc:1' } });
    const b = await fp({ ruleId: 'R2', partialFingerprints: { primaryLocationLineHash: 'abc:1' } });
    expect(a).not.toBe(b);
  });

  it('leaves the tool name out of tool-given fingerprints, so a renamed tool keeps its findings', async () => {
    const r = { fingerprints: { 'matchBasedId/v1': 'xyz' } };
    expect(await fp(r, 'semgrep')).toBe(await fp(r, 'Semgrep OSS'));
  });

  it('falls back to tool, rule, file, line and title', async () => {
    const r = { locations: [{ physicalLocation: { artifactLocation: { uri: 'a.py' }, region: { startLine: 7 } } }] };
    expect(await fp(r)).toBe(hashParts(['sarif', 'Scanner', 'R1', 'a.py', 7, 'Something is wrong.']));
    expect(await fp(r)).not.toBe(await fp(r, 'Other'));
  });

  it('is 64 hex characters', async () => {
    expect(await fp({})).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('results that are not findings', () => {
  it('skips kinds other than "fail" and counts them', async () => {
    const run = sarifRun([result({ kind: 'pass' }), result({ kind: 'notApplicable' }), result({ kind: 'fail' }), result()]);
    const { findings, summary } = await readAll(sarifLog([run]));
    expect(findings).toHaveLength(2);
    expect(summary.skipped).toBe(2);
  });

  it('a suppression under review or rejected does not make a false positive', async () => {
    const run = sarifRun([
      result({ suppressions: [{ kind: 'external', status: 'underReview' }] }),
      result({ suppressions: [{ kind: 'inSource', status: 'rejected' }] }),
    ]);
    const { findings } = await readAll(sarifLog([run]));
    expect(findings.map((f) => f.flags)).toEqual([{}, {}]);
  });
});

describe('order of sections', () => {
  it('gives the same findings whether the tool comes before or after the results', async () => {
    const first = await readAll(chunked([...generateSarif(60, { toolPosition: 'first' })].join(''), 1000));
    const last = await readAll(chunked([...generateSarif(60, { toolPosition: 'last', versionPosition: 'last' })].join(''), 1000));
    expect(first.error).toBeNull();
    expect(last.error).toBeNull();
    expect(last.findings).toEqual(first.findings);
    expect(first.findings).toHaveLength(60);
    expect(new Set(first.findings.map((f) => f.fingerprint)).size).toBe(60);
  });

  it('reads several runs, each with its own tool', async () => {
    const { findings, summary } = await readAll(
      sarifLog([
        sarifRun([result()], [], { name: 'Alpha', version: '1.0' }),
        { results: [result()], tool: { driver: { name: 'Beta', semanticVersion: '2.0.0', version: '2' } } },
      ]),
    );
    expect(findings.map((f) => [f.tool, f.toolVersion])).toEqual([
      ['Alpha', '1.0'],
      ['Beta', '2.0.0'],
    ]);
    expect(summary.tools).toEqual([
      { name: 'Alpha', version: '1.0' },
      { name: 'Beta', version: '2.0.0' },
    ]);
  });

  it('a wrong version written after the runs fails the import after the findings were read', async () => {
    const text = `{"runs":[${JSON.stringify(sarifRun([result()]))}],"version":"2.0.0"}`;
    const { findings, error } = await readAll(chunked(text, 20));
    expect(findings).toHaveLength(1);
    expect(error?.code).toBe('unsupported_version');
  });

  it('a wrong version written first fails before any finding', async () => {
    const { findings, error } = await readAll({ version: '2.0.0', runs: [sarifRun([result()])] });
    expect(findings).toHaveLength(0);
    expect(error?.pointer).toBe('/version');
  });
});

describe('SARIF shape errors name the JSON pointer', () => {
  const cases: { name: string; doc: object; code?: string; message: string }[] = [
    {
      name: 'another SARIF version',
      doc: { version: '2.0.0', runs: [] },
      code: 'unsupported_version',
      message: '/version: expected "2.1.0", found "2.0.0"',
    },
    {
      name: 'a version that is a number',
      doc: { version: 2.1, runs: [] },
      code: 'unsupported_version',
      message: '/version: expected "2.1.0", found a number',
    },
    { name: 'no version', doc: { $schema: 'sarif', runs: [] }, message: '/version: is required (expected "2.1.0")' },
    { name: 'no runs', doc: { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0' }, message: '/runs: is required' },
    { name: 'runs is an object', doc: { version: '2.1.0', runs: {} }, message: '/runs: must be an array, found an object' },
    { name: 'a run is an array', doc: sarifLog([[]]), message: '/runs/0: must be an object, found an array' },
    { name: 'a run without tool', doc: sarifLog([{ results: [] }]), message: '/runs/0/tool: is required' },
    { name: 'a tool without driver', doc: sarifLog([{ tool: {}, results: [] }]), message: '/runs/0/tool/driver: is required' },
    {
      name: 'a driver without name',
      doc: sarifLog([{ tool: { driver: { version: '1' } } }]),
      message: '/runs/0/tool/driver/name: is required',
    },
    {
      name: 'results is a string',
      doc: sarifLog([{ ...sarifRun([]), results: 'none' }]),
      message: '/runs/0/results: must be an array, found a string',
    },
    {
      name: 'a result is a number',
      doc: sarifLog([sarifRun([result(), 5])]),
      message: '/runs/0/results/1: must be an object, found a number',
    },
    {
      name: 'a result with an unknown level',
      doc: sarifLog([sarifRun([result(), result(), result(), result({ level: 'critical' })])]),
      message: '/runs/0/results/3/level: must be one of "none", "note", "warning", "error"',
    },
    { name: 'a result without message', doc: sarifLog([sarifRun([{ ruleId: 'R1' }])]), message: '/runs/0/results/0/message: is required' },
    {
      name: 'a message without text or id',
      doc: sarifLog([sarifRun([{ message: { markdown: 'x' } }])]),
      message: '/runs/0/results/0/message: needs "text" or "id"',
    },
    {
      name: 'an unknown kind',
      doc: sarifLog([sarifRun([result({ kind: 'error' })])]),
      message: '/runs/0/results/0/kind: must be one of "fail", "pass", "open", "informational", "notApplicable", "review"',
    },
    {
      name: 'a negative ruleIndex',
      doc: sarifLog([sarifRun([result({ ruleIndex: -2 })])]),
      message: '/runs/0/results/0/ruleIndex: must be a whole number, -1 or more',
    },
    {
      name: 'a start line of 0',
      doc: sarifLog([
        sarifRun([result({ locations: [{ physicalLocation: { artifactLocation: { uri: 'a' }, region: { startLine: 0 } } }] })]),
      ]),
      message: '/runs/0/results/0/locations/0/physicalLocation/region/startLine: must be a whole number, 1 or more',
    },
    {
      name: 'a rule with an unknown default level',
      doc: sarifLog([sarifRun([], [{ id: 'R1', defaultConfiguration: { level: 'fatal' } }])]),
      message: '/runs/0/tool/driver/rules/0/defaultConfiguration/level: must be one of "none", "note", "warning", "error"',
    },
    {
      name: 'a ruleId that is not a string',
      doc: sarifLog([sarifRun([result({ ruleId: 7 })])]),
      message: '/runs/0/results/0/ruleId: must be a string, found a number',
    },
  ];
  it.each(cases)('$name', async ({ doc, code = 'invalid_sarif', message }) => {
    const { error } = await readAll(doc, { format: 'sarif' });
    expect(error?.toJSON()).toEqual({ code, message, pointer: message.slice(0, message.indexOf(':')) });
  });

  it('escapes "/" and "~" in keys of a pointer (RFC 6901)', async () => {
    const { error } = await readAll({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'T', rules: [{ id: 'a', defaultConfiguration: { level: 'x' } }] } } }],
    });
    expect(error?.pointer).toBe('/runs/0/tool/driver/rules/0/defaultConfiguration/level');
    const { toPointer } = await import('./errors');
    expect(toPointer(['properties', 'a/b~c'])).toBe('/properties/a~1b~0c');
  });
});
