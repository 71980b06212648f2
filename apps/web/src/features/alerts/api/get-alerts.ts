import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TAlertPage } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';
import { NO_FILTERS, type TAlertFilters, toAlertListParams } from '../utils/filters';

export const ALERTS_PAGE_SIZE = 25;

export function getAlerts({
  page,
  pageSize = ALERTS_PAGE_SIZE,
  filters = NO_FILTERS,
  signal,
}: {
  page: number;
  pageSize?: number;
  filters?: TAlertFilters;
  signal?: AbortSignal;
}): Promise<TAlertPage> {
  const query = new URLSearchParams({ page: String(page), page_size: String(pageSize), ...toAlertListParams(filters) });
  return api.get<TAlertPage>(`/api/alerts?${query}`, { signal });
}

export const getAlertsQueryOptions = ({
  page,
  pageSize = ALERTS_PAGE_SIZE,
  filters = NO_FILTERS,
}: {
  page: number;
  pageSize?: number;
  filters?: TAlertFilters;
}) =>
  queryOptions({
    queryKey: ['alerts', 'list', { page, pageSize, filters }],
    queryFn: ({ signal }) => getAlerts({ page, pageSize, filters, signal }),
    // Keep the current page on screen while the next one loads, instead of flashing an empty table.
    placeholderData: keepPreviousData,
  });

export function useAlerts(params: { page: number; pageSize?: number; filters?: TAlertFilters }) {
  return useQuery(getAlertsQueryOptions(params));
}
