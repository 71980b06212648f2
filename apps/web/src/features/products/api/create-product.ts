import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreateProductBody, TProduct } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';
import { getProductsQueryOptions } from './get-products';

export const createProduct = (body: TCreateProductBody): Promise<TProduct> => api.post<TProduct>('/api/products', body);

export const useCreateProduct = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createProduct,
    // ['products', 'list'] is the prefix of every filtered list too.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getProductsQueryOptions().queryKey }),
  });
};
