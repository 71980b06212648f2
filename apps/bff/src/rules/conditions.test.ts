import type { TRuleConditions, TRuleConditionsInput } from '@tocsin/contract/rules';
import { ZRuleConditions } from '@tocsin/contract/rules';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TTestDeps } from '../test-utils';
import { emptyFacts, matchesConditions, matchesRule, matchingRulesSql, type TEventFacts } from './conditions';
import { readPayloadFacts } from './facts';
import { writeRule } from './service';

const conditions = (input: TRuleConditionsInput = {}): TRuleConditions => ZRuleConditions.parse(input);

/** counts from raw per-severity numbers [Info, Low, Medium, High, Critical]: counts[k-1] = findings of rank ≥ k. */
const cumulative = (raw: readonly number[]) => raw.map((_, i) => raw.slice(i).reduce((a, b) => a + b, 0));
const severityOf = (raw: readonly number[]) => {
  for (let k = 5; k >= 1; k--) if ((raw[k - 1] ?? 0) > 0) return k;
  return null;
};

function facts(over: Partial<TEventFacts> & { raw?: number[]; rawNew?: number[] } = {}): TEventFacts {
  const { raw = [0, 0, 0, 0, 0], rawNew = [0, 0, 0, 0, 0], ...rest } = over;
  return {
    ...emptyFacts(1, 10),
    tags: ['payments'],
    counts: cumulative(raw),
    newCounts: cumulative(rawNew),
    severity: severityOf(raw),
    ...rest,
  };
}

type TCase = { name: string; conditions: TRuleConditionsInput; facts: TEventFacts; matches: boolean };

const cases: TCase[] = [
  { name: 'no conditions match every event', conditions: {}, facts: emptyFacts(), matches: true },
  { name: 'product type in the set', conditions: { product_type_ids: [1, 2] }, facts: facts(), matches: true },
  { name: 'product type not in the set', conditions: { product_type_ids: [2] }, facts: facts(), matches: false },
  {
    name: 'a product condition never matches an event without a product',
    conditions: { product_ids: [10] },
    facts: emptyFacts(),
    matches: false,
  },
  { name: 'product in the set', conditions: { product_ids: [10, 11] }, facts: facts(), matches: true },
  { name: 'product not in the set', conditions: { product_ids: [11] }, facts: facts(), matches: false },
  { name: 'one of the tags is enough', conditions: { product_tags: ['pci', 'payments'] }, facts: facts(), matches: true },
  { name: 'tags compare without case', conditions: { product_tags: ['Payments'] }, facts: facts(), matches: true },
  { name: 'no tag in common', conditions: { product_tags: ['pci'] }, facts: facts(), matches: false },
  {
    name: 'severity at least High: a Critical finding',
    conditions: { min_severity: 'High' },
    facts: facts({ raw: [0, 0, 0, 0, 1] }),
    matches: true,
  },
  {
    name: 'severity at least High: exactly High',
    conditions: { min_severity: 'High' },
    facts: facts({ raw: [0, 0, 0, 1, 0] }),
    matches: true,
  },
  {
    name: 'severity at least High: a Medium finding',
    conditions: { min_severity: 'High' },
    facts: facts({ raw: [0, 0, 1, 0, 0] }),
    matches: false,
  },
  {
    name: 'a severity condition never matches an event without findings',
    conditions: { min_severity: 'Info' },
    facts: facts(),
    matches: false,
  },
  {
    name: 'at least 3 findings ≥ High: 2 High and 1 Critical',
    conditions: { min_findings: { count: 3, severity: 'High' } },
    facts: facts({ raw: [5, 0, 0, 2, 1] }),
    matches: true,
  },
  {
    name: 'at least 3 findings ≥ High: 2 High and 5 Medium',
    conditions: { min_findings: { count: 3, severity: 'High' } },
    facts: facts({ raw: [0, 0, 5, 2, 0] }),
    matches: false,
  },
  {
    name: 'with only_new, the count is of new and reactivated findings',
    conditions: { min_findings: { count: 2, severity: 'High' }, only_new: true },
    facts: facts({ raw: [0, 0, 0, 5, 0], rawNew: [0, 0, 0, 1, 0], hasNew: true }),
    matches: false,
  },
  {
    name: 'with only_new and enough new findings',
    conditions: { min_findings: { count: 1, severity: 'High' }, only_new: true },
    facts: facts({ raw: [0, 0, 0, 5, 0], rawNew: [0, 0, 0, 1, 0], hasNew: true }),
    matches: true,
  },
  { name: 'only_new without new findings', conditions: { only_new: true }, facts: facts({ raw: [0, 0, 0, 5, 0] }), matches: false },
  { name: 'tool compares without case', conditions: { tool: 'Semgrep' }, facts: facts({ tool: 'semgrep' }), matches: true },
  { name: 'another tool', conditions: { tool: 'ZAP' }, facts: facts({ tool: 'semgrep' }), matches: false },
  { name: 'a tool condition never matches an event without a tool', conditions: { tool: 'ZAP' }, facts: facts(), matches: false },
  {
    name: 'every condition must hold',
    conditions: { product_tags: ['payments'], min_severity: 'Critical' },
    facts: facts({ raw: [0, 0, 0, 1, 0] }),
    matches: false,
  },
];

