import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TSettingsScope } from '@tocsin/contract/catalogue';
import type { TSaveSettingsBody, TSettingsRecord } from '@tocsin/contract/notification-settings';
import { api } from '../../../lib/api-client';
import { getEffectiveNotificationsQueryOptions } from './get-effective-notifications';
import { getNotificationSettingsQueryOptions } from './get-notification-settings';

export const updateNotificationSettings = ({ scope, body }: { scope: TSettingsScope; body: TSaveSettingsBody }): Promise<TSettingsRecord> =>
  api.put<TSettingsRecord>(`/api/notifications/settings/${scope}`, body);

export const useUpdateNotificationSettings = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateNotificationSettings,
    onSuccess: (record, { scope }) => {
      const { queryKey } = getNotificationSettingsQueryOptions(scope);
      queryClient.setQueryData(queryKey, record);
      // What I effectively receive follows my personal record (and the system record).
      void queryClient.invalidateQueries({ queryKey: getEffectiveNotificationsQueryOptions().queryKey });
      return queryClient.invalidateQueries({ queryKey });
    },
  });
};
