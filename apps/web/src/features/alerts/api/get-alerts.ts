import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TAlertPage } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';

export const ALERTS_PAGE_SIZE = 25;

export function getAlerts({
  page,
  pageSize = ALERTS_PAGE_SIZE,
  signal,
}: {
  page: number;
  pageSize?: number;
  signal?: AbortSignal;
}): Promise<TAlertPage> {
  const query = new URLSearchParams({ page: String(page), page_size: String(pageSize) });
  return api.get<TAlertPage>(`/api/alerts?${query}`, { signal });
}

export const getAlertsQueryOptions = ({ page, pageSize = ALERTS_PAGE_SIZE }: { page: number; pageSize?: number }) =>
  queryOptions({
    queryKey: ['alerts', 'list', { page, pageSize }],
    queryFn: ({ signal }) => getAlerts({ page, pageSize, signal }),
    // Keep the current page on screen while the next one loads, instead of flashing an empty table.
    placeholderData: keepPreviousData,
  });

export function useAlerts({ page, pageSize = ALERTS_PAGE_SIZE }: { page: number; pageSize?: number }) {
  return useQuery(getAlertsQueryOptions({ page, pageSize }));
}
