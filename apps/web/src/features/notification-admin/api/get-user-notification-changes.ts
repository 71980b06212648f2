import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TNotificationChangeSets } from '@tocsin/contract/notification-admin';
import { api } from '../../../lib/api-client';
import { notificationAdminKeys } from './query-keys';

/** Changes others made to a user's settings (superusers). */
export const getUserNotificationChanges = (userId: number): Promise<TNotificationChangeSets> =>
  api.get<TNotificationChangeSets>(`/api/users/${userId}/notification-changes`);

export const getUserNotificationChangesQueryOptions = (userId: number) =>
  queryOptions({
    queryKey: [...notificationAdminKeys.user(userId), 'changes'],
    queryFn: () => getUserNotificationChanges(userId),
  });

export const useUserNotificationChanges = (userId: number) => useQuery(getUserNotificationChangesQueryOptions(userId));
