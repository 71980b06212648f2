import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TSavedWebhook, TUpdateWebhookBody } from '@tocsin/contract/webhooks';
import { api } from '../../../lib/api-client';
import { getWebhooksQueryOptions } from './get-webhooks';

/** The edited endpoint is pinged first; nothing is saved if it refuses. A new URL may come back with a new signing secret, once. */
export const updateWebhook = ({ id, body }: { id: number; body: TUpdateWebhookBody }): Promise<TSavedWebhook> =>
  api.patch<TSavedWebhook>(`/api/webhooks/${id}`, body);

export const useUpdateWebhook = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getWebhooksQueryOptions().queryKey }),
  });
};
