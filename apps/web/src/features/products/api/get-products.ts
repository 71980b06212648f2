import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TProduct } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';

export const getProducts = ({ productTypeId }: { productTypeId?: number } = {}): Promise<TProduct[]> =>
  api.get<TProduct[]>(productTypeId === undefined ? '/api/products' : `/api/products?product_type_id=${productTypeId}`);

export const getProductsQueryOptions = ({ productTypeId }: { productTypeId?: number } = {}) =>
  queryOptions({
    queryKey: productTypeId === undefined ? ['products', 'list'] : ['products', 'list', { productTypeId }],
    queryFn: () => getProducts({ productTypeId }),
  });

export const useProducts = (params: { productTypeId?: number } = {}) => useQuery(getProductsQueryOptions(params));
