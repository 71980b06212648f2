import { describe, expect, it } from 'vitest';
import { computeBackoffMs, computeRetryDelayMs, MAX_RETRY_AFTER_MS } from './backoff';
import { parseRetryAfter } from './outcome';

const opts = { baseMs: 1000, maxMs: 60_000 };

describe('computeBackoffMs', () => {
  it('doubles per failed attempt, between half and all of base·2^(n−1)', () => {
    expect(computeBackoffMs(1, { ...opts, random: () => 0 })).toBe(500);
    expect(computeBackoffMs(1, { ...opts, random: () => 1 })).toBe(1000);
    expect(computeBackoffMs(2, { ...opts, random: () => 1 })).toBe(2000);
    expect(computeBackoffMs(3, { ...opts, random: () => 0 })).toBe(2000);
    expect(computeBackoffMs(4, { ...opts, random: () => 1 })).toBe(8000);
  });

  it('is capped at maxMs however many attempts failed', () => {
    expect(computeBackoffMs(7, { ...opts, random: () => 1 })).toBe(60_000);
    expect(computeBackoffMs(500, { ...opts, random: () => 1 })).toBe(60_000);
    expect(computeBackoffMs(500, { ...opts, random: () => 0 })).toBe(30_000);
  });

  it('spreads retries with jitter', () => {
    const values = new Set(Array.from({ length: 50 }, () => computeBackoffMs(5, opts)));
    expect(values.size).toBeGreaterThan(10);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(8000);
      expect(v).toBeLessThanOrEqual(16_000);
    }
  });
});

describe('computeRetryDelayMs', () => {
  it('honours Retry-After over the backoff, even when longer or shorter', () => {
    expect(computeRetryDelayMs(1, 30_000, { ...opts, random: () => 1 })).toBe(30_000);
    expect(computeRetryDelayMs(6, 2_000, { ...opts, random: () => 1 })).toBe(2_000);
  });
  it('uses the backoff without Retry-After, and caps absurd Retry-After values', () => {
    expect(computeRetryDelayMs(2, undefined, { ...opts, random: () => 1 })).toBe(2000);
    expect(computeRetryDelayMs(2, 0, { ...opts, random: () => 1 })).toBe(2000);
    expect(computeRetryDelayMs(1, 10 * MAX_RETRY_AFTER_MS, opts)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
