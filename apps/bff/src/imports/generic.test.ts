import { describe, expect, it } from 'vitest';
import { hashParts } from './finding';
import { GENERIC_TOOL, genericTestType } from './generic';
import { FIXTURES, readAll } from './test-helpers';

const finding = (over: Record<string, unknown> = {}) => ({
  title: 'Weak TLS',
  description: 'TLS 1.0 enabled.',
  severity: 'Medium',
  ...over,
});

async function one(over: Record<string, unknown>) {
  const { findings, error } = await readAll({ findings: [finding(over)] });
  if (error) throw error;
  return findings[0]!;
}

describe('Generic Findings Import fixture', () => {
  it('reads every documented field it uses', async () => {
    const { findings, summary, error } = await readAll(`${FIXTURES}generic.json`);
    expect(error).toBeNull();
    expect(summary).toEqual({
      format: 'generic',
      tools: [{ name: 'Acme DAST Scan (Generic Findings Import)', version: '3.4.1' }],
      findings: 4,
      skipped: 0,
    });
    const [xss, jquery, hsts, debug] = findings;
    expect(xss).toEqual({
      title: 'Reflected XSS in search parameter',
      severity: 'High',
      description: 'The `q` parameter of /search is echoed into the page without encoding.\n\n**Payload:** `<script>alert(1)</script>`',
      tool: GENERIC_TOOL,
      toolVersion: null,
      ruleId: 'ACME-XSS-001',
      cwe: 79,
      location: { url: 'https://shop.example.com/search?q=test' },
      fingerprint: hashParts(['generic-uid', 'acme-dast-8812']),
      dateFound: '2026-03-02',
      tags: ['xss', 'web'],
      vulnerabilityIds: [],
      flags: { active: true, verified: true },
      mitigation: "Encode output with the template engine's HTML escaping.",
      impact: 'Session theft for any user who follows a crafted link.',
      references: 'https://owasp.org/www-community/attacks/xss/',
    });
    // "medium" is forgiven; a quoted CWE is read; "N/A" as a line is ignored (as DefectDojo does); date-times keep their day.
    expect(jquery).toMatchObject({
      severity: 'Medium',
      cwe: 1104,
      dateFound: '2026-03-02',
      location: { file: 'static/js/vendor/jquery.min.js', component: 'jquery', component_version: '1.12.4' },
      vulnerabilityIds: ['CVE-2020-11022', 'CVE-2020-11023'],
    });
    expect(jquery!.location.line).toBeUndefined();
    expect(hsts).toMatchObject({ location: { url: 'https://shop.example.com:443/' }, flags: { falsePositive: true, active: false } });
    expect(debug).toMatchObject({
      severity: 'Critical',
      location: { file: 'cmd/server/main.go', line: 88 },
      flags: { isMitigated: true, mitigatedOn: '2026-03-10' },
    });
  });
});

describe('Generic fields', () => {
  it.each([
    {
      name: 'fingerprint from unique_id_from_tool',
      over: { unique_id_from_tool: 'id-1' },
      fingerprint: hashParts(['generic-uid', 'id-1']),
    },
    { name: 'a numeric unique id is text', over: { unique_id_from_tool: 42 }, fingerprint: hashParts(['generic-uid', '42']) },
    {
      name: "else DefectDojo's default hash fields: title, cwe, line, file_path, description",
      over: { cwe: 326, line: 3, file_path: 'nginx.conf' },
      fingerprint: hashParts(['generic', 'Weak TLS', 326, 3, 'nginx.conf', 'TLS 1.0 enabled.']),
    },
  ])('$name', async ({ over, fingerprint }) => {
    expect((await one(over)).fingerprint).toBe(fingerprint);
  });

  it('the hash ignores fields DefectDojo does not hash (severity, tags)', async () => {
    expect((await one({ severity: 'High', tags: ['a'] })).fingerprint).toBe((await one({})).fingerprint);
  });

  it.each([
    { name: 'severity in any case', over: { severity: 'CRITICAL' }, expected: { severity: 'Critical' } },
    { name: 'a line as a quoted number', over: { line: '12' }, expected: { location: { line: 12 } } },
    {
      name: 'an endpoint object with a path',
      over: { endpoints: [{ host: 'api.example.com', path: 'v1/users', query: 'id=1' }] },
      expected: { location: { url: 'api.example.com/v1/users?id=1' } },
    },
    { name: 'a cve becomes a vulnerability id', over: { cve: 'CVE-2021-44228' }, expected: { vulnerabilityIds: ['CVE-2021-44228'] } },
    { name: 'tags as one string', over: { tags: 'pci' }, expected: { tags: ['pci'] } },
    { name: 'an ISO date-time keeps its day', over: { date: '2024-01-04T11:02:11Z' }, expected: { dateFound: '2024-01-04' } },
  ])('$name', async ({ over, expected }) => {
    expect(await one(over)).toMatchObject(expected);
  });
});

