/**
 * When a digest goes out and when quiet hours end: pure functions of an instant, a time of day and an IANA time
 * zone (DST included), one test row per rule in schedule.test.ts.
 */
import { minutesOfDayIn } from '../lib/calendar-date';

export const DIGEST_MODES = ['immediate', 'hourly', 'daily'] as const;
export type TDigestMode = (typeof DIGEST_MODES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** "08:30" → 510. */
export function parseTimeOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** The first instant strictly after `after` at which the clock in `timeZone` shows `hhmm` (a skipped time: an hour later). */
export function nextLocalTime(after: number, hhmm: string, timeZone: string): number {
  const target = parseTimeOfDay(hhmm);
  const minuteStart = after - (((after % MINUTE) + MINUTE) % MINUTE);
  const now = minutesOfDayIn(minuteStart, timeZone);
  let delta = (target - now + 1440) % 1440;
  if (delta === 0) delta = 1440;
  const candidate = minuteStart + delta * MINUTE;
  // A DST change in between moves the wall clock by an hour: step back or forward to the wanted time.
  for (const shift of [0, -HOUR, HOUR]) {
    if (minutesOfDayIn(candidate + shift, timeZone) === target && candidate + shift > after) return candidate + shift;
  }
  // The time does not exist that day (spring forward): the instant the clock jumps past it is close enough.
  return candidate;
}

/** When an item raised at `at` is sent in a digest of this mode: the next full hour, or the next `dailyAt` in `timeZone`. */
export function digestDueAt(mode: Exclude<TDigestMode, 'immediate'>, dailyAt: string, timeZone: string, at: number): number {
  if (mode === 'hourly') return (Math.floor(at / HOUR) + 1) * HOUR;
  return nextLocalTime(at, dailyAt, timeZone);
}

/** Whether `at` falls into quiet hours [start, end) in `timeZone` (overnight when start > end); equal times: none. */
export function isInQuietHours(at: number, start: string, end: string, timeZone: string): boolean {
  const s = parseTimeOfDay(start);
  const e = parseTimeOfDay(end);
  if (s === e) return false;
  const m = minutesOfDayIn(at, timeZone);
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** When a personal delivery raised at `at` may go out: at once (null), or at the end of the quiet hours. */
export function quietHoursEndAt(at: number, start: string, end: string, timeZone: string): number | null {
  return isInQuietHours(at, start, end, timeZone) ? nextLocalTime(at, end, timeZone) : null;
}
