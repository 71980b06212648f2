/**
 * How the SPA keeps the bell current over real networks, as a pure state machine: the caller feeds it
 * what happened (the stream opened, a message came, an error, a timer fired) and carries out the effects
 * it answers with (open or close the EventSource, arm timers, fetch the summary now).
 *
 * - A stream that delivers is `live`: no polling.
 * - A stream that cannot open, fails, or opens but stays silent (a proxy buffering the response) puts the
 *   tab in `fallback`: the summary is fetched at once and then every POLL_MS, while the stream is retried
 *   with back-off. The first message on a retried stream ends the fallback.
 * - The BFF sends an `alerts` message on connect and on every change. A live stream that has said nothing
 *   for LIVE_SILENCE_MS is reconnected, and the message on connect brings the bell in line, so a stream
 *   that died without an error leaves the bell stale for about a minute at most, never for many.
 */

export type TLiveMode = 'connecting' | 'live' | 'fallback';

export type TLiveState = {
  mode: TLiveMode;
  /** Connection attempts that failed or stayed silent in a row: the back-off grows with them. */
  failures: number;
  isPolling: boolean;
};

export type TLiveEvent =
  /** The hook starts (EventSource is available). */
  | { type: 'start' }
  /** The browser has no EventSource: poll only. */
  | { type: 'unsupported' }
  | { type: 'opened' }
  | { type: 'message' }
  | { type: 'failed' }
  /** The silence timer fired: no message within FIRST_MESSAGE_MS of opening, or LIVE_SILENCE_MS while live. */
  | { type: 'silence' }
  /** The back-off timer fired: time to open the stream again. */
  | { type: 'retry' }
  /** The polling timer fired. */
  | { type: 'poll' };

export type TLiveEffect =
  | { type: 'openStream' }
  | { type: 'closeStream' }
  /** (Re)arm the one silence timer. */
  | { type: 'armSilenceTimer'; ms: number }
  | { type: 'clearSilenceTimer' }
  | { type: 'scheduleRetry'; ms: number }
  | { type: 'startPolling'; ms: number }
  | { type: 'stopPolling' }
  /** Fetch the summary (and the page's list) now. */
  | { type: 'refresh' }
  /** An error may mean the session ended (EventSource does not expose the 401): ask who is logged in. */
  | { type: 'checkSession' };

/** A stream that does not say anything this long after opening is treated as buffered. */
export const FIRST_MESSAGE_MS = 10_000;
/** A live stream silent this long is reconnected (the BFF's keep-alive comments are invisible to EventSource). */
export const LIVE_SILENCE_MS = 75_000;
/** Polling interval while the stream is down. */
export const POLL_MS = 20_000;
export const RETRY_MIN_MS = 2_000;
export const RETRY_MAX_MS = 60_000;

export const INITIAL_LIVE_STATE: TLiveState = { mode: 'connecting', failures: 0, isPolling: false };

/** 2 s, 4 s, 8 s … up to a minute, by the number of failures in a row (1 = the first). */
export function getRetryDelay(failures: number): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(RETRY_MIN_MS * 2 ** Math.min(exponent, 16), RETRY_MAX_MS);
}

type TTransition = { state: TLiveState; effects: TLiveEffect[] };

function connect(state: TLiveState): TTransition {
  return { state: { ...state, mode: 'connecting' }, effects: [{ type: 'openStream' }, { type: 'armSilenceTimer', ms: FIRST_MESSAGE_MS }] };
}

/** The stream is down: poll (fetching at once when polling starts) and retry the stream later. */
function fallBack(state: TLiveState, extra: TLiveEffect[]): TTransition {
  const failures = state.failures + 1;
  const effects: TLiveEffect[] = [{ type: 'closeStream' }, { type: 'clearSilenceTimer' }, ...extra];
  if (!state.isPolling) effects.push({ type: 'startPolling', ms: POLL_MS }, { type: 'refresh' });
  effects.push({ type: 'scheduleRetry', ms: getRetryDelay(failures) });
  return { state: { mode: 'fallback', failures, isPolling: true }, effects };
}

export function transitionLiveConnection(state: TLiveState, event: TLiveEvent): TTransition {
  switch (event.type) {
    case 'start':
      return connect(INITIAL_LIVE_STATE);
    case 'unsupported':
      return {
        state: { mode: 'fallback', failures: 0, isPolling: true },
        effects: [{ type: 'startPolling', ms: POLL_MS }, { type: 'refresh' }],
      };
    case 'opened':
      // Headers arrived; the BFF's first message follows at once unless something buffers it.
      if (state.mode === 'live') return { state, effects: [] };
      return { state, effects: [{ type: 'armSilenceTimer', ms: FIRST_MESSAGE_MS }] };
    case 'message': {
      const effects: TLiveEffect[] = [{ type: 'armSilenceTimer', ms: LIVE_SILENCE_MS }];
      if (state.isPolling) effects.push({ type: 'stopPolling' });
      return { state: { mode: 'live', failures: 0, isPolling: false }, effects };
    }
    case 'failed':
      return fallBack(state, [{ type: 'checkSession' }]);
    case 'silence':
      // A live stream that went quiet is reopened straight away: its first message resynchronises the bell.
      if (state.mode === 'live') {
        const reconnect = connect(state);
        return { state: reconnect.state, effects: [{ type: 'closeStream' }, ...reconnect.effects] };
      }
      return fallBack(state, []);
    case 'retry':
      if (state.mode !== 'fallback') return { state, effects: [] };
      // Polling goes on until the new stream has delivered a message.
      return { state, effects: [{ type: 'openStream' }, { type: 'armSilenceTimer', ms: FIRST_MESSAGE_MS }] };
    case 'poll':
      return { state, effects: state.isPolling ? [{ type: 'refresh' }] : [] };
  }
}
