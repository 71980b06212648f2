import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TDeliveryStats } from '@tocsin/contract/deliveries';
import { api } from '../../../lib/api-client';

export const getDeliveryStats = (hours = 24): Promise<TDeliveryStats> => api.get<TDeliveryStats>(`/api/deliveries/stats?hours=${hours}`);

export const getDeliveryStatsQueryOptions = (hours = 24) =>
  queryOptions({
    queryKey: ['deliveries', 'stats', { hours }],
    queryFn: () => getDeliveryStats(hours),
    refetchInterval: 60_000,
  });

export const useDeliveryStats = (hours = 24) => useQuery(getDeliveryStatsQueryOptions(hours));
