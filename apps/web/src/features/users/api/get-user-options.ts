import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TUserOption } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

/** GET /api/users/options: every active user's id and username, for pickers (engagement lead, webhook owner). */
export const getUserOptions = (): Promise<TUserOption[]> => api.get<TUserOption[]>('/api/users/options');

export const getUserOptionsQueryOptions = () =>
  queryOptions({
    queryKey: ['users', 'options'],
    queryFn: getUserOptions,
  });

export const useUserOptions = ({ enabled = true }: { enabled?: boolean } = {}) => useQuery({ ...getUserOptionsQueryOptions(), enabled });
