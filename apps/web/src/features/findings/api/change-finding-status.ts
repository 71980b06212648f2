import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFindingStatusChangeBody } from '@tocsin/contract/findings';
import type { TFindingStatusChangeResult } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getFindingQueryOptions } from './get-finding';
import { getNotesQueryOptions } from './get-notes';
import { getProductFindingsBaseKey } from './get-product-findings';

export const changeFindingStatus = ({ findingId, body }: { findingId: number; body: TFindingStatusChangeBody }) =>
  api.post<TFindingStatusChangeResult>(`/api/findings/${findingId}/status`, body);

export const useChangeFindingStatus = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeFindingStatus,
    onSuccess: (result, { findingId }) => {
      queryClient.setQueryData(getFindingQueryOptions(findingId).queryKey, result.finding);
      void queryClient.invalidateQueries({ queryKey: getNotesQueryOptions({ kind: 'finding', id: findingId }).queryKey });
      void queryClient.invalidateQueries({ queryKey: getProductFindingsBaseKey(result.finding.product_id) });
    },
  });
};
