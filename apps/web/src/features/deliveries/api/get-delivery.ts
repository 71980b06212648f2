import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TDeliveryDetail } from '@tocsin/contract/deliveries';
import { api } from '../../../lib/api-client';

export const getDelivery = (id: number): Promise<TDeliveryDetail> => api.get<TDeliveryDetail>(`/api/deliveries/${id}`);

export const getDeliveryQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ['deliveries', 'detail', id],
    queryFn: () => getDelivery(id),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'queued' || status === 'sending' || status === 'retrying' || status === 'carried' ? 3000 : false;
    },
  });

export const useDelivery = (id: number) => useQuery(getDeliveryQueryOptions(id));
