import { describe, expect, it } from 'vitest';
import { formatSlaTitle, type TSlaTitleInput } from './titles';

const finding = { title: 'SQL injection in /login', severity: 'High' as const };
const combined = { product: 'Payments API', preBreach: 0, breachingToday: 0, overdue: 0, preBreachDays: 3 };

describe('formatSlaTitle', () => {
  const cases: { name: string; input: TSlaTitleInput; title: string }[] = [
    // One finding
    {
      name: 'pre-breach, several days',
      input: { finding, notice: { kind: 'pre_breach', daysLeft: 2 } },
      title: "SLA: 'SQL injection in /login' (High) breaches in 2 days",
    },
    {
      name: 'pre-breach, one day',
      input: { finding, notice: { kind: 'pre_breach', daysLeft: 1 } },
      title: "SLA: 'SQL injection in /login' (High) breaches in 1 day",
    },
    {
      name: 'breaching today',
      input: { finding, notice: { kind: 'breaching_today' } },
      title: "SLA: 'SQL injection in /login' (High) breaches today",
    },
    {
      name: 'overdue, several days',
      input: { finding, notice: { kind: 'overdue', daysOverdue: 4 } },
      title: "SLA: 'SQL injection in /login' (High) is 4 days overdue",
    },
    {
      name: 'overdue, one day',
      input: { finding: { title: 'Outdated lodash', severity: 'Critical' }, notice: { kind: 'overdue', daysOverdue: 1 } },
      title: "SLA: 'Outdated lodash' (Critical) is 1 day overdue",
    },
    {
      name: 'a long finding title is clipped at a word, the rest of the sentence stays',
      input: { finding: { title: `Reflected XSS ${'very '.repeat(60)}long`, severity: 'Medium' }, notice: { kind: 'breaching_today' } },
      title: `SLA: 'Reflected XSS ${'very '.repeat(26)}very…' (Medium) breaches today`,
    },
    // Combined, per product
    {
      name: 'combined: only pre-breach',
      input: { ...combined, preBreach: 5 },
      title: 'Payments API: 5 findings breach their SLA in the next 3 days',
    },
    {
      name: 'combined: one finding, a one-day window',
      input: { ...combined, preBreach: 1, preBreachDays: 1 },
      title: 'Payments API: 1 finding breaches its SLA in the next day',
    },
    { name: 'combined: only today', input: { ...combined, breachingToday: 2 }, title: 'Payments API: 2 findings breach their SLA today' },
    { name: 'combined: only overdue', input: { ...combined, overdue: 3 }, title: 'Payments API: 3 findings are past their SLA' },
    { name: 'combined: one overdue', input: { ...combined, overdue: 1 }, title: 'Payments API: 1 finding is past its SLA' },
    {
      name: 'combined: mixed, most urgent first',
      input: { ...combined, preBreach: 4, breachingToday: 1, overdue: 2 },
      title: 'Payments API: SLA of 7 findings: 2 overdue, 1 breaching today, 4 breaching in the next 3 days',
    },
    {
      name: 'combined: mixed without today',
      input: { ...combined, preBreach: 1, overdue: 1 },
      title: 'Payments API: SLA of 2 findings: 1 overdue, 1 breaching in the next 3 days',
    },
    { name: 'combined: nothing to say', input: combined, title: 'Payments API: no findings near their SLA' },
    {
      name: 'combined: a long product name is clipped',
      input: { ...combined, product: 'P'.repeat(300), overdue: 3 },
      title: `${'P'.repeat(99)}…: 3 findings are past their SLA`,
    },
  ];
  it.each(cases)('$name', ({ input, title }) => {
    expect(formatSlaTitle(input)).toBe(title);
  });

  it('always fits the alert title limit', () => {
    const t = formatSlaTitle({ finding: { title: 'x'.repeat(1000), severity: 'Low' }, notice: { kind: 'overdue', daysOverdue: 7 } });
    expect(t.length).toBeLessThanOrEqual(250);
  });
});
