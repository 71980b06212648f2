import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import { describe, expect, it } from 'vitest';
import { EVENT_CODES, eventCodeOf } from './event-codes';

describe('event codes', () => {
  it('gives every catalogue event its own number', () => {
    const codes = EVENT_NAMES.map((name) => EVENT_CODES[name]);
    expect(codes.every((c) => Number.isInteger(c) && c > 0)).toBe(true);
    expect(new Set(codes).size).toBe(EVENT_NAMES.length);
  });

  it('keeps the numbers already stored in alerts (migration 0015 wrote them)', () => {
    expect(EVENT_CODES.product_type_added).toBe(1);
    expect(EVENT_CODES.scan_added).toBe(5);
    expect(EVENT_CODES.sla_breach).toBe(16);
    expect(EVENT_CODES.risk_acceptance_expiration).toBe(18);
  });

  it('has no code for a missing event or a name outside the catalogue', () => {
    expect(eventCodeOf(null)).toBeNull();
    expect(eventCodeOf('toString')).toBeNull();
    expect(eventCodeOf('no_such_event')).toBeNull();
    expect(eventCodeOf('user_mentioned')).toBe(12);
  });
});
