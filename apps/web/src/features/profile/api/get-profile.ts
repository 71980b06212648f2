import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

export const getProfile = (): Promise<TUser> => api.get<TUser>('/api/me');

export const getProfileQueryOptions = () =>
  queryOptions({
    queryKey: ['profile'],
    queryFn: getProfile,
  });

export const useProfile = () => useQuery(getProfileQueryOptions());
