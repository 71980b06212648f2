import { DEFAULT_SLA_PERIODS, type TSeverity } from '@tocsin/contract/findings';
import { describe, expect, it } from 'vitest';
import { calendarDateIn } from '../lib/calendar-date';
import { classifySla, computeSlaExpiry, type TSlaClassifyInput, type TSlaConfiguration, type TSlaNotice } from './rules';

describe('computeSlaExpiry', () => {
  const custom: TSlaConfiguration = { ...DEFAULT_SLA_PERIODS, High: { days: 30, enforced: false }, Info: { days: 365, enforced: true } };
  const cases: { name: string; date: string; severity: TSeverity; config?: TSlaConfiguration; expiry: string | null }[] = [
    { name: 'Critical: 7 days by default', date: '2026-03-01', severity: 'Critical', expiry: '2026-03-08' },
    { name: 'High: 30 days by default', date: '2026-03-01', severity: 'High', expiry: '2026-03-31' },
    { name: 'Medium: 90 days by default', date: '2026-03-01', severity: 'Medium', expiry: '2026-05-30' },
    { name: 'Low: 120 days by default', date: '2026-03-01', severity: 'Low', expiry: '2026-06-29' },
    { name: 'Info has no SLA by default', date: '2026-03-01', severity: 'Info', expiry: null },
    { name: 'a severity whose SLA is not enforced has none', date: '2026-03-01', severity: 'High', config: custom, expiry: null },
    { name: 'Info enforced in a custom configuration', date: '2026-03-01', severity: 'Info', config: custom, expiry: '2027-03-01' },
    { name: 'over the spring DST change (Berlin, New York: March)', date: '2026-03-25', severity: 'Critical', expiry: '2026-04-01' },
    { name: 'over the autumn DST change', date: '2026-10-30', severity: 'Critical', expiry: '2026-11-06' },
    { name: 'over a leap day', date: '2028-02-25', severity: 'Critical', expiry: '2028-03-03' },
    { name: 'over the year end', date: '2026-12-28', severity: 'Critical', expiry: '2027-01-04' },
  ];
  it.each(cases)('$name', ({ date, severity, config, expiry }) => {
    expect(computeSlaExpiry(date, severity, config ?? DEFAULT_SLA_PERIODS)).toBe(expiry);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => computeSlaExpiry('2026-02-30', 'High', DEFAULT_SLA_PERIODS)).toThrow(RangeError);
  });
});

