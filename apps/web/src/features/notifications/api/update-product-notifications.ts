import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TSaveSettingsBody, TSettingsRecord } from '@tocsin/contract/notification-settings';
import { api } from '../../../lib/api-client';
import { getEffectiveNotificationsQueryOptions } from './get-effective-notifications';
import { getProductNotificationsQueryOptions } from './get-product-notifications';

export const updateProductNotifications = ({ productId, body }: { productId: number; body: TSaveSettingsBody }): Promise<TSettingsRecord> =>
  api.put<TSettingsRecord>(`/api/products/${productId}/notifications`, body);

export const useUpdateProductNotifications = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProductNotifications,
    onSuccess: (record, { productId }) => {
      const { queryKey } = getProductNotificationsQueryOptions(productId);
      queryClient.setQueryData(queryKey, record);
      void queryClient.invalidateQueries({ queryKey: getEffectiveNotificationsQueryOptions(productId).queryKey });
      return queryClient.invalidateQueries({ queryKey });
    },
  });
};
