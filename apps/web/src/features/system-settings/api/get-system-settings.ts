import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TSystemSettings } from '@tocsin/contract/system-settings';
import { api } from '../../../lib/api-client';

export const getSystemSettings = (): Promise<TSystemSettings> => api.get<TSystemSettings>('/api/system-settings');

export const getSystemSettingsQueryOptions = () =>
  queryOptions({
    queryKey: ['system-settings'],
    queryFn: getSystemSettings,
  });

export const useSystemSettings = () => useQuery(getSystemSettingsQueryOptions());
