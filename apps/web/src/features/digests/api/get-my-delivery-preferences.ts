import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TMyDeliveryPreferences } from '@tocsin/contract/delivery-preferences';
import { api } from '../../../lib/api-client';

export const getMyDeliveryPreferences = (): Promise<TMyDeliveryPreferences> =>
  api.get<TMyDeliveryPreferences>('/api/delivery-preferences/me');

export const getMyDeliveryPreferencesQueryOptions = () =>
  queryOptions({ queryKey: ['delivery-preferences', 'me'], queryFn: getMyDeliveryPreferences });

export const useMyDeliveryPreferences = () => useQuery(getMyDeliveryPreferencesQueryOptions());
