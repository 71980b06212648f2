import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TRiskAcceptance } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

export const getRiskAcceptance = (id: number, signal?: AbortSignal) => api.get<TRiskAcceptance>(`/api/risk-acceptances/${id}`, { signal });

export const getRiskAcceptanceQueryOptions = (id: number) =>
  queryOptions({ queryKey: ['risk-acceptances', 'detail', id], queryFn: ({ signal }) => getRiskAcceptance(id, signal) });

export const useRiskAcceptance = (id: number) => useQuery(getRiskAcceptanceQueryOptions(id));
