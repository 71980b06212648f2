import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TSaveSettingsBody, TSettingsRecord } from '@tocsin/contract/notification-settings';
import { api } from '../../../lib/api-client';
import { getUserEffectiveNotificationsQueryOptions } from './get-user-effective-notifications';
import { getUserNotificationChangesQueryOptions } from './get-user-notification-changes';
import { getUserNotificationSettingsQueryOptions } from './get-user-notification-settings';

export const updateUserNotificationSettings = ({ userId, body }: { userId: number; body: TSaveSettingsBody }): Promise<TSettingsRecord> =>
  api.put<TSettingsRecord>(`/api/users/${userId}/notification-settings`, body);

export const useUpdateUserNotificationSettings = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUserNotificationSettings,
    onSuccess: (record, { userId }) => {
      const { queryKey } = getUserNotificationSettingsQueryOptions(userId);
      queryClient.setQueryData(queryKey, record);
      // The effective view (with every product) and the change history follow the saved record.
      void queryClient.invalidateQueries({ queryKey: getUserEffectiveNotificationsQueryOptions(userId).queryKey });
      void queryClient.invalidateQueries({ queryKey: getUserNotificationChangesQueryOptions(userId).queryKey });
      return queryClient.invalidateQueries({ queryKey });
    },
  });
};
