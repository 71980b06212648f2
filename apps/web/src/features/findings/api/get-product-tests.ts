import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TTestSummary } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

export const getProductTests = (productId: number, signal?: AbortSignal): Promise<TTestSummary[]> =>
  api.get<TTestSummary[]>(`/api/products/${productId}/tests`, { signal });

export const getProductTestsQueryOptions = (productId: number) =>
  queryOptions({
    queryKey: ['tests', 'list', { productId }],
    queryFn: ({ signal }) => getProductTests(productId, signal),
  });

export const useProductTests = (productId: number) => useQuery(getProductTestsQueryOptions(productId));
