/** A day in the calendar as YYYY-MM-DD: the format and a date that exists (no 2026-02-31; leap years right). */
import { z } from 'zod';

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

export function findDaysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True for a YYYY-MM-DD string naming a day that exists in the (proleptic Gregorian) calendar. */
export function isCalendarDate(value: string): boolean {
  const match = DATE_SHAPE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= findDaysInMonth(year, month);
}

export const ZCalendarDate = z
  .string()
  .regex(DATE_SHAPE, 'Use a date like 2026-01-31')
  .refine((v) => !DATE_SHAPE.test(v) || isCalendarDate(v), 'There is no such day in the calendar');
export type TCalendarDate = z.infer<typeof ZCalendarDate>;
