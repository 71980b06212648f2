import { describe, expect, it } from 'vitest';
import { toDeliveriesSearch } from '../api/get-deliveries';
import { fromLocalInputValue, toLocalInputValue } from './delivery-filters';

describe('delivery filters', () => {
  it('round-trips a time through the datetime-local input in the browser time zone', () => {
    const iso = '2026-03-10T12:30:00.000Z';
    const local = toLocalInputValue(iso);
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInputValue(local)).toBe(iso);
  });

  it('treats empty and invalid values as no filter', () => {
    expect(toLocalInputValue(undefined)).toBe('');
    expect(toLocalInputValue('not a time')).toBe('');
    expect(fromLocalInputValue('')).toBeUndefined();
    expect(fromLocalInputValue('2026-13-45T99:99')).toBeUndefined();
  });

  it('puts only the filters that are set in the query string, and page 1 not at all', () => {
    expect(toDeliveriesSearch({})).toBe('');
    expect(toDeliveriesSearch({ status: 'failed', channel: 'webhooks', event: '', page: 1 })).toBe('status=failed&channel=webhooks');
    expect(toDeliveriesSearch({ since: '2026-03-10T12:30:00.000Z', page: 3 })).toBe('since=2026-03-10T12%3A30%3A00.000Z&page=3');
  });
});
