import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TWebhook } from '@tocsin/contract/webhooks';
import { api } from '../../../lib/api-client';
import { getWebhooksQueryOptions } from './get-webhooks';

export const deactivateWebhook = (id: number): Promise<TWebhook> => api.post<TWebhook>(`/api/webhooks/${id}/deactivate`);

export const useDeactivateWebhook = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deactivateWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getWebhooksQueryOptions().queryKey }),
  });
};
