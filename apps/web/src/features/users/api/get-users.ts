import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

export const getUsers = ({ q = '' }: { q?: string } = {}): Promise<TUser[]> =>
  api.get<TUser[]>(q ? `/api/users?q=${encodeURIComponent(q)}` : '/api/users');

export const getUsersQueryOptions = ({ q = '' }: { q?: string } = {}) =>
  queryOptions({
    queryKey: q ? ['users', 'list', { q }] : ['users', 'list'],
    queryFn: () => getUsers({ q }),
    placeholderData: keepPreviousData,
  });

export const useUsers = (params: { q?: string } = {}) => useQuery(getUsersQueryOptions(params));