describe('genericTestType (DefectDojo naming)', () => {
  it.each([
    [null, 'Generic Findings Import'],
    ['', 'Generic Findings Import'],
    ['Generic Findings Import', 'Generic Findings Import'],
    ['Tool1', 'Tool1 Scan (Generic Findings Import)'],
    ['Tool1 (Generic Findings Import)', 'Tool1 (Generic Findings Import)'],
  ])('%j → %s', (type, name) => {
    expect(genericTestType(type)).toBe(name);
  });
});

describe('Generic errors name the JSON pointer', () => {
  const cases: { name: string; doc: object; message: string }[] = [
    {
      name: 'no findings (format given)',
      doc: { name: 'x', type: 'Tool1' },
      message: '/findings: is required: a Generic Findings Import file holds {"findings": [...]}',
    },
    { name: 'findings is an object', doc: { findings: {} }, message: '/findings: must be an array, found an object' },
    { name: 'findings is null', doc: { findings: null }, message: '/findings: must be an array, found null' },
    { name: 'a finding is a string', doc: { findings: [finding(), 'XSS'] }, message: '/findings/1: must be an object, found a string' },
    { name: 'a finding without title', doc: { findings: [finding({ title: undefined })] }, message: '/findings/0/title: is required' },
    { name: 'a blank title', doc: { findings: [finding({ title: '  ' })] }, message: '/findings/0/title: is empty' },
    {
      name: 'a finding without severity',
      doc: { findings: [finding(), finding({ severity: undefined })] },
      message: '/findings/1/severity: is required',
    },
    {
      name: 'an unknown severity',
      doc: { findings: [finding({ severity: 'Severe' })] },
      message: '/findings/0/severity: must be one of "Critical", "High", "Medium", "Low", "Info"',
    },
    {
      name: 'a finding without description (DefectDojo requires it)',
      doc: { findings: [finding({ description: undefined })] },
      message: '/findings/0/description: is required',
    },
    {
      name: 'a flag that is not a boolean',
      doc: { findings: [finding({ active: 'yes' })] },
      message: '/findings/0/active: must be true or false, found a string',
    },
    {
      name: 'a day that does not exist',
      doc: { findings: [finding({ date: '2026-02-30' })] },
      message: '/findings/0/date: must be a date such as "2026-03-05" or "2026-03-05T10:00:00Z"',
    },
    {
      name: 'a date that is not a date',
      doc: { findings: [finding({ date: '03/02/2026' })] },
      message: '/findings/0/date: must be a date such as "2026-03-05" or "2026-03-05T10:00:00Z"',
    },
  ];
  it.each(cases)('$name', async ({ doc, message }) => {
    const { error } = await readAll(doc, { format: 'generic' });
    expect(error?.toJSON()).toEqual({ code: 'invalid_generic', message, pointer: message.slice(0, message.indexOf(':')) });
  });

  it('the malformed fixture names the second finding', async () => {
    const { findings, error } = await readAll(`${FIXTURES}malformed/generic-missing-severity.json`);
    expect(error?.pointer).toBe('/findings/1/severity');
    expect(findings.length).toBeLessThanOrEqual(1);
  });
});
