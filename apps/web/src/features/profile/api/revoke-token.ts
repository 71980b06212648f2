import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { getTokensQueryOptions } from './get-tokens';

export const revokeToken = (tokenId: number): Promise<unknown> => api.delete<unknown>(`/api/me/tokens/${tokenId}`);

export const useRevokeToken = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getTokensQueryOptions().queryKey }),
  });
};
