import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TEngagement } from '@tocsin/contract/products';
import { api } from '../../../lib/api-client';
import { getEngagementQueryOptions } from './get-engagement';
import { getProductQueryOptions } from './get-product';

export const reopenEngagement = ({ engagementId }: { engagementId: number; productId: number }): Promise<TEngagement> =>
  api.post<TEngagement>(`/api/engagements/${engagementId}/reopen`);

export const useReopenEngagement = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reopenEngagement,
    onSuccess: (_engagement, { engagementId, productId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: getProductQueryOptions(productId).queryKey }),
        queryClient.invalidateQueries({ queryKey: getEngagementQueryOptions(engagementId).queryKey }),
      ]),
  });
};
