import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { api } from '../../../lib/api-client';
import { notificationAdminKeys } from './query-keys';

/** Another user's record for one product (superusers). */
export const getUserProductNotificationSettings = (userId: number, productId: number): Promise<TSettingsRecord> =>
  api.get<TSettingsRecord>(`/api/users/${userId}/notification-settings/products/${productId}`);

export const getUserProductNotificationSettingsQueryOptions = (userId: number, productId: number) =>
  queryOptions({
    queryKey: [...notificationAdminKeys.user(userId), 'settings', { productId }],
    queryFn: () => getUserProductNotificationSettings(userId, productId),
  });

export const useUserProductNotificationSettings = (userId: number, productId: number) =>
  useQuery(getUserProductNotificationSettingsQueryOptions(userId, productId));
