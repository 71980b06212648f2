import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TAlertSummary } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';

/** How many of the newest alerts the bell lists. */
export const BELL_LIMIT = 12;

export const alertsQueryKey = ['alerts'] as const;
export const alertsSummaryQueryKey = ['alerts', 'summary'] as const;

export function getAlertsSummary({ signal }: { signal?: AbortSignal } = {}): Promise<TAlertSummary> {
  return api.get<TAlertSummary>(`/api/alerts/summary?limit=${BELL_LIMIT}`, { signal });
}

export const getAlertsSummaryQueryOptions = () =>
  queryOptions({
    queryKey: alertsSummaryQueryKey,
    queryFn: ({ signal }) => getAlertsSummary({ signal }),
    // The stream pushes every change; polling is only a fallback for a stream that cannot connect.
    refetchInterval: 5 * 60_000,
  });

export function useAlertsSummary() {
  return useQuery(getAlertsSummaryQueryOptions());
}
