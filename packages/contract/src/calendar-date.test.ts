import { describe, expect, it } from 'vitest';
import { findDaysInMonth, isCalendarDate, isLeapYear, ZCalendarDate } from './calendar-date';

describe('isCalendarDate', () => {
  const cases: [string, boolean, string][] = [
    ['2026-01-31', true, 'an ordinary day'],
    ['2026-02-28', true, 'the last day of February'],
    ['2026-02-29', false, 'February 29 in a common year'],
    ['2028-02-29', true, 'February 29 in a leap year'],
    ['1900-02-29', false, 'a century is not a leap year'],
    ['2000-02-29', true, 'unless divisible by 400'],
    ['2026-02-31', false, 'February 31'],
    ['2026-04-31', false, 'April has 30 days'],
    ['2026-06-30', true, 'June 30'],
    ['2026-12-31', true, 'New Year’s Eve'],
    ['2026-00-10', false, 'month 0'],
    ['2026-13-01', false, 'month 13'],
    ['2026-01-00', false, 'day 0'],
    ['2026-1-05', false, 'a one-digit month'],
    ['26-01-05', false, 'a two-digit year'],
    ['2026-01-05T00:00:00Z', false, 'a time'],
    [' 2026-01-05', false, 'white space'],
    ['２０２６-01-05', false, 'full-width digits'],
    ['', false, 'empty'],
  ];
  for (const [value, expected, name] of cases) it(`${name}: ${value || '(empty)'}`, () => expect(isCalendarDate(value)).toBe(expected));

  it('agrees with the days in each month of a leap and a common year', () => {
    expect([...Array(12)].map((_, i) => findDaysInMonth(2024, i + 1))).toEqual([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(findDaysInMonth(2025, 2)).toBe(28);
    expect([1600, 2000, 2024, 1900, 2100, 2023].map(isLeapYear)).toEqual([true, true, true, false, false, false]);
  });
});

describe('ZCalendarDate', () => {
  it('says what is wrong: the format, or the day', () => {
    expect(ZCalendarDate.safeParse('31.01.2026').error?.issues.map((i) => i.message)).toEqual(['Use a date like 2026-01-31']);
    expect(ZCalendarDate.safeParse('2026-02-31').error?.issues.map((i) => i.message)).toEqual(['There is no such day in the calendar']);
    expect(ZCalendarDate.parse('2028-02-29')).toBe('2028-02-29');
  });
});
