import { describe, expect, it } from 'vitest';
import { digestDueAt, isInQuietHours, nextLocalTime, quietHoursEndAt } from './schedule';

const utc = (iso: string) => Date.parse(iso);

describe('nextLocalTime', () => {
  it.each([
    {
      name: 'later the same day in Paris (winter, UTC+1)',
      after: '2026-11-30T06:00:00Z',
      at: '08:00',
      tz: 'Europe/Paris',
      want: '2026-11-30T07:00:00Z',
    },
    { name: 'already past: the next day', after: '2026-11-30T07:30:00Z', at: '08:00', tz: 'Europe/Paris', want: '2026-12-01T07:00:00Z' },
    {
      name: 'exactly at the time: the next day',
      after: '2026-11-30T07:00:00Z',
      at: '08:00',
      tz: 'Europe/Paris',
      want: '2026-12-01T07:00:00Z',
    },
    {
      name: 'a few seconds into the minute: the next day',
      after: '2026-11-30T07:00:30Z',
      at: '08:00',
      tz: 'Europe/Paris',
      want: '2026-12-01T07:00:00Z',
    },
    { name: 'summer time in Paris (UTC+2)', after: '2026-07-01T00:00:00Z', at: '08:00', tz: 'Europe/Paris', want: '2026-07-01T06:00:00Z' },
    {
      name: 'across the autumn change (29 Oct 2026 → 25 Oct is the change)',
      after: '2026-10-24T07:00:00Z',
      at: '08:00',
      tz: 'Europe/Paris',
      want: '2026-10-25T07:00:00Z',
    },
    { name: 'UTC', after: '2026-11-30T23:59:00Z', at: '00:00', tz: 'UTC', want: '2026-12-01T00:00:00Z' },
    {
      name: 'a zone with a half-hour offset',
      after: '2026-11-30T00:00:00Z',
      at: '09:00',
      tz: 'Asia/Kolkata',
      want: '2026-11-30T03:30:00Z',
    },
  ])('$name', ({ after, at, tz, want }) => {
    expect(new Date(nextLocalTime(utc(after), at, tz)).toISOString()).toBe(new Date(utc(want)).toISOString());
  });
});

describe('digestDueAt', () => {
  it.each([
    { mode: 'hourly' as const, at: '2026-11-30T12:00:00Z', want: '2026-11-30T13:00:00Z' },
    { mode: 'hourly' as const, at: '2026-11-30T12:59:59Z', want: '2026-11-30T13:00:00Z' },
    { mode: 'daily' as const, at: '2026-11-30T12:00:00Z', want: '2026-12-01T07:00:00Z' },
  ])('$mode at $at', ({ mode, at, want }) => {
    expect(digestDueAt(mode, '08:00', 'Europe/Paris', utc(at))).toBe(utc(want));
  });
});

describe('quiet hours', () => {
  it.each([
    {
      name: 'overnight, late evening',
      at: '2026-11-30T22:30:00Z',
      start: '22:00',
      end: '07:00',
      quiet: true,
      until: '2026-12-01T07:00:00Z',
    },
    {
      name: 'overnight, early morning',
      at: '2026-12-01T03:00:00Z',
      start: '22:00',
      end: '07:00',
      quiet: true,
      until: '2026-12-01T07:00:00Z',
    },
    { name: 'overnight, daytime', at: '2026-12-01T12:00:00Z', start: '22:00', end: '07:00', quiet: false, until: null },
    { name: 'the end itself is no longer quiet', at: '2026-12-01T07:00:00Z', start: '22:00', end: '07:00', quiet: false, until: null },
    {
      name: 'the start itself is quiet',
      at: '2026-11-30T22:00:00Z',
      start: '22:00',
      end: '07:00',
      quiet: true,
      until: '2026-12-01T07:00:00Z',
    },
    { name: 'daytime window', at: '2026-11-30T12:30:00Z', start: '12:00', end: '13:00', quiet: true, until: '2026-11-30T13:00:00Z' },
    { name: 'equal start and end: never quiet', at: '2026-11-30T12:30:00Z', start: '12:00', end: '12:00', quiet: false, until: null },
  ])('$name', ({ at, start, end, quiet, until }) => {
    expect(isInQuietHours(utc(at), start, end, 'UTC')).toBe(quiet);
    expect(quietHoursEndAt(utc(at), start, end, 'UTC')).toBe(until === null ? null : utc(until));
  });

  it('uses the user’s time zone', () => {
    // 21:30 UTC is 22:30 in Paris in winter.
    expect(isInQuietHours(utc('2026-11-30T21:30:00Z'), '22:00', '07:00', 'Europe/Paris')).toBe(true);
    expect(quietHoursEndAt(utc('2026-11-30T21:30:00Z'), '22:00', '07:00', 'Europe/Paris')).toBe(utc('2026-12-01T06:00:00Z'));
  });
});
