import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TCreateWebhookBody, TWebhook } from '@tocsin/contract/webhooks';
import { api } from '../../../lib/api-client';
import { getWebhooksQueryOptions } from './get-webhooks';

/** The BFF pings the endpoint first; a refused ping is a 400 whose message carries the receiver's error. */
export const createWebhook = (body: TCreateWebhookBody): Promise<TWebhook> => api.post<TWebhook>('/api/webhooks', body);

export const useCreateWebhook = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getWebhooksQueryOptions().queryKey }),
  });
};
