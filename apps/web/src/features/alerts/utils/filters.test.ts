import { describe, expect, it } from 'vitest';
import { hasFilters, NO_FILTERS, parseAlertFilters, type TAlertFilters, toAlertListParams, toAlertsSearchParams } from './filters';

const parse = (search: string) => parseAlertFilters(new URLSearchParams(search));

describe('parseAlertFilters', () => {
  it.each<[string, string, Partial<TAlertFilters>]>([
    ['nothing', '', {}],
    ['an event type of the catalogue', 'event=scan_added', { event: 'scan_added' }],
    ['an unknown event type is dropped', 'event=made_up', {}],
    ['a product id', 'product=12', { productId: 12 }],
    ['a product that is not a positive whole number is dropped', 'product=-1', {}],
    ['a product written as text is dropped', 'product=web', {}],
    ['a range of days', 'from=2026-03-01&to=2026-03-03', { from: '2026-03-01', to: '2026-03-03' }],
    ['one day', 'from=2026-03-01&to=2026-03-01', { from: '2026-03-01', to: '2026-03-01' }],
    ['a day that does not exist is dropped', 'from=2026-02-30', {}],
    ['a date and time is not a day', 'to=2026-03-01T10:00', {}],
    ['an end before the start is dropped', 'from=2026-03-05&to=2026-03-01', { from: '2026-03-05' }],
    ['text, trimmed', 'q=%20sql%20injection%20', { text: 'sql injection' }],
    ['text longer than the server takes is cut', `q=${'a'.repeat(250)}`, { text: 'a'.repeat(200) }],
    ['the page number is not a filter', 'page=3', {}],
  ])('%s', (_, search, expected) => {
    expect(parse(search)).toEqual({ ...NO_FILTERS, ...expected });
  });
});

describe('toAlertsSearchParams', () => {
  it('writes only what is set, and the page after the first', () => {
    expect(toAlertsSearchParams(NO_FILTERS).toString()).toBe('');
    const filters: TAlertFilters = { event: 'scan_added', productId: 4, from: '2026-03-01', to: '2026-03-02', text: 'zap scan' };
    expect(toAlertsSearchParams(filters, 2).toString()).toBe('event=scan_added&product=4&from=2026-03-01&to=2026-03-02&q=zap+scan&page=2');
  });

  it('round-trips through the address', () => {
    const filters: TAlertFilters = { event: 'user_mentioned', productId: null, from: null, to: '2026-12-31', text: '100% done' };
    expect(parseAlertFilters(toAlertsSearchParams(filters))).toEqual(filters);
  });
});

describe('toAlertListParams', () => {
  it('asks the server for local calendar days: from midnight of the first to midnight after the last', () => {
    const params = toAlertListParams({ event: 'other', productId: 3, from: '2026-03-01', to: '2026-03-03', text: 'x' });
    expect(params).toEqual({
      event: 'other',
      product_id: '3',
      since: new Date(2026, 2, 1).toISOString(),
      until: new Date(2026, 2, 4).toISOString(),
      q: 'x',
    });
  });

  it('crosses month and year ends', () => {
    expect(toAlertListParams({ ...NO_FILTERS, to: '2026-12-31' }).until).toBe(new Date(2027, 0, 1).toISOString());
  });

  it('asks for nothing without filters', () => {
    expect(toAlertListParams(NO_FILTERS)).toEqual({});
    expect(hasFilters(NO_FILTERS)).toBe(false);
    expect(hasFilters({ ...NO_FILTERS, text: 'a' })).toBe(true);
  });
});
