import { ZRuleConditions } from '@tocsin/contract/rules';
import { describe, expect, it } from 'vitest';
import { type TRuleValues, toConditions } from './rule-editor';

const base: TRuleValues = {
  name: 'r',
  enabled: true,
  events: ['scan_added'],
  channels: ['alert'],
  destinationIds: [],
  productTypeIds: [],
  productIds: [],
  tags: '',
  minSeverity: '',
  minCount: '',
  countSeverity: 'High',
  tool: '',
  onlyNew: false,
};

describe('toConditions', () => {
  it('leaves empty fields as "any"', () => {
    expect(toConditions(base)).toEqual({
      product_type_ids: [],
      product_ids: [],
      product_tags: [],
      min_severity: null,
      min_findings: null,
      tool: null,
      only_new: false,
    });
  });

  it('splits tags on commas, lower-cases them and drops repeats; reads the count and its severity', () => {
    const c = toConditions({ ...base, tags: ' PCI, payments,,pci ', minCount: '3', countSeverity: 'Critical', tool: ' Semgrep ' });
    expect(c).toMatchObject({ product_tags: ['pci', 'payments'], min_findings: { count: 3, severity: 'Critical' }, tool: 'Semgrep' });
    expect(ZRuleConditions.safeParse(c).success).toBe(true);
  });

  it('gives the contract a count it refuses, with its message', () => {
    const parsed = ZRuleConditions.safeParse(toConditions({ ...base, minCount: '500' }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('must be at most 100');
  });
});
