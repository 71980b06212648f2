import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TTestResult } from '@tocsin/contract/system-settings';
import { api } from '../../../lib/api-client';
import { getDestinationsQueryOptions } from './get-destinations';

/** A real test message now; a refusal comes back as `ok: false` with the provider's words. */
export const testDestination = (id: number): Promise<TTestResult> => api.post<TTestResult>(`/api/destinations/${id}/test`);

export const useTestDestination = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: testDestination,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getDestinationsQueryOptions().queryKey }),
  });
};
