import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFindingDetail, TUpdateFindingBody } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getFindingQueryOptions } from './get-finding';
import { getProductFindingsBaseKey } from './get-product-findings';

export const updateFindingSeverity = ({ findingId, body }: { findingId: number; body: TUpdateFindingBody }) =>
  api.patch<TFindingDetail>(`/api/findings/${findingId}`, body);

export const useUpdateFindingSeverity = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateFindingSeverity,
    // The answer is the finding with its recomputed SLA: the page shows it at once, without another request.
    onSuccess: (finding, { findingId }) => {
      queryClient.setQueryData(getFindingQueryOptions(findingId).queryKey, finding);
      void queryClient.invalidateQueries({ queryKey: getProductFindingsBaseKey(finding.product_id) });
    },
  });
};
