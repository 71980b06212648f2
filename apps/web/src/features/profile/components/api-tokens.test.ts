import { describe, expect, it } from 'vitest';
import { buildCurlExample, describeExpiry, todayLocal } from './api-tokens';

describe('buildCurlExample', () => {
  it('posts an event to this site with the new key', () => {
    expect(buildCurlExample('https://tocsin.example', 'tcs_abc')).toBe(
      `curl -X POST https://tocsin.example/api/events -H "Authorization: Token tcs_abc" -H "Content-Type: application/json" -d '{"event":"scan_added","title":"...","product_id":1}'`,
    );
  });
});

describe('describeExpiry', () => {
  it('says never, through which day, or that it expired', () => {
    expect(describeExpiry({ expires_on: null, is_expired: false })).toBe('Never');
    expect(describeExpiry({ expires_on: '2026-12-31', is_expired: false })).toBe('Through 2026-12-31');
    expect(describeExpiry({ expires_on: '2026-01-31', is_expired: true })).toBe('Expired on 2026-01-31');
  });
});

describe('todayLocal', () => {
  it('is the local calendar day, zero-padded', () => {
    expect(todayLocal(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(todayLocal(new Date(2026, 11, 31, 0, 1))).toBe('2026-12-31');
  });
});
