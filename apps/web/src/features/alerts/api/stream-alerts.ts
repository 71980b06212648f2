/**
 * One EventSource per tab on GET /api/alerts/stream. Each `alerts` message carries the current count:
 * the bell shows it at once and every alerts query refetches, so new alerts and removals made in
 * another tab appear without a reload.
 */

import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { type TAlertSummary, ZAlertStreamMessage } from '@tocsin/contract/alerts';
import { useEffect } from 'react';
import { sessionQueryKey } from '../../../lib/auth';
import { alertsQueryKey, alertsSummaryQueryKey } from './get-alerts-summary';

export const ALERTS_STREAM_URL = '/api/alerts/stream';

const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;

/** Applies one stream message to the cache. Returns false for a payload that is not a stream message. */
export function applyAlertStreamMessage(queryClient: QueryClient, data: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return false;
  }
  const parsed = ZAlertStreamMessage.safeParse(json);
  if (!parsed.success) return false;
  const { count, latest_id: latestId } = parsed.data;
  const current = queryClient.getQueryData<TAlertSummary>(alertsSummaryQueryKey);
  // The first message after (re)connecting usually repeats what the bell already shows: nothing to refetch.
  if (current && current.count === count && (current.items[0]?.id ?? null) === latestId) return true;
  queryClient.setQueryData<TAlertSummary>(alertsSummaryQueryKey, (old) => (old ? { ...old, count } : old));
  void queryClient.invalidateQueries({ queryKey: alertsQueryKey });
  return true;
}

export function useAlertStream() {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let retryMs = RETRY_MIN_MS;
    let isStopped = false;

    const connect = () => {
      source = new EventSource(ALERTS_STREAM_URL, { withCredentials: true });
      source.addEventListener('open', () => {
        retryMs = RETRY_MIN_MS;
      });
      source.addEventListener('alerts', (event) => {
        applyAlertStreamMessage(queryClient, (event as MessageEvent<string>).data);
      });
      source.addEventListener('error', () => {
        // EventSource retries dropped connections by itself; it gives up (CLOSED) on an HTTP error
        // answer, e.g. 401 when the session ended. Check the session and try again later.
        if (source?.readyState !== EventSource.CLOSED || isStopped) return;
        source.close();
        void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
        retryTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      });
    };

    connect();
    return () => {
      isStopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      source?.close();
    };
  }, [queryClient]);
}
