import { describe, expect, it } from 'vitest';
import { addDays, calendarDateIn, diffDays } from './calendar-date';

describe('addDays / diffDays', () => {
  it.each([
    ['2026-03-28', 2, '2026-03-30'],
    ['2026-10-24', 2, '2026-10-26'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-05-05', 0, '2026-05-05'],
  ])('%s + %i = %s, and back', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(diffDays(date, expected)).toBe(days);
  });

  it('refuses what is not a calendar date or a whole number of days', () => {
    expect(() => addDays('2026-02-29', 1)).toThrow(RangeError);
    expect(() => addDays('26-01-01', 1)).toThrow(RangeError);
    expect(() => addDays('2026-01-01', 0.5)).toThrow(RangeError);
    expect(() => diffDays('2026-01-01', 'tomorrow')).toThrow(RangeError);
  });
});

describe('calendarDateIn', () => {
  it.each([
    ['2026-03-29T22:30:00Z', 'Europe/Berlin', '2026-03-30'],
    ['2026-03-29T21:59:59Z', 'Europe/Berlin', '2026-03-29'],
    ['2026-11-02T04:59:59Z', 'America/New_York', '2026-11-01'],
    ['2026-11-02T05:00:00Z', 'America/New_York', '2026-11-02'],
    ['2026-06-30T23:00:00Z', 'UTC', '2026-06-30'],
    ['2026-06-30T23:00:00Z', 'Pacific/Kiritimati', '2026-07-01'],
  ])('%s in %s is %s', (instant, zone, date) => {
    expect(calendarDateIn(new Date(instant), zone)).toBe(date);
  });

  it('refuses an unknown time zone', () => {
    expect(() => calendarDateIn(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
