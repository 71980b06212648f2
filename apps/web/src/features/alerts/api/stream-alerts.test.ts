import { QueryClient } from '@tanstack/react-query';
import type { TAlertSummary } from '@tocsin/contract/alerts';
import { describe, expect, it } from 'vitest';
import { getAlertsSummaryQueryOptions } from './get-alerts-summary';
import { applyAlertStreamMessage } from './stream-alerts';

// The bell's summary query, as the bell caches it (one entry per limit it asked for).
const alertsSummaryQueryKey = getAlertsSummaryQueryOptions().queryKey;

const alert = {
  id: 7,
  title: 'Scan added',
  description: '',
  url: '/alerts',
  source: 'Scan Added',
  icon: 'scan',
  created: '2026-01-01T00:00:00.000Z',
  event: 'other',
  product_id: null,
  raised_by: 'Tocsin',
  is_new: false,
  coalesced_count: 0,
  first_seen: '2026-01-01T00:00:00.000Z',
  last_seen: '2026-01-01T00:00:00.000Z',
};

/** A cached bell summary with `count` alerts and `alert` as the newest. */
const summaryOf = (count: number, newCount = 0): TAlertSummary => ({ count, items: [alert], new_count: newCount, seen_through_id: 0 });

describe('applyAlertStreamMessage', () => {
  it('puts the pushed count on the bell and marks every alerts query stale', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData<TAlertSummary>(alertsSummaryQueryKey, summaryOf(1));
    queryClient.setQueryData(['alerts', 'list', { page: 1, pageSize: 25 }], { items: [alert], total: 1, page: 1, page_size: 25 });

    expect(applyAlertStreamMessage(queryClient, JSON.stringify({ count: 4, latest_id: 10 }))).toBe(true);

    expect(queryClient.getQueryData<TAlertSummary>(alertsSummaryQueryKey)?.count).toBe(4);
    expect(queryClient.getQueryState(alertsSummaryQueryKey)?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(['alerts', 'list', { page: 1, pageSize: 25 }])?.isInvalidated).toBe(true);
  });

  it('refetches nothing when the message repeats what the bell shows', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData<TAlertSummary>(alertsSummaryQueryKey, summaryOf(1));
    expect(applyAlertStreamMessage(queryClient, JSON.stringify({ count: 1, latest_id: 7 }))).toBe(true);
    expect(queryClient.getQueryState(alertsSummaryQueryKey)?.isInvalidated).toBe(false);
  });

  it('takes a changed new count (the list was looked at in another tab) without refetching anything', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData<TAlertSummary>(alertsSummaryQueryKey, summaryOf(1, 1));
    queryClient.setQueryData(['alerts', 'list', { page: 1, pageSize: 25 }], { items: [alert], total: 1, page: 1, page_size: 25 });
    expect(applyAlertStreamMessage(queryClient, JSON.stringify({ count: 1, latest_id: 7, new_count: 0 }))).toBe(true);
    expect(queryClient.getQueryData<TAlertSummary>(alertsSummaryQueryKey)?.new_count).toBe(0);
    expect(queryClient.getQueryState(alertsSummaryQueryKey)?.isInvalidated).toBe(false);
    expect(queryClient.getQueryState(['alerts', 'list', { page: 1, pageSize: 25 }])?.isInvalidated).toBe(false);
  });

  it('refetches when the count is unchanged but a newer alert replaced a removed one', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData<TAlertSummary>(alertsSummaryQueryKey, summaryOf(1));
    applyAlertStreamMessage(queryClient, JSON.stringify({ count: 1, latest_id: 8 }));
    expect(queryClient.getQueryState(alertsSummaryQueryKey)?.isInvalidated).toBe(true);
  });

  it('refetches when the bell has nothing yet, and after everything was removed elsewhere', () => {
    const empty = new QueryClient();
    empty.setQueryData(['alerts', 'list', { page: 1, pageSize: 25 }], { items: [], total: 0, page: 1, page_size: 25 });
    applyAlertStreamMessage(empty, JSON.stringify({ count: 0, latest_id: null }));
    expect(empty.getQueryState(['alerts', 'list', { page: 1, pageSize: 25 }])?.isInvalidated).toBe(true);

    const cleared = new QueryClient();
    cleared.setQueryData<TAlertSummary>(alertsSummaryQueryKey, summaryOf(1));
    applyAlertStreamMessage(cleared, JSON.stringify({ count: 0, latest_id: null }));
    expect(cleared.getQueryData<TAlertSummary>(alertsSummaryQueryKey)?.count).toBe(0);
    expect(cleared.getQueryState(alertsSummaryQueryKey)?.isInvalidated).toBe(true);
  });

  it('ignores payloads that are not stream messages', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData<TAlertSummary>(alertsSummaryQueryKey, summaryOf(1));
    expect(applyAlertStreamMessage(queryClient, 'not json')).toBe(false);
    expect(applyAlertStreamMessage(queryClient, JSON.stringify({ total: 3 }))).toBe(false);
    expect(queryClient.getQueryData<TAlertSummary>(alertsSummaryQueryKey)?.count).toBe(1);
    expect(queryClient.getQueryState(alertsSummaryQueryKey)?.isInvalidated).toBe(false);
  });
});
