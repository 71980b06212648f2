import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TProductSla, TUpdateProductSlaBody } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getProductSlaQueryOptions } from './get-product-sla';
import { getSlaConfigurationsQueryOptions } from './get-sla-configurations';

export const updateProductSla = ({ productId, body }: { productId: number; body: TUpdateProductSlaBody }) =>
  api.put<TProductSla>(`/api/products/${productId}/sla`, body);

export const useUpdateProductSla = ({ onSaved }: { onSaved?: () => void } = {}) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProductSla,
    onSuccess: (sla, { productId }) => {
      queryClient.setQueryData(getProductSlaQueryOptions(productId).queryKey, sla);
      void queryClient.invalidateQueries({ queryKey: getSlaConfigurationsQueryOptions().queryKey });
      onSaved?.();
    },
  });
};
