import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TSlaConfiguration } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

export const getSlaConfigurations = (signal?: AbortSignal) =>
  api.get<{ items: TSlaConfiguration[] }>('/api/sla-configurations', { signal });

export const getSlaConfigurationsQueryOptions = () =>
  queryOptions({ queryKey: ['sla', 'configurations'], queryFn: ({ signal }) => getSlaConfigurations(signal) });

export const useSlaConfigurations = () => useQuery(getSlaConfigurationsQueryOptions());
