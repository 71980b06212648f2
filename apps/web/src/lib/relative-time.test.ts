import { describe, expect, it } from 'vitest';
import { formatExactTime, formatRelativeTime } from './relative-time';

const now = new Date('2026-03-10T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('formatRelativeTime', () => {
  it('says "just now" within 45 seconds either way', () => {
    expect(formatRelativeTime(ago(0), now)).toBe('just now');
    expect(formatRelativeTime(ago(44), now)).toBe('just now');
    expect(formatRelativeTime(ago(-30), now)).toBe('just now');
  });

  it('rounds to a minute from 45 seconds', () => {
    expect(formatRelativeTime(ago(50), now)).toBe('1 minute ago');
  });

  it('uses the largest whole unit, rounded down', () => {
    expect(formatRelativeTime(ago(3 * 60 + 59), now)).toBe('3 minutes ago');
    expect(formatRelativeTime(ago(2 * 3600 + 59 * 60), now)).toBe('2 hours ago');
    expect(formatRelativeTime(ago(24 * 3600), now)).toBe('1 day ago');
    expect(formatRelativeTime(ago(8 * 24 * 3600), now)).toBe('1 week ago');
    expect(formatRelativeTime(ago(40 * 24 * 3600), now)).toBe('1 month ago');
    expect(formatRelativeTime(ago(800 * 24 * 3600), now)).toBe('2 years ago');
  });

  it('speaks of the future for times ahead of the clock', () => {
    expect(formatRelativeTime(ago(-2 * 3600), now)).toBe('in 2 hours');
  });
});

describe('formatExactTime', () => {
  it('includes the year and the time', () => {
    const text = formatExactTime(now);
    expect(text).toMatch(/2026/);
    expect(text).toMatch(/\d{1,2}:\d{2}:\d{2}/);
  });
});
