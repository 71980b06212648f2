import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TRemoveAlertsBody, TRemovedAlerts } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';
import { alertsQueryKey, updateCachedAlertSummaries } from './get-alerts-summary';

export function removeAlerts(body: TRemoveAlertsBody): Promise<TRemovedAlerts> {
  return api.post<TRemovedAlerts>('/api/alerts/remove', body);
}

export function useRemoveAlerts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeAlerts,
    onSuccess: (result, body) => {
      // The bell follows at once from the answer; the refetch then brings the lists in line.
      const removedIds = new Set(body.ids);
      updateCachedAlertSummaries(queryClient, (old) => ({
        ...old,
        count: result.count,
        items: old.items.filter((a) => !removedIds.has(a.id)),
      }));
      return queryClient.invalidateQueries({ queryKey: alertsQueryKey });
    },
  });
}
