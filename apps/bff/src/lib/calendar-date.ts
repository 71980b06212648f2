/**
 * Calendar dates (YYYY-MM-DD) with no time of day. SLA and risk-acceptance rules count whole days
 * between such dates, so the arithmetic runs on UTC midnights: a DST change in the operator's time zone
 * can then never make a day 23 or 25 hours long. Only `calendarDateIn` looks at a time zone, to say
 * which day it is there at a given instant.
 */
import { isCalendarDate } from '@tocsin/contract/calendar-date';

const DAY_MS = 86_400_000;

function toEpochDay(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The date `days` days after `date` (before, when negative). */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number: ${days}`);
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to`: positive when `to` is later. */
export function diffDays(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(instant: number | Date, timeZone: string): Record<string, string> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
}

/** The calendar date at `instant` (a Date or unix ms) in the IANA time zone `timeZone` (e.g. Europe/Berlin). */
export function calendarDateIn(instant: number | Date, timeZone: string): string {
  const parts = partsIn(instant, timeZone);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Minutes since local midnight at `instant` in the time zone: when a daily job's time has come. */
export function minutesOfDayIn(instant: number | Date, timeZone: string): number {
  const parts = partsIn(instant, timeZone);
  return Number(parts.hour) * 60 + Number(parts.minute);
}
