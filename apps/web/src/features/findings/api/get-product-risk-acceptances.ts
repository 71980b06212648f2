import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TRiskAcceptanceList } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

export const getProductRiskAcceptances = (productId: number, signal?: AbortSignal) =>
  api.get<TRiskAcceptanceList>(`/api/products/${productId}/risk-acceptances`, { signal });

export const getProductRiskAcceptancesQueryOptions = (productId: number) =>
  queryOptions({
    queryKey: ['risk-acceptances', 'list', { productId }],
    queryFn: ({ signal }) => getProductRiskAcceptances(productId, signal),
  });

export const useProductRiskAcceptances = (productId: number) => useQuery(getProductRiskAcceptancesQueryOptions(productId));
