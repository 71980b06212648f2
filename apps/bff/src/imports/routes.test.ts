/**
 * POST /api/imports end to end: the realistic fixtures (Semgrep, CodeQL, Trivy, Generic) with a session and with
 * a token, re-imports (new, reactivated, mitigated, untouched, triaged kept), every kind of bad input (each
 * changing nothing), RBAC per role, the events and their webhook payload blocks.
 */
import { ReadableStream } from 'node:stream/web';
import type { TFindingDetail, TFindingPage, TTestDetail, TTestSummary } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alertTitles,
  createFindingsWorld,
  createToken,
  errorOf,
  eventRows,
  importFootprint,
  importOk,
  sessionAuth,
  type TWorld,
  uploadScan,
} from '../findings/test-helpers';
import type { TEventPayload } from '../notifications/event-payload';
import { sarifLog } from './test-helpers';

let w: TWorld | undefined;
afterEach(async () => {
  await w?.deps.cleanup();
  w = undefined;
});

async function world(env: Parameters<typeof createFindingsWorld>[0] = {}) {
  w = await createFindingsWorld(env);
  // Late in the UTC day, so scan dates default to 2026-03-10.
  w.deps.now = () => Date.parse('2026-03-10T21:00:00Z');
  return w;
}

type TResult = { rule: string; file: string; line?: number; level?: 'error' | 'warning' | 'note'; text?: string };

/** A small SARIF log of one tool; each result's identity is its rule, file and line. */
function sarif(results: TResult[], tool = 'Scanny') {
  return JSON.stringify(
    sarifLog([
      {
        tool: { driver: { name: tool, version: '1.0.0' } },
        results: results.map((r) => ({
          ruleId: r.rule,
          level: r.level ?? 'warning',
          message: { text: r.text ?? `Problem ${r.rule} in ${r.file}.` },
          locations: [{ physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: r.line ?? 1 } } }],
        })),
      },
    ]),
  );
}

const payloadOf = (row: { payload: string | null }) => JSON.parse(row.payload ?? 'null') as TEventPayload;

