import { describe, expect, it } from 'vitest';
import { isFiltered, type TAlertFilter, toAlertFilter } from './alert-filter';

const none: TAlertFilter = { event: null, productId: null, since: null, until: null, text: null, textPattern: null, beforeId: null };

describe('toAlertFilter', () => {
  it.each<[string, Parameters<typeof toAlertFilter>[0], Partial<TAlertFilter>]>([
    ['nothing asked: no filter', {}, {}],
    ['an event type', { event: 'scan_added' }, { event: 'scan_added' }],
    ['a product', { product_id: 7 }, { productId: 7 }],
    [
      'a time range, as unix ms (since inclusive, until exclusive)',
      { since: '2026-03-01T00:00:00Z', until: '2026-03-02T00:00:00+01:00' },
      {
        since: Date.UTC(2026, 2, 1),
        until: Date.UTC(2026, 2, 1, 23),
      },
    ],
    ['text becomes a contains-pattern', { q: 'sql injection' }, { text: 'sql injection', textPattern: '%sql injection%' }],
    ['text is trimmed', { q: '  xss ' }, { text: 'xss', textPattern: '%xss%' }],
    ['blank text is no filter', { q: '   ' }, {}],
    ['LIKE wildcards in the text match themselves', { q: '100%_done\\' }, { text: '100%_done\\', textPattern: '%100\\%\\_done\\\\%' }],
    ['a keyset cursor', { before_id: 42 }, { beforeId: 42 }],
  ])('%s', (_, query, expected) => {
    expect(toAlertFilter(query)).toEqual({ ...none, ...expected });
  });
});

describe('isFiltered', () => {
  it.each<[string, Partial<TAlertFilter>, boolean]>([
    ['nothing', {}, false],
    ['only a keyset cursor (paging is not filtering)', { beforeId: 9 }, false],
    ['an event', { event: 'other' }, true],
    ['a product', { productId: 1 }, true],
    ['since', { since: 1 }, true],
    ['until', { until: 1 }, true],
    ['text', { text: 'a', textPattern: '%a%' }, true],
  ])('%s → %s', (_, patch, expected) => {
    expect(isFiltered({ ...none, ...patch })).toBe(expected);
  });
});
