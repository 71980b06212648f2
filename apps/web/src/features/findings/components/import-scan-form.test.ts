import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { toImportFormData } from '../api/import-scan';
import { describeImportProblem, toImportBody } from './import-scan-form';

const values = {
  format: '',
  engagement_id: '',
  engagement_name: ' CI ',
  scan_date: '2026-11-30',
  tags: 'ci,semgrep',
  minimum_severity: 'Low',
  close_old_findings: true,
};

describe('toImportBody', () => {
  it('targets a new engagement by name, an engagement by id, or a test', () => {
    const product = { kind: 'product' as const, productId: 3, engagements: [] };
    expect(toImportBody(values, product)).toEqual({
      scan_date: '2026-11-30',
      tags: 'ci,semgrep',
      minimum_severity: 'Low',
      product_id: 3,
      engagement_name: 'CI',
    });
    expect(toImportBody({ ...values, engagement_id: '9', format: 'sarif' }, product)).toMatchObject({ engagement_id: 9, format: 'sarif' });
    expect(toImportBody({ ...values, engagement_id: '9' }, product)).not.toHaveProperty('product_id');
    expect(toImportBody({ ...values, close_old_findings: false }, { kind: 'test', testId: 5 })).toMatchObject({
      test_id: 5,
      close_old_findings: false,
    });
    // Detect the format and default the date: left out, not sent empty.
    expect(toImportBody({ ...values, scan_date: '' }, product)).not.toHaveProperty('scan_date');
    expect(toImportBody(values, product)).not.toHaveProperty('format');
  });
});

describe('describeImportProblem', () => {
  it.each([
    [new ApiError(400, 'invalid_json', 'Not JSON', { code: 'invalid_json', message: 'x', line: 3, column: 7 }), 'Line 3, column 7'],
    [new ApiError(400, 'invalid_sarif', 'Bad', { code: 'invalid_sarif', message: 'x', pointer: '/runs/0/results' }), 'At /runs/0/results'],
    [new ApiError(400, 'invalid_sarif', 'Bad', { code: 'invalid_sarif', message: 'x', pointer: '' }), 'At / (the whole document)'],
    [new ApiError(400, 'validation_failed', 'Bad', [{ path: 'tags', message: 'x' }]), null],
    [new ApiError(413, 'too_large', 'Big', { max_bytes: 1 }), null],
    [new Error('network'), null],
  ])('%o → %s', (error, expected) => {
    expect(describeImportProblem(error)).toBe(expected);
  });
});

describe('toImportFormData', () => {
  it('sends each field as a part, lists comma-separated, and the file', () => {
    const file = new File(['{}'], 'scan.sarif', { type: 'application/json' });
    const form = toImportFormData({ product_id: 3, engagement_name: 'CI', tags: ['a', 'b'], minimum_severity: 'Info' }, file);
    expect(form.get('product_id')).toBe('3');
    expect(form.get('tags')).toBe('a,b');
    expect(form.get('engagement_name')).toBe('CI');
    expect((form.get('file') as File).name).toBe('scan.sarif');
    expect(form.has('test_id')).toBe(false);
  });
});
