import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TEffectiveNotifications } from '@tocsin/contract/notification-admin';
import { api } from '../../../lib/api-client';

/** What I effectively receive, and why; with a product, that product's events. */
export const getEffectiveNotifications = (productId?: number): Promise<TEffectiveNotifications> =>
  api.get<TEffectiveNotifications>(
    productId === undefined ? '/api/users/me/effective-notifications' : `/api/users/me/effective-notifications?product_id=${productId}`,
  );

export const getEffectiveNotificationsQueryOptions = (productId?: number) =>
  queryOptions({
    queryKey: productId === undefined ? ['effective-notifications', 'me'] : ['effective-notifications', 'me', { productId }],
    queryFn: () => getEffectiveNotifications(productId),
  });

export const useEffectiveNotifications = (productId?: number, { isEnabled = true }: { isEnabled?: boolean } = {}) =>
  useQuery({ ...getEffectiveNotificationsQueryOptions(productId), enabled: isEnabled });
