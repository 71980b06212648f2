import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreatedToken, ZCreateTokenBody } from '@tocsin/contract/auth';
import type { z } from 'zod';
import { api } from '../../../lib/api-client';
import { getTokensQueryOptions } from './get-tokens';

export const createToken = (body: z.input<typeof ZCreateTokenBody>): Promise<TCreatedToken> =>
  api.post<TCreatedToken>('/api/me/tokens', body);

export const useCreateToken = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getTokensQueryOptions().queryKey }),
  });
};
