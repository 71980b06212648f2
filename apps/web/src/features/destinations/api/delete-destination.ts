import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { getDestinationsQueryOptions } from './get-destinations';

export const deleteDestination = (id: number): Promise<void> => api.delete<void>(`/api/destinations/${id}`);

export const useDeleteDestination = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteDestination,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getDestinationsQueryOptions().queryKey }),
  });
};
