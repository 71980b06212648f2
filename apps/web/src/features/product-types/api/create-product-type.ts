import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreateProductTypeBody, TProductType } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';
import { getProductTypesQueryOptions } from './get-product-types';

export const createProductType = (body: TCreateProductTypeBody): Promise<TProductType> =>
  api.post<TProductType>('/api/product-types', body);

export const useCreateProductType = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createProductType,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getProductTypesQueryOptions().queryKey }),
  });
};
