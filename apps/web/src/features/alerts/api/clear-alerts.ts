import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TAlertSummary, TRemovedAlerts } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';
import { alertsQueryKey, alertsSummaryQueryKey } from './get-alerts-summary';

/** Removes every alert in the caller's list (the bell and the Alerts page alike). */
export function clearAlerts(): Promise<TRemovedAlerts> {
  return api.delete<TRemovedAlerts>('/api/alerts');
}

export function useClearAlerts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: clearAlerts,
    onSuccess: (result) => {
      // An alert created while clearing stays in the count; the refetch lists it.
      queryClient.setQueryData<TAlertSummary>(alertsSummaryQueryKey, (old) => ({
        count: result.count,
        items: result.count === 0 ? [] : (old?.items ?? []),
      }));
      return queryClient.invalidateQueries({ queryKey: alertsQueryKey });
    },
  });
}
