import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TProductSla } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';

export const getProductSla = (productId: number, signal?: AbortSignal) =>
  api.get<TProductSla>(`/api/products/${productId}/sla`, { signal });

export const getProductSlaQueryOptions = (productId: number) =>
  queryOptions({ queryKey: ['sla', 'product', productId], queryFn: ({ signal }) => getProductSla(productId, signal) });

export const useProductSla = (productId: number) => useQuery(getProductSlaQueryOptions(productId));
