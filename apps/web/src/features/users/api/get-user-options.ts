import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TUserOption } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

/** GET /api/users/options: every active user's id and username, for lead pickers (any logged-in user). */
export type { TUserOption };

export const getUserOptions = (): Promise<TUserOption[]> => api.get<TUserOption[]>('/api/users/options');

export const getUserOptionsQueryOptions = () =>
  queryOptions({
    queryKey: ['users', 'options'],
    queryFn: getUserOptions,
  });

export const useUserOptions = () => useQuery(getUserOptionsQueryOptions());
