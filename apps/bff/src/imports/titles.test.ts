import { describe, expect, it } from 'vitest';
import { formatImportTitle, type TImportTitleInput } from './titles';

const base: TImportTitleInput = {
  tool: 'Semgrep',
  product: 'Payments API',
  engagement: 'CI',
  fileFindings: 10,
  new: 0,
  reactivated: 0,
  mitigated: 0,
  untouched: 0,
};

describe('formatImportTitle', () => {
  const cases: { name: string; input: Partial<TImportTitleInput>; title: string }[] = [
    {
      name: 'new, reactivated and mitigated',
      input: { new: 3, reactivated: 1, mitigated: 2, untouched: 4 },
      title: 'Semgrep scan imported into Payments API / CI: 3 new, 1 reactivated, 2 mitigated',
    },
    { name: 'zero counts are left out', input: { new: 3, untouched: 7 }, title: 'Semgrep scan imported into Payments API / CI: 3 new' },
    { name: 'only mitigated', input: { mitigated: 2, untouched: 8 }, title: 'Semgrep scan imported into Payments API / CI: 2 mitigated' },
    { name: 'nothing changed', input: { untouched: 10 }, title: 'Semgrep scan imported into Payments API / CI: no changes (10 unchanged)' },
    { name: 'nothing changed, all triaged', input: {}, title: 'Semgrep scan imported into Payments API / CI: no changes' },
    { name: 'the empty variant', input: { fileFindings: 0 }, title: 'Semgrep scan imported into Payments API / CI: no findings' },
    {
      name: 'an empty re-import that closes findings says so',
      input: { fileFindings: 0, mitigated: 5 },
      title: 'Semgrep scan imported into Payments API / CI: no findings, 5 mitigated',
    },
    {
      name: 'long names are clipped',
      input: { tool: 'T'.repeat(100), product: 'P'.repeat(100), engagement: 'E'.repeat(100), new: 1 },
      title: `${'T'.repeat(59)}… scan imported into ${'P'.repeat(79)}… / ${'E'.repeat(79)}…: 1 new`,
    },
  ];
  it.each(cases)('$name', ({ input, title }) => {
    expect(formatImportTitle({ ...base, ...input })).toBe(title);
  });
});
