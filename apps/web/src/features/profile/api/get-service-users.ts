import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TUser } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

/** Active service users: the accounts an integration token may belong to besides oneself (superusers only). */
export const getServiceUsers = async (): Promise<TUser[]> =>
  (await api.get<TUser[]>('/api/users')).filter((user) => user.is_service && user.is_active);

export const getServiceUsersQueryOptions = () =>
  queryOptions({
    queryKey: ['profile', 'service-users'],
    queryFn: getServiceUsers,
  });

export const useServiceUsers = () => useQuery(getServiceUsersQueryOptions());
