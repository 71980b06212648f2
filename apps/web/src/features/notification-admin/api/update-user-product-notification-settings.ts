import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TSaveSettingsBody, TSettingsRecord } from '@tocsin/contract/notification-settings';
import { api } from '../../../lib/api-client';
import { getUserEffectiveNotificationsQueryOptions } from './get-user-effective-notifications';
import { getUserNotificationChangesQueryOptions } from './get-user-notification-changes';
import { getUserProductNotificationSettingsQueryOptions } from './get-user-product-notification-settings';

export const updateUserProductNotificationSettings = ({
  userId,
  productId,
  body,
}: {
  userId: number;
  productId: number;
  body: TSaveSettingsBody;
}): Promise<TSettingsRecord> => api.put<TSettingsRecord>(`/api/users/${userId}/notification-settings/products/${productId}`, body);

export const useUpdateUserProductNotificationSettings = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUserProductNotificationSettings,
    onSuccess: (record, { userId, productId }) => {
      const { queryKey } = getUserProductNotificationSettingsQueryOptions(userId, productId);
      queryClient.setQueryData(queryKey, record);
      void queryClient.invalidateQueries({ queryKey: getUserEffectiveNotificationsQueryOptions(userId, productId).queryKey });
      void queryClient.invalidateQueries({ queryKey: getUserNotificationChangesQueryOptions(userId).queryKey });
      return queryClient.invalidateQueries({ queryKey });
    },
  });
};
