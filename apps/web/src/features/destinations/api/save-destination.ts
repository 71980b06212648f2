import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TDestination, TDestinationBody } from '@tocsin/contract/rules';
import { api } from '../../../lib/api-client';
import { getDestinationsQueryOptions } from './get-destinations';

/** A new destination (POST) or the whole destination replaced (PUT); secrets left out are kept. */
export const saveDestination = ({ id, body }: { id: number | null; body: TDestinationBody }): Promise<TDestination> =>
  id === null ? api.post<TDestination>('/api/destinations', body) : api.put<TDestination>(`/api/destinations/${id}`, body);

export const useSaveDestination = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveDestination,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getDestinationsQueryOptions().queryKey }),
  });
};
