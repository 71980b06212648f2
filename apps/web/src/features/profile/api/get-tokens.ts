import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TApiToken } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

export const getTokens = (): Promise<TApiToken[]> => api.get<TApiToken[]>('/api/me/tokens');

export const getTokensQueryOptions = () =>
  queryOptions({
    queryKey: ['profile', 'tokens'],
    queryFn: getTokens,
  });

export const useTokens = () => useQuery(getTokensQueryOptions());
