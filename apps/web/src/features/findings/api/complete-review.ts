import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCompleteReviewBody, TReview } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getFindingQueryOptions } from './get-finding';
import { MY_REVIEWS_BASE_KEY } from './get-my-reviews';

export const completeReview = ({ reviewId, body }: { reviewId: number; findingId: number; body: TCompleteReviewBody }) =>
  api.post<TReview>(`/api/reviews/${reviewId}/complete`, body);

export const useCompleteReview = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: completeReview,
    onSuccess: (_review, { findingId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: getFindingQueryOptions(findingId).queryKey }),
        queryClient.invalidateQueries({ queryKey: MY_REVIEWS_BASE_KEY }),
      ]),
  });
};
