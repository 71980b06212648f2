import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TIntegrationToken } from '@tocsin/contract/auth';
import { api } from '../../../lib/api-client';

/** Every integration token of the installation (superusers only). */
export const getIntegrationTokens = (): Promise<TIntegrationToken[]> => api.get<TIntegrationToken[]>('/api/users/integration-tokens');

export const getIntegrationTokensQueryOptions = () =>
  queryOptions({
    queryKey: ['profile', 'integration-tokens'],
    queryFn: getIntegrationTokens,
  });

export const useIntegrationTokens = () => useQuery(getIntegrationTokensQueryOptions());
