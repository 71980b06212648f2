import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import type { TDeliveryPage, TDeliveryStatus } from '@tocsin/contract/deliveries';
import { api } from '../../../lib/api-client';

export type TDeliveryFilters = {
  status?: TDeliveryStatus;
  channel?: TExternalChannel;
  event?: string;
  /** ISO times. */
  since?: string;
  until?: string;
  /** One named destination's deliveries (superusers; linked from the Destinations page). */
  destination_id?: number;
  page?: number;
};

export function toDeliveriesSearch(filters: TDeliveryFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '' && !(key === 'page' && value === 1)) params.set(key, String(value));
  }
  return params.toString();
}

export const getDeliveries = (filters: TDeliveryFilters): Promise<TDeliveryPage> => {
  const search = toDeliveriesSearch(filters);
  return api.get<TDeliveryPage>(search ? `/api/deliveries?${search}` : '/api/deliveries');
};

const isPending = (page: TDeliveryPage | undefined) =>
  page?.items.some((d) => d.status === 'queued' || d.status === 'sending' || d.status === 'retrying' || d.status === 'carried') ?? false;

export const getDeliveriesQueryOptions = (filters: TDeliveryFilters) =>
  queryOptions({
    queryKey: ['deliveries', 'list', filters],
    queryFn: () => getDeliveries(filters),
    placeholderData: keepPreviousData,
    // While something is on its way, follow it until it settles.
    refetchInterval: (query) => (isPending(query.state.data) ? 3000 : false),
  });

export const useDeliveries = (filters: TDeliveryFilters) => useQuery(getDeliveriesQueryOptions(filters));
