import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreatedIntegrationToken, ZCreateIntegrationTokenBody } from '@tocsin/contract/auth';
import type { z } from 'zod';
import { api } from '../../../lib/api-client';
import { getIntegrationTokensQueryOptions } from './get-integration-tokens';

export const createIntegrationToken = (body: z.input<typeof ZCreateIntegrationTokenBody>): Promise<TCreatedIntegrationToken> =>
  api.post<TCreatedIntegrationToken>('/api/users/integration-tokens', body);

export const useCreateIntegrationToken = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createIntegrationToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getIntegrationTokensQueryOptions().queryKey }),
  });
};
