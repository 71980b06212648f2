import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TSlaConfigurationBody } from '@tocsin/contract/findings';
import type { TSlaConfiguration } from '@tocsin/contract/findings-api';
import { api } from '../../../lib/api-client';
import { getSlaConfigurationsQueryOptions } from './get-sla-configurations';

/** POST a new configuration, or PUT one by id. */
export const saveSlaConfiguration = ({ id, body }: { id: number | null; body: TSlaConfigurationBody }) =>
  id === null
    ? api.post<TSlaConfiguration>('/api/sla-configurations', body)
    : api.put<TSlaConfiguration>(`/api/sla-configurations/${id}`, body);

export const useSaveSlaConfiguration = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveSlaConfiguration,
    // Products using it get new expiries: every SLA read is stale, not only the list.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getSlaConfigurationsQueryOptions().queryKey.slice(0, 1) }),
  });
};
