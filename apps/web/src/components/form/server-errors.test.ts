import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api-client';
import { getServerFieldErrors, isExplainedByFields } from './server-errors';

const validation = new ApiError(400, 'validation_failed', 'msteams_url: Enter the https:// URL; team_name: Too long', [
  { path: 'msteams_url', message: 'Enter the https:// URL' },
  { path: 'team_name', message: 'Too long' },
  { path: 'team_name', message: 'A second complaint' },
]);

describe('getServerFieldErrors', () => {
  it('maps the BFF validation details to the first message per field', () => {
    expect(getServerFieldErrors(validation)).toEqual({ msteams_url: 'Enter the https:// URL', team_name: 'Too long' });
  });

  it('is empty for other errors', () => {
    expect(getServerFieldErrors(new ApiError(409, 'conflict', 'already exists'))).toEqual({});
    expect(getServerFieldErrors(new Error('network'))).toEqual({});
    expect(getServerFieldErrors(null)).toEqual({});
  });
});

describe('isExplainedByFields', () => {
  it('is true only when every complaint is about a field on the form', () => {
    expect(isExplainedByFields(validation, ['msteams_url', 'team_name', 'mail_to'])).toBe(true);
    expect(isExplainedByFields(validation, ['msteams_url'])).toBe(false);
    expect(isExplainedByFields(new ApiError(409, 'conflict', 'x'), ['name'])).toBe(false);
  });
});
