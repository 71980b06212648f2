import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TDeliveryDetail } from '@tocsin/contract/deliveries';
import { api } from '../../../lib/api-client';
import { getDeliveryQueryOptions } from './get-delivery';

/** Sends a failed delivery again (fresh attempt budget), or a retrying one now; a deactivated webhook answers 409 saying so. */
export const retryDelivery = (id: number): Promise<TDeliveryDetail> => api.post<TDeliveryDetail>(`/api/deliveries/${id}/retry`);

export const useRetryDelivery = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: retryDelivery,
    onSuccess: (delivery) => {
      queryClient.setQueryData(getDeliveryQueryOptions(delivery.id).queryKey, delivery);
      // The list, the stats and the detail all change: invalidate everything under the feature's root key.
      const [root] = getDeliveryQueryOptions(delivery.id).queryKey;
      return queryClient.invalidateQueries({ queryKey: [root] });
    },
  });
};
