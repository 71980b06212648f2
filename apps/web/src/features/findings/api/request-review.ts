import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TReviewRequestBody } from '@tocsin/contract/findings';
import type { TReviewList } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getFindingQueryOptions } from './get-finding';

export const requestReview = ({ findingId, body }: { findingId: number; body: TReviewRequestBody }) =>
  api.post<TReviewList>(`/api/findings/${findingId}/review-requests`, body);

export const useRequestReview = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: requestReview,
    onSuccess: (_result, { findingId }) => queryClient.invalidateQueries({ queryKey: getFindingQueryOptions(findingId).queryKey }),
  });
};
