import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

/** GET /api/users/options: active users' ids and usernames, for the webhook owner picker. */
export type TOwnerOption = Pick<TUser, 'id' | 'username'>;

export const getOwnerOptions = (): Promise<TOwnerOption[]> => api.get<TOwnerOption[]>('/api/users/options');

export const getOwnerOptionsQueryOptions = () =>
  queryOptions({
    queryKey: ['users', 'options'],
    queryFn: getOwnerOptions,
  });

export const useOwnerOptions = ({ enabled = true }: { enabled?: boolean } = {}) => useQuery({ ...getOwnerOptionsQueryOptions(), enabled });
