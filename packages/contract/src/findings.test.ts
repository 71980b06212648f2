import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLA_PERIODS,
  ZCreateNoteBody,
  ZCreateRiskAcceptanceBody,
  ZEditNoteBody,
  ZFindingStatusChangeBody,
  ZImportScanBody,
  ZReviewRequestBody,
  ZSlaConfigurationBody,
} from './findings';

type TCase = { name: string; body: unknown; ok: boolean; path?: (string | number)[] };

function check(schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } }, c: TCase) {
  const r = schema.safeParse(c.body);
  expect(r.success, JSON.stringify(r.error?.issues)).toBe(c.ok);
  if (c.path) expect(r.error?.issues[0]?.path).toEqual(c.path);
}

describe('ZImportScanBody', () => {
  const cases: TCase[] = [
    { name: 'a re-import into a test', body: { test_id: '4' }, ok: true },
    { name: 'a new test in an engagement', body: { engagement_id: 2, format: 'sarif' }, ok: true },
    { name: 'a product with an engagement name', body: { product_id: 1, engagement_name: 'CI' }, ok: true },
    { name: 'no target', body: {}, ok: false, path: ['test_id'] },
    { name: 'two targets', body: { test_id: 1, engagement_id: 2 }, ok: false, path: ['test_id'] },
    { name: 'product without engagement name', body: { product_id: 1 }, ok: false, path: ['engagement_name'] },
    { name: 'engagement name without product', body: { engagement_id: 1, engagement_name: 'CI' }, ok: false, path: ['engagement_name'] },
    { name: 'close_old_findings outside a re-import', body: { engagement_id: 1, close_old_findings: true }, ok: false },
    { name: 'unknown format', body: { test_id: 1, format: 'zap' }, ok: false, path: ['format'] },
    { name: 'impossible scan date', body: { test_id: 1, scan_date: '2026-02-30' }, ok: false, path: ['scan_date'] },
    { name: 'unknown field (strict)', body: { test_id: 1, scan_type: 'SARIF' }, ok: false },
    { name: 'tag with a space', body: { test_id: 1, tags: ['two words'] }, ok: false, path: ['tags', 0] },
  ];
  it.each(cases)('$name', (c) => check(ZImportScanBody, c));

  it('reads multipart strings: comma-separated tags (lower-cased), booleans, ids', () => {
    const parsed = ZImportScanBody.parse({ test_id: '7', tags: 'CI, nightly,,Main', close_old_findings: 'false' });
    expect(parsed).toEqual({ test_id: 7, tags: ['ci', 'nightly', 'main'], close_old_findings: false, minimum_severity: 'Info' });
  });
});

describe('ZFindingStatusChangeBody', () => {
  const cases: TCase[] = [
    { name: 'false positive with a reason', body: { status: 'false_positive', note: 'test code' }, ok: true },
    { name: 'risk accepted goes through a risk acceptance', body: { status: 'risk_accepted' }, ok: false, path: ['status'] },
    { name: 'duplicate is set by deduplication', body: { status: 'duplicate' }, ok: false, path: ['status'] },
    { name: 'strict', body: { status: 'active', active: true }, ok: false },
  ];
  it.each(cases)('$name', (c) => check(ZFindingStatusChangeBody, c));
});

describe('notes and review requests', () => {
  it.each<TCase>([
    { name: 'a note', body: { entry: 'cc @alice' }, ok: true },
    { name: 'a blank note', body: { entry: '   ' }, ok: false, path: ['entry'] },
    { name: 'a note with an unknown field', body: { entry: 'x', author_id: 1 }, ok: false },
  ])('create: $name', (c) => check(ZCreateNoteBody, c));

  it.each<TCase>([
    { name: 'an edit', body: { entry: 'now with @bob' }, ok: true },
    { name: 'privacy is not editable here', body: { entry: 'x', is_private: true }, ok: false },
  ])('edit: $name', (c) => check(ZEditNoteBody, c));

  it.each<TCase>([
    { name: 'a review request', body: { reviewer_ids: [2, 3], note: 'please check' }, ok: true },
    { name: 'no reviewer', body: { reviewer_ids: [], note: 'x' }, ok: false, path: ['reviewer_ids'] },
    { name: 'a reviewer twice', body: { reviewer_ids: [2, 2], note: 'x' }, ok: false, path: ['reviewer_ids'] },
    { name: 'no note', body: { reviewer_ids: [2] }, ok: false, path: ['note'] },
  ])('review: $name', (c) => check(ZReviewRequestBody, c));
});

describe('ZSlaConfigurationBody', () => {
  it.each<TCase>([
    { name: 'the defaults', body: { name: 'Default', periods: DEFAULT_SLA_PERIODS }, ok: true },
    {
      name: 'an enforced severity without days',
      body: { name: 'x', periods: { ...DEFAULT_SLA_PERIODS, Info: { days: null, enforced: true } } },
      ok: false,
      path: ['periods', 'Info', 'days'],
    },
    {
      name: 'zero days',
      body: { name: 'x', periods: { ...DEFAULT_SLA_PERIODS, High: { days: 0, enforced: true } } },
      ok: false,
      path: ['periods', 'High', 'days'],
    },
    { name: 'a missing severity', body: { name: 'x', periods: { ...DEFAULT_SLA_PERIODS, Low: undefined } }, ok: false },
  ])('$name', (c) => check(ZSlaConfigurationBody, c));
});

describe('ZCreateRiskAcceptanceBody', () => {
  const base = { name: 'Accepted until the rewrite', finding_ids: [1, 2], owner_id: 3, expires_on: '2026-06-30' };
  it.each<TCase>([
    { name: 'an acceptance', body: base, ok: true },
    { name: 'one that never expires', body: { ...base, expires_on: null }, ok: true },
    { name: 'no findings', body: { ...base, finding_ids: [] }, ok: false, path: ['finding_ids'] },
    { name: 'a date with a time', body: { ...base, expires_on: '2026-06-30T00:00:00Z' }, ok: false, path: ['expires_on'] },
    { name: 'an unknown decision', body: { ...base, decision: 'ignore' }, ok: false, path: ['decision'] },
  ])('$name', (c) => check(ZCreateRiskAcceptanceBody, c));

  it('defaults to DefectDojo behaviour: accept, reactivate on expiry, keep the SLA', () => {
    expect(ZCreateRiskAcceptanceBody.parse(base)).toMatchObject({
      decision: 'accept',
      reactivate_expired: true,
      restart_sla_expired: false,
    });
  });
});