async function findingsOf(w: TWorld, productId: number, query = '') {
  const res = await w.clients.admin.get(`/api/products/${productId}/findings?page_size=100${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as TFindingPage;
}

describe('POST /api/imports: the fixtures', () => {
  it('imports Semgrep into an engagement with a session: a test, its findings, test_added and scan_added to those who may see it', async () => {
    const w = await world();
    const result = await importOk(
      w.app,
      sessionAuth(w.clients.bob),
      { engagement_id: w.ci.id, tags: 'ci,nightly' },
      { fixture: 'semgrep.sarif' },
    );
    expect(result).toEqual({
      product_id: w.payments.id,
      engagement_id: w.ci.id,
      test_id: expect.any(Number),
      format: 'sarif',
      tool: 'Semgrep OSS',
      is_reimport: false,
      new: 4,
      reactivated: 0,
      mitigated: 0,
      untouched: 0,
      skipped: 0,
    });
    const page = await findingsOf(w, w.payments.id);
    expect(page.total).toBe(4);
    const sqli = page.items.find((f) => f.cwe === 89)!;
    expect(sqli).toMatchObject({
      title: 'Detected user input used to manually construct a SQL string.',
      severity: 'High',
      status: 'active',
      tool: 'Semgrep OSS',
      location: { file: 'app/payments/views.py', line: 42, component: null, component_version: null, url: null },
      date_found: '2026-03-10',
      test_id: result.test_id,
      test_title: 'Semgrep OSS',
      engagement_name: 'CI',
      url: `/findings/${sqli.id}`,
      sla: { expires_on: '2026-04-09', days_left: 30, state: 'ok' },
    });
    expect(sqli.tags).toEqual(expect.arrayContaining(['ci', 'nightly', 'security', 'high confidence']));
    // The nosemgrep-suppressed result arrives as a false positive, without an SLA state.
    const md5 = page.items.find((f) => f.cwe === 327)!;
    expect(md5.status).toBe('false_positive');
    expect(md5.sla.state).toBe('closed');
    expect(page.items[0]?.severity).toBe('Critical');

    const events = await eventRows(w.deps);
    expect(events.map((e) => [e.name, e.title, e.url])).toEqual([
      ['test_added', 'Test Semgrep OSS added to Payments API / CI', `/tests/${result.test_id}`],
      ['scan_added', 'Semgrep OSS scan imported into Payments API / CI: 4 new', `/tests/${result.test_id}`],
    ]);
    expect(events.every((e) => e.productId === w.payments.id && e.engagementId === w.ci.id && e.createdBy === w.users.bob.id)).toBe(true);
    expect(events[1]?.description).toContain('- 4 new findings: 1 Critical, 1 High, 2 Medium');
    expect(events[1]?.description).toContain('- **Critical**: Stripe API Key detected');
    for (const who of ['admin', 'alice', 'bob', 'erin', 'carol'] as const) {
      expect(await alertTitles(w.deps, w.users[who].id)).toEqual([
        'Test Semgrep OSS added to Payments API / CI',
        'Semgrep OSS scan imported into Payments API / CI: 4 new',
      ]);
    }
    expect(await alertTitles(w.deps, w.users.dave.id)).toEqual([]);

    const payload = payloadOf(events[1]!);
    expect(payload.test).toEqual({
      id: result.test_id,
      title: 'Semgrep OSS',
      format: 'sarif',
      url: `/tests/${result.test_id}`,
      url_ui: `/tests/${result.test_id}`,
      url_api: `/api/tests/${result.test_id}`,
    });
    expect(payload.findings?.totals).toEqual({ new: 4, reactivated: 0, mitigated: 0, untouched: 0 });
    expect(payload.findings?.list_limit).toBe(100);
    expect(payload.findings?.new.map((f) => f.severity)).toEqual(['Critical', 'High', 'Medium', 'Medium']);
    expect(payload.findings?.new[0]).toEqual({
      id: expect.any(Number),
      title: 'Stripe API Key detected',
      severity: 'Critical',
      url: expect.stringMatching(/^\/findings\/\d+$/),
      url_ui: expect.stringMatching(/^\/findings\/\d+$/),
      url_api: expect.stringMatching(/^\/api\/findings\/\d+$/),
    });
    expect(payloadOf(events[0]!)).toEqual({ test: payload.test });

    const test = (await (await w.clients.erin.get(`/api/tests/${result.test_id}`)).json()) as TTestDetail;
    expect(test).toMatchObject({
      title: 'Semgrep OSS',
      tool_version: '1.85.0',
      open_findings: { Critical: 1, High: 1, Medium: 1, Low: 0, Info: 0, total: 3 },
      findings_total: 4,
      import_count: 1,
      created_by: { username: 'bob' },
    });
    expect(test.imports[0]).toMatchObject({
      is_reimport: false,
      file_name: 'semgrep.sarif',
      new: 4,
      tags: ['ci', 'nightly'],
      scan_date: '2026-03-10',
    });
  });

  it('imports CodeQL, Trivy and the Generic file with an API token, into an engagement created by name when missing', async () => {
    const w = await world();
    const token = await createToken(w.deps, w.users.bob);
    const codeql = await importOk(w.app, token, { product_id: w.payments.id, engagement_name: 'Release 2.0' }, { fixture: 'codeql.sarif' });
    const engagement = await w.deps.db.get<{ id: number; name: string; status: string }>(
      sql`select id, name, status from engagements where id = ${codeql.engagement_id}`,
    );
    expect(engagement).toEqual({ id: codeql.engagement_id, name: 'Release 2.0', status: 'In Progress' });
    // The same name in another case is the same engagement.
    const trivy = await importOk(w.app, token, { product_id: w.payments.id, engagement_name: 'release 2.0' }, { fixture: 'trivy.sarif' });
    expect(trivy).toMatchObject({ engagement_id: codeql.engagement_id, tool: 'Trivy', new: 5 });
    expect(trivy.test_id).not.toBe(codeql.test_id);
    const generic = await importOk(w.app, token, { engagement_id: w.ci.id, scan_date: '2026-03-01' }, { fixture: 'generic.json' });
    // The Generic file's already mitigated finding is not imported.
    expect(generic).toMatchObject({ format: 'generic', tool: 'Acme DAST Scan (Generic Findings Import)', new: 3, skipped: 1 });

    const names = (await eventRows(w.deps)).map((e) => e.name);
    expect(names).toEqual(['engagement_added', 'test_added', 'scan_added', 'test_added', 'scan_added', 'test_added', 'scan_added']);

    const findings = await findingsOf(w, w.payments.id, `&test_id=${trivy.test_id}`);
    const zlib = findings.items.find((f) => f.location.component === 'zlib1g')!;
    expect(zlib).toMatchObject({ severity: 'Critical', rule_id: 'CVE-2023-45853', location: { component_version: '1:1.2.13.dfsg-1' } });
    const detail = (await (await w.clients.bob.get(`/api/findings/${zlib.id}`)).json()) as TFindingDetail;
    expect(detail.vulnerability_ids).toEqual(['CVE-2023-45853']);
    const xss = (await findingsOf(w, w.payments.id, `&test_id=${generic.test_id}`)).items.find((f) => f.cwe === 79)!;
    // Its own date wins over scan_date; it is verified, as the file says.
    expect(xss).toMatchObject({
      status: 'verified',
      date_found: '2026-03-02',
      location: { url: 'https://shop.example.com/search?q=test' },
    });
    expect(xss.sla).toEqual({ expires_on: '2026-04-01', days_left: 22, state: 'ok' });
  });

  it('leaves out findings below minimum_severity, and counts a finding reported twice once', async () => {
    const w = await world();
    const file = sarif([
      { rule: 'r1', file: 'a.js', level: 'error' },
      { rule: 'r1', file: 'a.js', level: 'error' },
      { rule: 'r2', file: 'b.js', level: 'warning' },
      { rule: 'r3', file: 'c.js', level: 'note' },
    ]);
    const result = await importOk(
      w.app,
      sessionAuth(w.clients.bob),
      { engagement_id: w.ci.id, minimum_severity: 'Medium' },
      { name: 'x.sarif', content: file },
    );
    expect(result).toMatchObject({ new: 2, skipped: 1 });
    expect((await findingsOf(w, w.payments.id)).items.map((f) => f.severity)).toEqual(['High', 'Medium']);
  });
});

describe('POST /api/imports: re-import', () => {
  it('creates new findings, reactivates mitigated ones, mitigates the vanished and leaves the rest', async () => {
    const w = await world();
    const bob = sessionAuth(w.clients.bob);
    const a = { rule: 'a', file: 'a.js' };
    const b = { rule: 'b', file: 'b.js', level: 'error' as const };
    const c = { rule: 'c', file: 'c.js' };
    const d = { rule: 'd', file: 'd.js', level: 'note' as const };
    const first = await importOk(
      w.app,
      bob,
      { engagement_id: w.ci.id, scan_date: '2026-03-01' },
      { name: 'one.sarif', content: sarif([a, b, c]) },
    );
    const ids = Object.fromEntries((await findingsOf(w, w.payments.id)).items.map((f) => [f.location.file, f.id]));

    // c disappears: mitigated on the scan date; d is new; a and b are untouched.
    const second = await importOk(
      w.app,
      bob,
      { test_id: first.test_id, scan_date: '2026-03-05' },
      { name: 'two.sarif', content: sarif([a, b, d]) },
    );
    expect(second).toMatchObject({ is_reimport: true, test_id: first.test_id, new: 1, reactivated: 0, mitigated: 1, untouched: 2 });
    const afterSecond = (await (await w.clients.bob.get(`/api/findings/${ids['c.js']}`)).json()) as TFindingDetail;
    expect(afterSecond).toMatchObject({ status: 'mitigated', mitigated_on: '2026-03-05', mitigated_by: { username: 'bob' } });
    expect(afterSecond.status_history.map((h) => [h.from, h.to, h.source, h.changed_by?.username])).toEqual([
      [null, 'active', 'import', 'bob'],
      ['active', 'mitigated', 'reimport', 'bob'],
    ]);

    // b is triaged as a false positive by hand: a re-import never changes it, reported or not.
    expect((await w.clients.bob.post(`/api/findings/${ids['b.js']}/status`, { status: 'false_positive', note: 'Test code' })).status).toBe(
      200,
    );
    // c comes back: reactivated. a is gone: mitigated. b is gone but triaged: kept.
    const third = await importOk(
      w.app,
      bob,
      { test_id: first.test_id, scan_date: '2026-03-08' },
      { name: 'three.sarif', content: sarif([c, d]) },
    );
    expect(third).toMatchObject({ new: 0, reactivated: 1, mitigated: 1, untouched: 1 });
    const statuses = async () =>
      Object.fromEntries((await findingsOf(w, w.payments.id)).items.map((f) => [f.location.file, [f.status, f.mitigated_on]]));
    expect(await statuses()).toEqual({
      'a.js': ['mitigated', '2026-03-08'],
      'b.js': ['false_positive', null],
      'c.js': ['active', null],
      'd.js': ['active', null],
    });
    // Reported again while triaged: kept, and counted as kept on the import.
    const fourth = await importOk(
      w.app,
      bob,
      { test_id: first.test_id, close_old_findings: 'false' },
      { name: 'four.sarif', content: sarif([b]) },
    );
    expect(fourth).toMatchObject({ new: 0, reactivated: 0, mitigated: 0, untouched: 0 });
    expect((await statuses())['b.js']).toEqual(['false_positive', null]);
    // close_old_findings=false left c and d open although the file no longer reports them.
    expect((await statuses())['c.js']).toEqual(['active', null]);
    const test = (await (await w.clients.bob.get(`/api/tests/${first.test_id}`)).json()) as TTestDetail;
    expect(
      test.imports.map((i) => [i.is_reimport, i.new, i.reactivated, i.mitigated, i.untouched, i.kept_triaged, i.close_old_findings]),
    ).toEqual([
      [true, 0, 0, 0, 0, 1, false],
      [true, 0, 1, 1, 1, 0, true],
      [true, 1, 0, 1, 2, 0, true],
      [false, 3, 0, 0, 0, 0, false],
    ]);

    const scans = await eventRows(w.deps, sql`name in ('scan_added', 'scan_added_empty')`);
    expect(scans.map((e) => [e.name, e.title])).toEqual([
      ['scan_added', 'Scanny scan imported into Payments API / CI: 3 new'],
      ['scan_added', 'Scanny scan imported into Payments API / CI: 1 new, 1 mitigated'],
      ['scan_added', 'Scanny scan imported into Payments API / CI: 1 reactivated, 1 mitigated'],
      ['scan_added_empty', 'Scanny scan imported into Payments API / CI: no changes'],
    ]);
    // Only the first import added a test.
    expect((await eventRows(w.deps, sql`name = 'test_added'`)).length).toBe(1);
    const third_payload = payloadOf(scans[2]!).findings!;
    expect(third_payload.totals).toEqual({ new: 0, reactivated: 1, mitigated: 1, untouched: 1 });
    expect(third_payload.reactivated.map((f) => f.id)).toEqual([ids['c.js']]);
    expect(third_payload.mitigated.map((f) => f.id)).toEqual([ids['a.js']]);
    expect(third_payload.untouched.map((f) => f.title)).toEqual(['Problem d in d.js.']);
  });

  it('raises test_added and scan_added_empty for a scan without findings', async () => {
    const w = await world();
    const result = await importOk(
      w.app,
      sessionAuth(w.clients.bob),
      { engagement_id: w.ci.id },
      { name: 'clean.sarif', content: sarif([]) },
    );
    expect(result).toMatchObject({ new: 0, tool: 'Scanny' });
    const events = await eventRows(w.deps);
    expect(events.map((e) => [e.name, e.title])).toEqual([
      ['test_added', 'Test Scanny added to Payments API / CI'],
      ['scan_added_empty', 'Scanny scan imported into Payments API / CI: no findings'],
    ]);
    expect(events[1]?.description).toContain('the file holds no findings.');
    expect(payloadOf(events[1]!).findings?.totals).toEqual({ new: 0, reactivated: 0, mitigated: 0, untouched: 0 });
  });

  it('caps each payload list at 100 findings, most severe first, with the full totals', async () => {
    const w = await world();
    const results: TResult[] = Array.from({ length: 130 }, (_, i) => ({
      rule: `r${i}`,
      file: `f${i}.js`,
      level: i === 129 ? 'error' : 'note',
    }));
    await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id }, { name: 'many.sarif', content: sarif(results) });
    const [scan] = await eventRows(w.deps, sql`name = 'scan_added'`);
    const lists = payloadOf(scan!).findings!;
    expect(lists.totals.new).toBe(130);
    expect(lists.new).toHaveLength(100);
    expect(lists.new[0]?.severity).toBe('High');
  });

  it('refuses a re-import of another format or tool, changing nothing', async () => {
    const w = await world();
    const bob = sessionAuth(w.clients.bob);
    const first = await importOk(w.app, bob, { engagement_id: w.ci.id }, { fixture: 'semgrep.sarif' });
    const before = await importFootprint(w.deps);
    const other = await uploadScan(w.app, bob, { test_id: first.test_id }, { fixture: 'trivy.sarif' });
    expect(other.status).toBe(400);
    expect(await errorOf(other)).toMatchObject({ code: 'tool_mismatch', message: expect.stringContaining('this file is from Trivy') });
    const generic = await uploadScan(w.app, bob, { test_id: first.test_id }, { fixture: 'generic.json' });
    expect(await errorOf(generic)).toMatchObject({ code: 'format_mismatch' });
    expect(await importFootprint(w.deps)).toEqual(before);
  });
});

describe('POST /api/imports: bad input changes nothing', () => {
  const cases: [
    string,
    Record<string, string | number>,
    { fixture: string } | { name: string; content: string } | undefined,
    number,
    object,
  ][] = [
    ['no target', {}, { fixture: 'semgrep.sarif' }, 400, { code: 'validation_failed', message: expect.stringContaining('test_id') }],
    ['two targets', { engagement_id: 1, test_id: 1 }, { fixture: 'semgrep.sarif' }, 400, { code: 'validation_failed' }],
    [
      'product without engagement_name',
      { product_id: 1 },
      { fixture: 'semgrep.sarif' },
      400,
      { message: expect.stringContaining('engagement_name') },
    ],
    [
      'close_old_findings on a first import',
      { engagement_id: 1, close_old_findings: 'true' },
      { fixture: 'semgrep.sarif' },
      400,
      { message: expect.stringContaining('close_old_findings') },
    ],
    [
      'an unknown field',
      { engagement_id: 1, severity_floor: 'High' },
      { fixture: 'semgrep.sarif' },
      400,
      { message: expect.stringContaining('severity_floor') },
    ],
    [
      'a bad scan date',
      { engagement_id: 1, scan_date: '2026-02-30' },
      { fixture: 'semgrep.sarif' },
      400,
      { message: expect.stringContaining('scan_date') },
    ],
    [
      'a tag with a space',
      { engagement_id: 1, tags: 'two words' },
      { fixture: 'semgrep.sarif' },
      400,
      { message: expect.stringContaining('tags') },
    ],
    ['no file', { engagement_id: 1 }, undefined, 400, { message: expect.stringContaining('file: is required') }],
    [
      'an unknown format',
      { engagement_id: 1, format: 'zap' },
      { fixture: 'semgrep.sarif' },
      400,
      { code: 'unknown_format', message: expect.stringContaining('Supported formats') },
    ],
    ['an empty file', { engagement_id: 1 }, { fixture: 'malformed/empty.sarif' }, 400, { code: 'empty_file' }],
    ['a blank file', { engagement_id: 1 }, { fixture: 'malformed/blank.txt' }, 400, { code: 'empty_file' }],
    [
      'not JSON: line and column',
      { engagement_id: 1 },
      { fixture: 'malformed/missing-comma.sarif' },
      400,
      { code: 'invalid_json', details: { line: 6, column: expect.any(Number) } },
    ],
    ['a truncated file', { engagement_id: 1 }, { fixture: 'malformed/truncated.sarif' }, 400, { code: 'invalid_json' }],
    ['SARIF 2.0.0', { engagement_id: 1 }, { fixture: 'malformed/sarif-2.0.0.sarif' }, 400, { code: 'unsupported_version' }],
    [
      'not SARIF: a JSON pointer, after findings were read',
      { engagement_id: 1 },
      { fixture: 'malformed/bad-level.sarif' },
      400,
      { code: 'invalid_sarif', details: { pointer: expect.stringMatching(/^\/runs\/0\/results\/\d+\/level$/) } },
    ],
    [
      'a Generic finding without severity',
      { engagement_id: 1 },
      { fixture: 'malformed/generic-missing-severity.json' },
      400,
      { code: 'invalid_generic', details: { pointer: '/findings/1/severity' } },
    ],
    ['JSON of neither format', { engagement_id: 1 }, { name: 'x.json', content: '{"issues": []}' }, 400, { code: 'unrecognized_format' }],
    [
      'SARIF asked for, Generic sent',
      { engagement_id: 1, format: 'sarif' },
      { fixture: 'generic.json' },
      400,
      { code: 'unsupported_version' },
    ],
  ];

  for (const [name, fields, file, status, error] of cases) {
    it(name, async () => {
      const w = await world();
      const body = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [k, k === 'engagement_id' || k === 'test_id' ? String(w.ci.id) : v]),
      );
      if ('product_id' in fields) body.product_id = String(w.payments.id);
      const before = await importFootprint(w.deps);
      const res = await uploadScan(w.app, sessionAuth(w.clients.bob), body, file);
      expect(res.status).toBe(status);
      expect(await errorOf(res)).toMatchObject(error);
      expect(await importFootprint(w.deps)).toEqual(before);
    });
  }

  it('accepts DefectDojo format names, and refuses a field sent twice', async () => {
    const w = await world();
    const ok = await uploadScan(
      w.app,
      sessionAuth(w.clients.bob),
      { engagement_id: w.ci.id, format: 'Generic Findings Import' },
      { fixture: 'generic.json' },
    );
    expect(ok.status).toBe(201);
    const twice = await uploadScan(
      w.app,
      sessionAuth(w.clients.bob),
      { engagement_id: [String(w.ci.id), String(w.ci.id)] },
      { fixture: 'semgrep.sarif' },
    );
    expect(twice.status).toBe(400);
    expect((await errorOf(twice)).message).toContain('engagement_id: is given 2 times');
  });

  it('refuses a body that is not multipart with 415, and a file part under another name', async () => {
    const w = await world();
    const json = await w.clients.bob.post('/api/imports', { engagement_id: w.ci.id });
    expect(json.status).toBe(415);
    expect((await errorOf(json)).message).toContain('multipart/form-data');
    const form = new FormData();
    form.append('engagement_id', String(w.ci.id));
    form.append('scan', new Blob(['{}']), 'x.sarif');
    const res = await w.app.request('http://localhost/api/imports', {
      method: 'POST',
      body: form,
      headers: { cookie: `tocsin_session=${w.clients.bob.cookie}`, 'x-csrf-token': w.clients.bob.csrfToken },
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain('part named "file"');
  });

  it('answers 400 to a body cut off in the middle of a part, whatever the part is called, and keeps serving', async () => {
    const w = await world();
    const boundary = 'tocsin-cut-boundary';
    for (const part of ['scan', 'file']) {
      const body =
        `--${boundary}\r\nContent-Disposition: form-data; name="engagement_id"\r\n\r\n${w.ci.id}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="${part}"; filename="x.sarif"\r\n\r\n{"version": "2.1.0", "ru`;
      const res = await w.app.request('http://localhost/api/imports', {
        method: 'POST',
        body,
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          cookie: `tocsin_session=${w.clients.bob.cookie}`,
          'x-csrf-token': w.clients.bob.csrfToken,
        },
      });
      expect(res.status, part).toBe(400);
    }
    expect((await w.clients.bob.get('/api/me')).status).toBe(200);
  });

  it('answers 413 naming the cap, and stops reading the upload there', async () => {
    const w = await world({ IMPORT_MAX_BYTES: 64 * 1024 });
    const token = await createToken(w.deps, w.users.bob);
    const boundary = 'tocsin-test-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="engagement_id"\r\n\r\n${w.ci.id}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.sarif"\r\nContent-Type: application/json\r\n\r\n`,
    );
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const total = 10 * 1024 * 1024;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        if (sent >= total) {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const before = await importFootprint(w.deps);
    const res = await w.app.request('http://localhost/api/imports', {
      method: 'POST',
      body: body as unknown as RequestInit['body'],
      headers: { authorization: `Token ${(token as { key: string }).key}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining('64 KiB'),
      details: { max_bytes: 65536 },
    });
    // Reading stopped near the cap, not at the end of the 10 MiB body.
    expect(sent).toBeLessThan(1024 * 1024);
    expect(await importFootprint(w.deps)).toEqual(before);

    const declared = await w.app.request('http://localhost/api/imports', {
      method: 'POST',
      body: 'x',
      headers: {
        authorization: `Token ${(token as { key: string }).key}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(50 * 1024 * 1024),
      },
    });
    expect(declared.status).toBe(413);
  });

  it('imports a file larger than the 1 MiB limit of other API bodies', async () => {
    const w = await world();
    const results: TResult[] = Array.from({ length: 6000 }, (_, i) => ({
      rule: `rule-${i % 40}`,
      file: `src/file-${i}.js`,
      line: i + 1,
      text: 'x'.repeat(150),
    }));
    const content = sarif(results);
    expect(content.length).toBeGreaterThan(1024 * 1024);
    const result = await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id }, { name: 'big.sarif', content });
    expect(result.new).toBe(6000);
  });
});

