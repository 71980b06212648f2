import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreateRiskAcceptanceBody } from '@tocsin/contract/findings';
import type { TRiskAcceptance } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getProductFindingsBaseKey } from './get-product-findings';
import { getProductRiskAcceptancesQueryOptions } from './get-product-risk-acceptances';

export const createRiskAcceptance = ({ productId, body }: { productId: number; body: TCreateRiskAcceptanceBody }) =>
  api.post<TRiskAcceptance>(`/api/products/${productId}/risk-acceptances`, body);

export const useCreateRiskAcceptance = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createRiskAcceptance,
    onSuccess: (_acceptance, { productId }) => {
      void queryClient.invalidateQueries({ queryKey: getProductRiskAcceptancesQueryOptions(productId).queryKey });
      void queryClient.invalidateQueries({ queryKey: getProductFindingsBaseKey(productId) });
    },
  });
};
