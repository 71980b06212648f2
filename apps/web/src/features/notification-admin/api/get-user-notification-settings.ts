import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { api } from '../../../lib/api-client';
import { notificationAdminKeys } from './query-keys';

/** Another user's personal record (superusers). */
export const getUserNotificationSettings = (userId: number): Promise<TSettingsRecord> =>
  api.get<TSettingsRecord>(`/api/users/${userId}/notification-settings`);

export const getUserNotificationSettingsQueryOptions = (userId: number) =>
  queryOptions({
    queryKey: [...notificationAdminKeys.user(userId), 'settings'],
    queryFn: () => getUserNotificationSettings(userId),
  });

export const useUserNotificationSettings = (userId: number) => useQuery(getUserNotificationSettingsQueryOptions(userId));
