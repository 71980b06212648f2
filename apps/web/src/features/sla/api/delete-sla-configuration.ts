import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { getSlaConfigurationsQueryOptions } from './get-sla-configurations';

export const deleteSlaConfiguration = (id: number) => api.delete<void>(`/api/sla-configurations/${id}`);

export const useDeleteSlaConfiguration = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSlaConfiguration,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getSlaConfigurationsQueryOptions().queryKey }),
  });
};
