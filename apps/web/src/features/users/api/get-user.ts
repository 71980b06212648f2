import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

export const getUser = (userId: number): Promise<TUser> => api.get<TUser>(`/api/users/${userId}`);

export const getUserQueryOptions = (userId: number) =>
  queryOptions({
    queryKey: ['users', 'detail', userId],
    queryFn: () => getUser(userId),
  });

export const useUserDetail = (userId: number) => useQuery(getUserQueryOptions(userId));
