import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RESTORE_ALERTS_MAX_IDS, type TRestoredAlerts } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';
import { alertsQueryKey, updateCachedAlertSummaries } from './get-alerts-summary';

/**
 * Undo: puts back alerts this user removed a moment ago (POST /api/alerts/restore). A Clear all of a
 * long list is restored in chunks the endpoint accepts; the last answer carries the current count.
 */
export async function restoreAlerts(ids: readonly number[]): Promise<TRestoredAlerts> {
  let result: TRestoredAlerts = { restored: 0, count: 0 };
  for (let start = 0; start < ids.length; start += RESTORE_ALERTS_MAX_IDS) {
    const answer = await api.post<TRestoredAlerts>('/api/alerts/restore', { ids: ids.slice(start, start + RESTORE_ALERTS_MAX_IDS) });
    result = { restored: result.restored + answer.restored, count: answer.count };
  }
  return result;
}

export function useRestoreAlerts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: restoreAlerts,
    onSuccess: (result) => {
      updateCachedAlertSummaries(queryClient, (old) => ({ ...old, count: result.count }));
      return queryClient.invalidateQueries({ queryKey: alertsQueryKey });
    },
  });
}
