import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TUpdateWebhookBody, TWebhook } from '@tocsin/contract/webhooks';
import { api } from '../../../lib/api-client';
import { getWebhooksQueryOptions } from './get-webhooks';

/** The edited endpoint is pinged first; nothing is saved if it refuses. */
export const updateWebhook = ({ id, body }: { id: number; body: TUpdateWebhookBody }): Promise<TWebhook> =>
  api.patch<TWebhook>(`/api/webhooks/${id}`, body);

export const useUpdateWebhook = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getWebhooksQueryOptions().queryKey }),
  });
};
