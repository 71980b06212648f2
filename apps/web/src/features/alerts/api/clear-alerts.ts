import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TClearedAlerts } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';
import { alertsQueryKey, updateCachedAlertSummaries } from './get-alerts-summary';

/**
 * Removes every alert in the caller's list (the bell and the Alerts page alike). The answer names the
 * removed ids when the BFF provides them (`ids`), which is what makes Clear all undoable.
 */
export function clearAlerts(): Promise<TClearedAlerts> {
  return api.delete<TClearedAlerts>('/api/alerts');
}

export function useClearAlerts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: clearAlerts,
    onSuccess: (result) => {
      // An alert created while clearing stays in the count; the refetch lists it.
      updateCachedAlertSummaries(queryClient, (old) => ({ ...old, count: result.count, items: result.count === 0 ? [] : old.items }));
      return queryClient.invalidateQueries({ queryKey: alertsQueryKey });
    },
  });
}
