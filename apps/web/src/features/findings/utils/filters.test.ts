import { describe, expect, it } from 'vitest';
import { NO_FINDING_FILTERS, readFindingFilters, readPage, toFindingListParams, writeFindingFilters } from './filters';

describe('finding filters in the address', () => {
  it.each([
    ['', NO_FINDING_FILTERS],
    ['severity=High,Critical', { severity: ['Critical', 'High'], status: [], tag: '' }],
    ['severity=High,Bogus&status=active,nope', { severity: ['High'], status: ['active'], tag: '' }],
    ['tag=%20web%20', { severity: [], status: [], tag: 'web' }],
    ['status=risk_accepted,mitigated', { severity: [], status: ['risk_accepted', 'mitigated'], tag: '' }],
  ])('reads %s', (query, expected) => {
    expect(readFindingFilters(new URLSearchParams(query))).toEqual(expected);
  });

  it.each([
    ['', 1],
    ['page=3', 3],
    ['page=0', 1],
    ['page=-2', 1],
    ['page=abc', 1],
    ['page=2.5', 1],
  ])('reads the page of %s as %i', (query, page) => {
    expect(readPage(new URLSearchParams(query))).toBe(page);
  });

  it('writes filters and page, keeping other keys and dropping empty ones', () => {
    const params = writeFindingFilters(
      new URLSearchParams('engagement=4&tag=old&page=5'),
      { severity: ['Critical'], status: [], tag: '' },
      1,
    );
    expect(params.toString()).toBe('engagement=4&severity=Critical');
    expect(writeFindingFilters(new URLSearchParams(), NO_FINDING_FILTERS, 2).toString()).toBe('page=2');
  });

  it('round-trips through the address', () => {
    const filters = { severity: ['High' as const], status: ['verified' as const], tag: 'api' };
    expect(readFindingFilters(writeFindingFilters(new URLSearchParams(), filters))).toEqual(filters);
  });

  it('builds the list query with only the filters that are set', () => {
    expect(toFindingListParams(NO_FINDING_FILTERS)).toEqual({});
    expect(toFindingListParams({ severity: ['Critical', 'High'], status: ['active'], tag: ' web ' })).toEqual({
      severity: 'Critical,High',
      status: 'active',
      tag: 'web',
    });
  });
});
