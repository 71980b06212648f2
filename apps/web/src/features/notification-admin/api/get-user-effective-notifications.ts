import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TEffectiveNotifications } from '@tocsin/contract/notification-admin';
import { api } from '../../../lib/api-client';
import { notificationAdminKeys } from './query-keys';

/** What another user effectively receives, and why (superusers); with a product, that product's events. */
export const getUserEffectiveNotifications = (userId: number, productId?: number): Promise<TEffectiveNotifications> =>
  api.get<TEffectiveNotifications>(
    `/api/users/${userId}/effective-notifications${productId === undefined ? '' : `?product_id=${productId}`}`,
  );

export const getUserEffectiveNotificationsQueryOptions = (userId: number, productId?: number) =>
  queryOptions({
    queryKey:
      productId === undefined
        ? [...notificationAdminKeys.user(userId), 'effective']
        : [...notificationAdminKeys.user(userId), 'effective', { productId }],
    queryFn: () => getUserEffectiveNotifications(userId, productId),
  });

export const useUserEffectiveNotifications = (userId: number, productId?: number) =>
  useQuery(getUserEffectiveNotificationsQueryOptions(userId, productId));
