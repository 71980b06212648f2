import { describe, expect, it } from 'vitest';
import {
  classifyRiskAcceptance,
  formatRiskAcceptanceTitle,
  type TRiskAcceptanceNotice,
  type TRiskAcceptanceTitleInput,
  type TRiskAcceptanceWindowInput,
} from './windows';

// Expires on 2026-05-20; heads-up window 10 days by default, so it opens on 2026-05-10.
const at = (today: string, over: Partial<TRiskAcceptanceWindowInput> = {}): TRiskAcceptanceWindowInput => ({
  expiresOn: '2026-05-20',
  today,
  headsUpSentAt: null,
  expiredSentAt: null,
  ...over,
});
const SENT = '2026-05-10T06:00:00Z';

describe('classifyRiskAcceptance', () => {
  const cases: { name: string; input: TRiskAcceptanceWindowInput; notice: TRiskAcceptanceNotice | null }[] = [
    { name: 'never expires: nothing', input: at('2026-05-20', { expiresOn: null }), notice: null },
    { name: 'before the window: nothing', input: at('2026-05-09'), notice: null },
    { name: 'first day of the window: heads-up', input: at('2026-05-10'), notice: 'heads_up' },
    { name: 'inside the window, not yet warned: heads-up', input: at('2026-05-15'), notice: 'heads_up' },
    { name: 'the day before expiry, not yet warned: heads-up', input: at('2026-05-19'), notice: 'heads_up' },
    { name: 'inside the window, already warned: nothing', input: at('2026-05-15', { headsUpSentAt: SENT }), notice: null },
    { name: 'created inside the window (never warned): one heads-up', input: at('2026-05-18'), notice: 'heads_up' },
    { name: 'the expiry day: expired', input: at('2026-05-20', { headsUpSentAt: SENT }), notice: 'expired' },
    { name: 'after expiry, not yet handled: expired', input: at('2026-05-25', { headsUpSentAt: SENT }), notice: 'expired' },
    { name: 'expired and handled: nothing', input: at('2026-05-25', { headsUpSentAt: SENT, expiredSentAt: SENT }), notice: null },
    { name: 'already expired, never warned: only the expired notice', input: at('2026-05-21'), notice: 'expired' },
    { name: 'expiring today, never warned: only the expired notice', input: at('2026-05-20'), notice: 'expired' },
    { name: 'handled before the date (expired early by hand): nothing', input: at('2026-05-15', { expiredSentAt: SENT }), notice: null },
    { name: 'heads-up off (0 days): nothing before expiry', input: at('2026-05-19', { headsUpDays: 0 }), notice: null },
    { name: 'heads-up off (0 days): still the expiry', input: at('2026-05-20', { headsUpDays: 0 }), notice: 'expired' },
    { name: 'a shorter window: not yet', input: at('2026-05-16', { headsUpDays: 3 }), notice: null },
    { name: 'a shorter window: its first day', input: at('2026-05-17', { headsUpDays: 3 }), notice: 'heads_up' },
  ];
  it.each(cases)('$name', ({ input, notice }) => {
    expect(classifyRiskAcceptance(input)).toBe(notice);
  });

  it('sends each notice once over the life of an acceptance, run daily', () => {
    const sent: string[] = [];
    let headsUpSentAt: string | null = null;
    let expiredSentAt: string | null = null;
    for (let d = 1; d <= 31; d++) {
      const today = `2026-05-${String(d).padStart(2, '0')}`;
      const notice = classifyRiskAcceptance({ expiresOn: '2026-05-20', today, headsUpSentAt, expiredSentAt });
      if (notice === 'heads_up') headsUpSentAt = today;
      if (notice === 'expired') expiredSentAt = today;
      if (notice) sent.push(`${today} ${notice}`);
    }
    expect(sent).toEqual(['2026-05-10 heads_up', '2026-05-20 expired']);
  });

  it('refuses a negative window', () => {
    expect(() => classifyRiskAcceptance(at('2026-05-10', { headsUpDays: -1 }))).toThrow(RangeError);
  });
});

describe('formatRiskAcceptanceTitle', () => {
  const base = { findings: 3, expiresOn: '2026-03-05', product: 'Payments API', engagement: 'CI' };
  const cases: { name: string; input: TRiskAcceptanceTitleInput; title: string }[] = [
    {
      name: 'heads-up',
      input: { ...base, notice: 'heads_up' },
      title: 'Risk acceptance with 3 accepted findings will expire on Mar 05, 2026 for Payments API: CI',
    },
    {
      name: 'expired',
      input: { ...base, notice: 'expired' },
      title: 'Risk acceptance with 3 accepted findings has expired for Payments API: CI',
    },
    {
      name: 'one finding',
      input: { ...base, findings: 1, expiresOn: '2026-12-31', notice: 'heads_up' },
      title: 'Risk acceptance with 1 accepted finding will expire on Dec 31, 2026 for Payments API: CI',
    },
    {
      name: 'long names are clipped',
      input: { ...base, product: 'p'.repeat(200), engagement: 'e'.repeat(200), notice: 'expired' },
      title: `Risk acceptance with 3 accepted findings has expired for ${'p'.repeat(79)}…: ${'e'.repeat(79)}…`,
    },
  ];
  it.each(cases)('$name', ({ input, title }) => {
    expect(formatRiskAcceptanceTitle(input)).toBe(title);
  });
});
