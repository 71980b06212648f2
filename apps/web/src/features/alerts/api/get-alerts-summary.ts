import { keepPreviousData, type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import type { TAlertSummary } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';

/** How many of the newest alerts the bell lists at first, and how many more each "Show more" adds. */
export const BELL_PAGE_SIZE = 12;
/** The most GET /api/alerts/summary lists (its `limit` is at most 50); beyond that, the Alerts page. */
export const BELL_MAX_ITEMS = 50;

export const alertsQueryKey = ['alerts'] as const;
export const alertsSummaryQueryKey = ['alerts', 'summary'] as const;

export function getAlertsSummary({
  limit = BELL_PAGE_SIZE,
  signal,
}: {
  limit?: number;
  signal?: AbortSignal;
} = {}): Promise<TAlertSummary> {
  return api.get<TAlertSummary>(`/api/alerts/summary?limit=${limit}`, { signal });
}

export const getAlertsSummaryQueryOptions = ({ limit = BELL_PAGE_SIZE }: { limit?: number } = {}) =>
  queryOptions({
    queryKey: [...alertsSummaryQueryKey, { limit }],
    queryFn: ({ signal }) => getAlertsSummary({ limit, signal }),
    // "Show more" keeps the shorter list on screen while the longer one loads.
    placeholderData: keepPreviousData,
  });

export function useAlertsSummary({ limit = BELL_PAGE_SIZE }: { limit?: number } = {}) {
  return useQuery(getAlertsSummaryQueryOptions({ limit }));
}

/** Every cached summary (one per limit the bell asked for): they share the count and the newest alert. */
export function getCachedAlertSummary(queryClient: QueryClient): TAlertSummary | undefined {
  return queryClient
    .getQueriesData<TAlertSummary>({ queryKey: alertsSummaryQueryKey })
    .map(([, data]) => data)
    .find((data) => data !== undefined);
}

/** Applies a change to every cached summary, e.g. the new count a removal answered with. */
export function updateCachedAlertSummaries(queryClient: QueryClient, update: (old: TAlertSummary) => TAlertSummary) {
  queryClient.setQueriesData<TAlertSummary>({ queryKey: alertsSummaryQueryKey }, (old) => (old ? update(old) : old));
}
