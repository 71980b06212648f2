import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TProductType } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';

export const getProductType = (productTypeId: number): Promise<TProductType> =>
  api.get<TProductType>(`/api/product-types/${productTypeId}`);

export const getProductTypeQueryOptions = (productTypeId: number) =>
  queryOptions({
    queryKey: ['product-types', 'detail', productTypeId],
    queryFn: () => getProductType(productTypeId),
    // product_count changes whenever a product is added anywhere: always refetch when shown.
    staleTime: 0,
  });

export const useProductType = (productTypeId: number) => useQuery(getProductTypeQueryOptions(productTypeId));