describe('POST /api/imports: who may import', () => {
  it('lets Writers and above import; Readers get 403, people who cannot see the product 404, as for missing targets', async () => {
    const w = await world();
    const file = { fixture: 'codeql.sarif' };
    const status = async (client: keyof TWorld['clients'], fields: Record<string, string | number>) =>
      (await uploadScan(w.app, sessionAuth(w.clients[client]), fields, file)).status;
    expect(await status('erin', { engagement_id: w.ci.id })).toBe(403);
    expect(await status('carol', { engagement_id: w.ci.id })).toBe(403);
    expect(await status('dave', { engagement_id: w.ci.id })).toBe(404);
    expect(await status('bob', { engagement_id: w.vpnAudit.id })).toBe(404);
    expect(await status('bob', { engagement_id: 999_999 })).toBe(404);
    expect(await status('bob', { product_id: w.vpn.id, engagement_name: 'X' })).toBe(404);
    expect(await status('erin', { product_id: w.payments.id, engagement_name: 'X' })).toBe(403);
    const forbidden = await uploadScan(w.app, sessionAuth(w.clients.erin), { engagement_id: w.ci.id }, file);
    expect((await errorOf(forbidden)).message).toContain('needs the Writer role or higher');
    expect(await status('alice', { engagement_id: w.ci.id })).toBe(201);
    expect(await status('admin', { engagement_id: w.vpnAudit.id })).toBe(201);
    const vpnTest = (await w.deps.db.get<{ id: number }>(sql`select id from tests where product_id = ${w.vpn.id}`))!.id;
    expect(await status('bob', { test_id: vpnTest })).toBe(404);
    expect(await status('carol', { test_id: vpnTest })).toBe(403);
    // A global Writer may import anywhere.
    await w.deps.db.run(sql`update users set global_role = 'Writer' where id = ${w.users.carol.id}`);
    expect(await status('carol', { test_id: vpnTest })).toBe(201);
  });

  it('needs a login, and the CSRF token with a session', async () => {
    const w = await world();
    const form = new FormData();
    form.append('engagement_id', String(w.ci.id));
    form.append('file', new Blob(['{}']), 'x.sarif');
    expect((await w.app.request('http://localhost/api/imports', { method: 'POST', body: form })).status).toBe(401);
    const noCsrf = await w.app.request('http://localhost/api/imports', {
      method: 'POST',
      body: form,
      headers: { cookie: `tocsin_session=${w.clients.bob.cookie}` },
    });
    expect(noCsrf.status).toBe(403);
    expect(await importFootprint(w.deps)).toMatchObject({ tests: 0, findings: 0 });
  });

  it("lists a product's tests for those who may see it", async () => {
    const w = await world();
    const r = await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id }, { fixture: 'trivy.sarif' });
    const tests = (await (await w.clients.carol.get(`/api/products/${w.payments.id}/tests`)).json()) as TTestSummary[];
    expect(tests.map((t) => [t.id, t.title, t.open_findings.total, t.import_count])).toEqual([[r.test_id, 'Trivy', 5, 1]]);
    expect((await w.clients.dave.get(`/api/products/${w.payments.id}/tests`)).status).toBe(404);
    expect((await w.clients.dave.get(`/api/tests/${r.test_id}`)).status).toBe(404);
    expect((await w.clients.bob.get('/api/tests/999999')).status).toBe(404);
  });
});

describe('import events: text people wrote stays text', () => {
  it('escapes product, engagement and finding titles in the markdown description', async () => {
    const w = await world();
    await w.deps.db.run(sql`update products set name = ${'Pay**ments** [x](https://evil.example)'} where id = ${w.payments.id}`);
    const file = sarif([
      { rule: 'x', file: 'a.js', level: 'error', text: '<img src=x onerror=alert(1)> **bold** [link](https://evil.example)' },
    ]);
    await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id }, { name: 'x.sarif', content: file });
    const [scan] = await eventRows(w.deps, sql`name = 'scan_added'`);
    const description = scan?.description ?? '';
    // Every markup character people wrote is backslash-escaped (literal in CommonMark); only the template's ** remain.
    expect(description).toContain('Pay\\*\\*ments\\*\\* \\[x\\]\\(https');
    expect(description).toContain('\\<img src\\=x');
    expect(description.replaceAll(/\\./g, '')).not.toMatch(/[<>[\]]/);
  });
});
