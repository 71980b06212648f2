/**
 * Live alert counts: one EventSource per tab on GET /api/alerts/stream. Each `alerts` message carries
 * the current count and how many are new: the bell shows them at once and every alerts query refetches, so new alerts and
 * removals made in another tab appear without a reload. When the stream cannot deliver, the tab polls;
 * utils/live-connection.ts decides when, and this hook only carries out its effects.
 */

import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { ZAlertStreamMessage } from '@tocsin/contract/alerts';
import { useEffect } from 'react';
import { sessionQueryKey } from '../../../lib/auth';
import { INITIAL_LIVE_STATE, type TLiveEffect, type TLiveEvent, transitionLiveConnection } from '../utils/live-connection';
import { alertsQueryKey, getCachedAlertSummary, updateCachedAlertSummaries } from './get-alerts-summary';

export const ALERTS_STREAM_URL = '/api/alerts/stream';

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
  const { count, latest_id: latestId, new_count: newCount } = parsed.data;
  const current = getCachedAlertSummary(queryClient);
  // The first message after (re)connecting usually repeats what the bell already shows: nothing to refetch.
  // A changed new count alone (the list was looked at in another tab) needs no refetch either.
  if (current && current.count === count && (current.items[0]?.id ?? null) === latestId) {
    if (current.new_count !== newCount) updateCachedAlertSummaries(queryClient, (old) => ({ ...old, new_count: newCount }));
    return true;
  }
  updateCachedAlertSummaries(queryClient, (old) => ({ ...old, count, new_count: newCount }));
  void queryClient.invalidateQueries({ queryKey: alertsQueryKey });
  return true;
}

export function useAlertStream() {
  const queryClient = useQueryClient();

  useEffect(() => {
    let state = INITIAL_LIVE_STATE;
    let source: EventSource | null = null;
    let silenceTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pollTimer: ReturnType<typeof setInterval> | undefined;
    let isStopped = false;

    const send = (event: TLiveEvent) => {
      if (isStopped) return;
      const next = transitionLiveConnection(state, event);
      state = next.state;
      for (const effect of next.effects) run(effect);
    };

    const openStream = () => {
      source?.close();
      const opened = new EventSource(ALERTS_STREAM_URL, { withCredentials: true });
      source = opened;
      // Events of a stream already replaced are ignored.
      opened.addEventListener('open', () => source === opened && send({ type: 'opened' }));
      opened.addEventListener('alerts', (event) => {
        if (source !== opened) return;
        applyAlertStreamMessage(queryClient, (event as MessageEvent<string>).data);
        send({ type: 'message' });
      });
      // A keep-alive the BFF may send as a named event (a comment line is invisible here): proof of life.
      opened.addEventListener('ping', () => source === opened && send({ type: 'message' }));
      // EventSource would retry by itself at its own pace; the state machine owns retries instead.
      opened.addEventListener('error', () => source === opened && send({ type: 'failed' }));
    };

    const run = (effect: TLiveEffect) => {
      switch (effect.type) {
        case 'openStream':
          openStream();
          break;
        case 'closeStream':
          source?.close();
          source = null;
          break;
        case 'armSilenceTimer':
          clearTimeout(silenceTimer);
          silenceTimer = setTimeout(() => send({ type: 'silence' }), effect.ms);
          break;
        case 'clearSilenceTimer':
          clearTimeout(silenceTimer);
          break;
        case 'scheduleRetry':
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => send({ type: 'retry' }), effect.ms);
          break;
        case 'startPolling':
          clearInterval(pollTimer);
          pollTimer = setInterval(() => send({ type: 'poll' }), effect.ms);
          break;
        case 'stopPolling':
          clearInterval(pollTimer);
          break;
        case 'refresh':
          void queryClient.invalidateQueries({ queryKey: alertsQueryKey });
          break;
        case 'checkSession':
          void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
          break;
      }
    };

    send({ type: typeof EventSource === 'undefined' ? 'unsupported' : 'start' });
    return () => {
      isStopped = true;
      clearTimeout(silenceTimer);
      clearTimeout(retryTimer);
      clearInterval(pollTimer);
      source?.close();
    };
  }, [queryClient]);
}
