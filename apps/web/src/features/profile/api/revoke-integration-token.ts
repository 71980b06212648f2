import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { getIntegrationTokensQueryOptions } from './get-integration-tokens';

export const revokeIntegrationToken = (tokenId: number): Promise<unknown> =>
  api.delete<unknown>(`/api/users/integration-tokens/${tokenId}`);

export const useRevokeIntegrationToken = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeIntegrationToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getIntegrationTokensQueryOptions().queryKey }),
  });
};
