import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { api } from '../../../lib/api-client';

export const getProductNotifications = (productId: number): Promise<TSettingsRecord> =>
  api.get<TSettingsRecord>(`/api/products/${productId}/notifications`);

export const getProductNotificationsQueryOptions = (productId: number) =>
  queryOptions({
    queryKey: ['notification-settings', 'product', productId],
    queryFn: () => getProductNotifications(productId),
  });

export const useProductNotifications = (productId: number) => useQuery(getProductNotificationsQueryOptions(productId));
