import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TAlertsSeen } from '@tocsin/contract/alerts';
import { api } from '../../../lib/api-client';
import { updateCachedAlertSummaries } from './get-alerts-summary';

/**
 * "I have looked": the newest alert the bell or the Alerts page showed. The server keeps the highest mark it was
 * given. Lists on screen keep their "New" marks until they next load, so the person still sees what was new.
 */
export const markAlertsSeen = (throughId: number): Promise<TAlertsSeen> =>
  api.post<TAlertsSeen>('/api/alerts/seen', { through_id: throughId });

export function useMarkAlertsSeen() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markAlertsSeen,
    onSuccess: (seen) => {
      updateCachedAlertSummaries(queryClient, (old) => ({ ...old, new_count: seen.new_count, seen_through_id: seen.seen_through_id }));
    },
  });
}
