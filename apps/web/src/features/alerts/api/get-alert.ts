import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TAlert } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';

/** One of my alerts, with who raised it (GET /api/alerts/:id; 404 when it is not mine or was removed). */
export const getAlert = (alertId: number, { signal }: { signal?: AbortSignal } = {}): Promise<TAlert> =>
  api.get<TAlert>(`/api/alerts/${alertId}`, { signal });

export const getAlertQueryOptions = (alertId: number) =>
  queryOptions({
    queryKey: ['alerts', 'detail', alertId],
    queryFn: ({ signal }) => getAlert(alertId, { signal }),
  });

export const useAlert = (alertId: number) => useQuery(getAlertQueryOptions(alertId));
