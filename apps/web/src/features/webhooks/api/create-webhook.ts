import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreateWebhookBody, TSavedWebhook } from '@tocsin/contract/webhooks';
import { api } from '../../../lib/api-client';
import { getWebhooksQueryOptions } from './get-webhooks';

/**
 * The BFF pings the endpoint first; a refused ping is a 400 whose message says why (with the receiver's words for
 * superusers). Without a signing secret, the answer carries the generated one, once.
 */
export const createWebhook = (body: TCreateWebhookBody): Promise<TSavedWebhook> => api.post<TSavedWebhook>('/api/webhooks', body);

export const useCreateWebhook = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getWebhooksQueryOptions().queryKey }),
  });
};
