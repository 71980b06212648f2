import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TProductDetail } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';

export const getProduct = (productId: number): Promise<TProductDetail> => api.get<TProductDetail>(`/api/products/${productId}`);

export const getProductQueryOptions = (productId: number) =>
  queryOptions({
    queryKey: ['products', 'detail', productId],
    queryFn: () => getProduct(productId),
  });

export const useProduct = (productId: number) => useQuery(getProductQueryOptions(productId));