describe('classifySla', () => {
  // Expiry on 2026-04-10; `today` moves around it. Defaults: 3 days before, 7 days after.
  const at = (today: string, over: Partial<TSlaClassifyInput> = {}): TSlaClassifyInput => ({
    expiry: '2026-04-10',
    today,
    backoff: false,
    ...over,
  });
  const cases: { name: string; input: TSlaClassifyInput; notice: TSlaNotice | null }[] = [
    { name: 'no SLA: nothing', input: at('2026-04-10', { expiry: null }), notice: null },
    { name: 'far ahead: nothing', input: at('2026-03-01'), notice: null },
    { name: 'one day before the window: nothing', input: at('2026-04-06'), notice: null },
    { name: 'first day of the window: pre-breach, 3 left', input: at('2026-04-07'), notice: { kind: 'pre_breach', daysLeft: 3 } },
    { name: 'inside the window: pre-breach, 2 left', input: at('2026-04-08'), notice: { kind: 'pre_breach', daysLeft: 2 } },
    { name: 'the day before: pre-breach, 1 left', input: at('2026-04-09'), notice: { kind: 'pre_breach', daysLeft: 1 } },
    { name: 'the day itself: breaching today', input: at('2026-04-10'), notice: { kind: 'breaching_today' } },
    { name: 'one day after: 1 overdue', input: at('2026-04-11'), notice: { kind: 'overdue', daysOverdue: 1 } },
    { name: '3 days after: 3 overdue', input: at('2026-04-13'), notice: { kind: 'overdue', daysOverdue: 3 } },
    { name: 'last day of the post-breach window: 7 overdue', input: at('2026-04-17'), notice: { kind: 'overdue', daysOverdue: 7 } },
    { name: 'past the post-breach window: nothing', input: at('2026-04-18'), notice: null },
    { name: 'long past: nothing', input: at('2026-09-01'), notice: null },
    // Custom windows
    { name: 'pre-breach window 0: no warning the day before', input: at('2026-04-09', { preBreachDays: 0 }), notice: null },
    {
      name: 'pre-breach window 0: still the day itself',
      input: at('2026-04-10', { preBreachDays: 0 }),
      notice: { kind: 'breaching_today' },
    },
    { name: 'a wider pre-breach window', input: at('2026-04-01', { preBreachDays: 10 }), notice: { kind: 'pre_breach', daysLeft: 9 } },
    { name: 'post-breach window 0: nothing after the day', input: at('2026-04-11', { postBreachDays: 0 }), notice: null },
    { name: 'a wider post-breach window', input: at('2026-04-26', { postBreachDays: 30 }), notice: { kind: 'overdue', daysOverdue: 16 } },
    // Back-off: after the breach only on days 1, 2, 4, 8, 16, …
    { name: 'back-off does not touch pre-breach', input: at('2026-04-07', { backoff: true }), notice: { kind: 'pre_breach', daysLeft: 3 } },
    { name: 'back-off does not touch the day itself', input: at('2026-04-10', { backoff: true }), notice: { kind: 'breaching_today' } },
    { name: 'back-off: day 1 notifies', input: at('2026-04-11', { backoff: true }), notice: { kind: 'overdue', daysOverdue: 1 } },
    { name: 'back-off: day 2 notifies', input: at('2026-04-12', { backoff: true }), notice: { kind: 'overdue', daysOverdue: 2 } },
    { name: 'back-off: day 3 is quiet', input: at('2026-04-13', { backoff: true }), notice: null },
    { name: 'back-off: day 4 notifies', input: at('2026-04-14', { backoff: true }), notice: { kind: 'overdue', daysOverdue: 4 } },
    { name: 'back-off: days 5 to 7 are quiet', input: at('2026-04-17', { backoff: true }), notice: null },
    { name: 'back-off: day 8 is past the default window', input: at('2026-04-18', { backoff: true }), notice: null },
    {
      name: 'back-off: day 8 notifies in a wider window',
      input: at('2026-04-18', { backoff: true, postBreachDays: 30 }),
      notice: { kind: 'overdue', daysOverdue: 8 },
    },
    { name: 'back-off: day 9 is quiet in a wider window', input: at('2026-04-19', { backoff: true, postBreachDays: 30 }), notice: null },
    {
      name: 'back-off: day 16 notifies in a wider window',
      input: at('2026-04-26', { backoff: true, postBreachDays: 30 }),
      notice: { kind: 'overdue', daysOverdue: 16 },
    },
  ];
  it.each(cases)('$name', ({ input, notice }) => {
    expect(classifySla(input)).toEqual(notice);
  });

  it('without back-off notifies every day of the post-breach window, with back-off on days 1, 2 and 4', () => {
    const days = (backoff: boolean) =>
      Array.from({ length: 10 }, (_, i) => classifySla({ expiry: '2026-04-10', today: `2026-04-${String(11 + i)}`, backoff }))
        .map((n) => (n?.kind === 'overdue' ? n.daysOverdue : null))
        .filter((d) => d !== null);
    expect(days(false)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(days(true)).toEqual([1, 2, 4]);
  });

  it('refuses negative or fractional windows', () => {
    expect(() => classifySla({ expiry: '2026-04-10', today: '2026-04-10', preBreachDays: -1, backoff: false })).toThrow(RangeError);
    expect(() => classifySla({ expiry: '2026-04-10', today: '2026-04-10', postBreachDays: 1.5, backoff: false })).toThrow(RangeError);
  });
});

describe('classifySla at DST changes (today is the calendar date in the configured zone)', () => {
  // Each row: an instant close to a DST change, the zone, the expiry; the notice must follow the local
  // calendar date, never the 23- or 25-hour length of that day.
  const cases: { name: string; instant: string; zone: string; expiry: string; today: string; notice: TSlaNotice | null }[] = [
    {
      name: 'Berlin, spring forward (29 March 2026): 00:30 local on the 30th is already the 30th',
      instant: '2026-03-29T22:30:00Z',
      zone: 'Europe/Berlin',
      expiry: '2026-03-30',
      today: '2026-03-30',
      notice: { kind: 'breaching_today' },
    },
    {
      name: 'Berlin, spring forward: 23:30 local on the 29th (a 23-hour day) is still the 29th',
      instant: '2026-03-29T21:30:00Z',
      zone: 'Europe/Berlin',
      expiry: '2026-03-30',
      today: '2026-03-29',
      notice: { kind: 'pre_breach', daysLeft: 1 },
    },
    {
      name: 'Berlin, fall back (25 October 2026): 23:30 local on the 25th (a 25-hour day) is still the 25th',
      instant: '2026-10-25T22:30:00Z',
      zone: 'Europe/Berlin',
      expiry: '2026-10-24',
      today: '2026-10-25',
      notice: { kind: 'overdue', daysOverdue: 1 },
    },
    {
      name: 'New York, spring forward (8 March 2026): 00:30 local on the 9th',
      instant: '2026-03-09T04:30:00Z',
      zone: 'America/New_York',
      expiry: '2026-03-12',
      today: '2026-03-09',
      notice: { kind: 'pre_breach', daysLeft: 3 },
    },
    {
      name: 'New York, fall back (1 November 2026): 23:30 local on the 1st is still the 1st, though UTC is on the 2nd',
      instant: '2026-11-02T04:30:00Z',
      zone: 'America/New_York',
      expiry: '2026-11-01',
      today: '2026-11-01',
      notice: { kind: 'breaching_today' },
    },
    {
      name: 'New York, fall back: 00:30 local on the 2nd',
      instant: '2026-11-02T05:30:00Z',
      zone: 'America/New_York',
      expiry: '2026-11-01',
      today: '2026-11-02',
      notice: { kind: 'overdue', daysOverdue: 1 },
    },
  ];
  it.each(cases)('$name', ({ instant, zone, expiry, today, notice }) => {
    const localToday = calendarDateIn(new Date(instant), zone);
    expect(localToday).toBe(today);
    expect(classifySla({ expiry, today: localToday, backoff: false })).toEqual(notice);
  });

  it('counts the same days on every day of a DST month, whatever the hour of the run', () => {
    // Run at 00:30 and 23:30 local each day of March 2026 in Berlin against an expiry on 2026-04-02:
    // the days left must fall by exactly one per calendar day.
    for (let day = 20; day <= 31; day++) {
      for (const utcHour of [-1, 21]) {
        const instant = new Date(Date.UTC(2026, 2, day, utcHour, 30));
        const today = calendarDateIn(instant, 'Europe/Berlin');
        const expected = 2 + 31 - Number(today.slice(8, 10));
        const notice = classifySla({ expiry: '2026-04-02', today, preBreachDays: 40, backoff: false });
        expect(notice, today).toEqual({ kind: 'pre_breach', daysLeft: expected });
      }
    }
  });
});
