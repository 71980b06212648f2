import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TProductType } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';

export const getProductTypes = (): Promise<TProductType[]> => api.get<TProductType[]>('/api/product-types');

export const getProductTypesQueryOptions = () =>
  queryOptions({
    queryKey: ['product-types', 'list'],
    queryFn: getProductTypes,
    // product_count changes whenever a product is added anywhere: always refetch when shown.
    staleTime: 0,
  });

export const useProductTypes = () => useQuery(getProductTypesQueryOptions());
