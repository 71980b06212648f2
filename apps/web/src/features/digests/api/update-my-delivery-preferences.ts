import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TMyDeliveryPreferences } from '@tocsin/contract/delivery-preferences';
import { api } from '../../../lib/api-client';
import { getMyDeliveryPreferencesQueryOptions } from './get-my-delivery-preferences';

export const updateMyDeliveryPreferences = (body: TMyDeliveryPreferences): Promise<TMyDeliveryPreferences> =>
  api.put<TMyDeliveryPreferences>('/api/delivery-preferences/me', body);

export const useUpdateMyDeliveryPreferences = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMyDeliveryPreferences,
    onSuccess: (saved) => queryClient.setQueryData(getMyDeliveryPreferencesQueryOptions().queryKey, saved),
  });
};
