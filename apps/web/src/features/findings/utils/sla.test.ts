import type { TFindingSla } from '@tocsin/contract/findings-api';
import { describe, expect, it } from 'vitest';
import { describeSla } from './sla';

const sla = (state: TFindingSla['state'], days_left: number | null): TFindingSla => ({ state, days_left, expires_on: '2026-12-01' });

describe('describeSla', () => {
  it.each([
    [sla('none', null), 'No SLA', 'neutral'],
    [sla('closed', null), 'Closed', 'neutral'],
    [sla('ok', 30), '30 days left', 'ok'],
    [sla('pre_breach', 1), '1 day left', 'warning'],
    [sla('breaching_today', 0), 'Due today', 'danger'],
    [sla('overdue', -1), '1 day overdue', 'danger'],
    [sla('overdue', -12), '12 days overdue', 'danger'],
  ])('%o reads %s (%s)', (value, label, tone) => {
    expect(describeSla(value)).toEqual({ label, tone });
  });
});
