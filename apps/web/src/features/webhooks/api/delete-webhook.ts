import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { getWebhooksQueryOptions } from './get-webhooks';

export const deleteWebhook = (id: number): Promise<void> => api.delete<void>(`/api/webhooks/${id}`);

export const useDeleteWebhook = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getWebhooksQueryOptions().queryKey }),
  });
};
