import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TMemberships } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

export const getMemberships = (userId: number): Promise<TMemberships> => api.get<TMemberships>(`/api/users/${userId}/memberships`);

export const getMembershipsQueryOptions = (userId: number) =>
  queryOptions({
    queryKey: ['users', 'detail', userId, 'memberships'],
    queryFn: () => getMemberships(userId),
  });

export const useMemberships = (userId: number) => useQuery(getMembershipsQueryOptions(userId));