describe('matchesConditions', () => {
  it.each(cases)('$name', ({ conditions: c, facts: f, matches }) => {
    expect(matchesConditions(conditions(c), f)).toBe(matches);
  });

  it('matches a rule only for its events', () => {
    const rule = { events: ['scan_added', 'sla_breach'], conditions: conditions() };
    expect(matchesRule(rule, 'scan_added', emptyFacts())).toBe(true);
    expect(matchesRule(rule, 'test_added', emptyFacts())).toBe(false);
  });
});

describe('readPayloadFacts', () => {
  const finding = (id: number, severity: 'Critical' | 'High' | 'Medium' | 'Low' | 'Info') => ({
    id,
    title: `f${id}`,
    severity,
    url: '',
    url_ui: '',
    url_api: '',
  });

  it('reads a scan: most severe finding, counts of all open findings and of new ones, the tool', () => {
    const { facts: f } = readPayloadFacts({
      test: { id: 1, title: 'Semgrep', format: 'sarif', url: '', url_ui: '', url_api: '' },
      findings: {
        new: [finding(1, 'High')],
        reactivated: [finding(2, 'Critical')],
        mitigated: [finding(3, 'Critical'), finding(4, 'Critical')],
        untouched: [finding(5, 'Low')],
        totals: { new: 1, reactivated: 1, mitigated: 2, untouched: 1 },
        list_limit: 100,
      },
    });
    expect(f).toEqual({ severity: 5, counts: [3, 3, 2, 2, 1], newCounts: [2, 2, 2, 2, 1], hasNew: true, tool: 'semgrep' });
  });

  it('reads one finding (its test gives the tool, looked up separately)', () => {
    const read = readPayloadFacts({
      finding: { ...finding(7, 'Medium'), status: 'active', date_found: '2026-01-01', sla_expires_on: null, test_id: 3 },
    });
    expect(read.facts).toMatchObject({ severity: 3, counts: [1, 1, 1, 0, 0], hasNew: false, tool: null });
    expect(read.findingTestId).toBe(3);
  });

  it('reads nothing from an event without findings', () => {
    expect(readPayloadFacts(null).facts).toEqual({
      severity: null,
      counts: [0, 0, 0, 0, 0],
      newCounts: [0, 0, 0, 0, 0],
      hasNew: false,
      tool: null,
    });
  });
});

describe('the SQL reading agrees with matchesConditions', () => {
  let deps: TTestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(async () => {
    await deps.cleanup();
  });

  const severity = fc.constantFrom('Critical', 'High', 'Medium', 'Low', 'Info') as fc.Arbitrary<TRuleConditions['min_severity'] & string>;
  const arbConditions: fc.Arbitrary<TRuleConditionsInput> = fc.record({
    product_type_ids: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    product_ids: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
    product_tags: fc.uniqueArray(fc.constantFrom('pci', 'payments', 'web'), { maxLength: 2 }),
    min_severity: fc.option(severity, { nil: null }),
    min_findings: fc.option(fc.record({ count: fc.integer({ min: 1, max: 6 }), severity }), { nil: null }),
    tool: fc.option(fc.constantFrom('Semgrep', 'zap'), { nil: null }),
    only_new: fc.boolean(),
  });
  const raw = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 });
  const arbFacts: fc.Arbitrary<TEventFacts> = fc
    .record({
      productTypeId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
      productId: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
      tags: fc.uniqueArray(fc.constantFrom('pci', 'payments', 'web'), { maxLength: 3 }),
      raw,
      newShare: raw,
      hasNew: fc.boolean(),
      tool: fc.option(fc.constantFrom('semgrep', 'zap', 'trivy'), { nil: null }),
    })
    .map(({ raw: r, newShare, ...rest }) => {
      const rawNew = r.map((n, i) => Math.min(n, newShare[i] ?? 0));
      return { ...rest, counts: cumulative(r), newCounts: cumulative(rawNew), severity: severityOf(r) };
    });

  it('gives the same verdict for random rules and events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbConditions, { minLength: 1, maxLength: 8 }), arbFacts, async (rules, f) => {
        await deps.db.run(sql`delete from rules`);
        const expected: number[] = [];
        for (const [i, input] of rules.entries()) {
          const c = conditions(input);
          const id = await writeRule(deps, null, {
            scope: 'system',
            ownerId: null,
            name: `r${i}`,
            enabled: true,
            events: ['scan_added'],
            channels: 0,
            destinationIds: [],
            conditions: c,
          });
          if (matchesConditions(c, f)) expected.push(id);
        }
        const rows = await deps.db.all<{ id: number }>(sql`select r.id from ${matchingRulesSql('system', 'scan_added', f)} order by r.id`);
        expect(rows.map((r) => Number(r.id))).toEqual(expected);
        const other = await deps.db.all<{ id: number }>(sql`select r.id from ${matchingRulesSql('system', 'test_added', f)}`);
        expect(other).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
