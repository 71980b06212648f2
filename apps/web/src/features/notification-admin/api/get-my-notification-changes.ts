import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TNotificationChangeSets } from '@tocsin/contract/notification-admin';
import { api } from '../../../lib/api-client';
import { notificationAdminKeys } from './query-keys';

/** Changes others made to my notification settings (a superuser, or the template applied). */
export const getMyNotificationChanges = (): Promise<TNotificationChangeSets> =>
  api.get<TNotificationChangeSets>('/api/users/me/notification-changes');

export const getMyNotificationChangesQueryOptions = () =>
  queryOptions({ queryKey: [...notificationAdminKeys.me, 'changes'], queryFn: getMyNotificationChanges });

export const useMyNotificationChanges = () => useQuery(getMyNotificationChangesQueryOptions());
