import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TSystemSettings, TUpdateSystemSettingsBody } from '@tocsin/contract/system-settings';
import { api } from '../../../lib/api-client';
import { getSystemSettingsQueryOptions } from './get-system-settings';

export const updateSystemSettings = (body: TUpdateSystemSettingsBody): Promise<TSystemSettings> =>
  api.put<TSystemSettings>('/api/system-settings', body);

export const useUpdateSystemSettings = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateSystemSettings,
    onSuccess: (settings) => {
      const { queryKey } = getSystemSettingsQueryOptions();
      queryClient.setQueryData(queryKey, settings);
      return queryClient.invalidateQueries({ queryKey });
    },
  });
};
