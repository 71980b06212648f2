import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TSettingsScope } from '@tocsin/contract/catalogue';
import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { api } from '../../../lib/api-client';

export const getNotificationSettings = (scope: TSettingsScope): Promise<TSettingsRecord> =>
  api.get<TSettingsRecord>(`/api/notifications/settings/${scope}`);

export const getNotificationSettingsQueryOptions = (scope: TSettingsScope) =>
  queryOptions({
    queryKey: ['notification-settings', scope],
    queryFn: () => getNotificationSettings(scope),
  });

export const useNotificationSettings = (scope: TSettingsScope) => useQuery(getNotificationSettingsQueryOptions(scope));
