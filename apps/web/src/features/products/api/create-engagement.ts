import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreateEngagementBody, TEngagement } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';
import { getProductQueryOptions } from './get-product';

export const createEngagement = (body: TCreateEngagementBody): Promise<TEngagement> => api.post<TEngagement>('/api/engagements', body);

export const useCreateEngagement = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createEngagement,
    onSuccess: (_engagement, body) => queryClient.invalidateQueries({ queryKey: getProductQueryOptions(body.product_id).queryKey }),
  });
};
