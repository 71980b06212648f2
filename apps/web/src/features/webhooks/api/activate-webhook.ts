import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TWebhook } from '@tocsin/contract/webhooks';
import { api } from '../../../lib/api-client';
import { getWebhooksQueryOptions } from './get-webhooks';

export const activateWebhook = (id: number): Promise<TWebhook> => api.post<TWebhook>(`/api/webhooks/${id}/activate`);

export const useActivateWebhook = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: activateWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getWebhooksQueryOptions().queryKey }),
  });
};
