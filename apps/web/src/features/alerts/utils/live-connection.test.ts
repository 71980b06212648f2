import { describe, expect, it } from 'vitest';
import {
  FIRST_MESSAGE_MS,
  getRetryDelay,
  INITIAL_LIVE_STATE,
  LIVE_SILENCE_MS,
  POLL_MS,
  RETRY_MAX_MS,
  RETRY_MIN_MS,
  type TLiveEvent,
  type TLiveState,
  transitionLiveConnection,
} from './live-connection';

const connecting: TLiveState = INITIAL_LIVE_STATE;
const live: TLiveState = { mode: 'live', failures: 0, isPolling: false };
const fallback = (failures: number): TLiveState => ({ mode: 'fallback', failures, isPolling: true });
const retrying = (failures: number): TLiveState => fallback(failures);

const step = (state: TLiveState, type: TLiveEvent['type']) => transitionLiveConnection(state, { type } as TLiveEvent);

/** Runs a sequence of events from the start and returns the last state. */
function run(...types: TLiveEvent['type'][]): TLiveState {
  return types.reduce((state, type) => step(state, type).state, INITIAL_LIVE_STATE);
}

describe('transitionLiveConnection', () => {
  it('start → connecting: opens the stream and gives it 10 s to say something', () => {
    expect(step(INITIAL_LIVE_STATE, 'start')).toEqual({
      state: connecting,
      effects: [{ type: 'openStream' }, { type: 'armSilenceTimer', ms: FIRST_MESSAGE_MS }],
    });
  });

  it('unsupported (no EventSource) → fallback: polls at once and every 20 s, never retries a stream', () => {
    expect(step(INITIAL_LIVE_STATE, 'unsupported')).toEqual({
      state: { mode: 'fallback', failures: 0, isPolling: true },
      effects: [{ type: 'startPolling', ms: POLL_MS }, { type: 'refresh' }],
    });
  });

  it('connecting + opened → the 10 s count restarts from the opening', () => {
    expect(step(connecting, 'opened')).toEqual({ state: connecting, effects: [{ type: 'armSilenceTimer', ms: FIRST_MESSAGE_MS }] });
  });

  it('connecting + message → live: no polling, silence allowed up to 75 s', () => {
    expect(step(connecting, 'message')).toEqual({ state: live, effects: [{ type: 'armSilenceTimer', ms: LIVE_SILENCE_MS }] });
  });

  it('connecting + silence (opened but buffered by a proxy) → fallback: poll now and every 20 s, retry in 2 s', () => {
    expect(step(connecting, 'silence')).toEqual({
      state: fallback(1),
      effects: [
        { type: 'closeStream' },
        { type: 'clearSilenceTimer' },
        { type: 'startPolling', ms: POLL_MS },
        { type: 'refresh' },
        { type: 'scheduleRetry', ms: RETRY_MIN_MS },
      ],
    });
  });

  it('connecting + failed (cannot open) → fallback, and the session is checked (a 401 looks like any error)', () => {
    expect(step(connecting, 'failed')).toEqual({
      state: fallback(1),
      effects: [
        { type: 'closeStream' },
        { type: 'clearSilenceTimer' },
        { type: 'checkSession' },
        { type: 'startPolling', ms: POLL_MS },
        { type: 'refresh' },
        { type: 'scheduleRetry', ms: RETRY_MIN_MS },
      ],
    });
  });

  it('live + failed → fallback with polling, the stream retried after back-off', () => {
    const { state, effects } = step(live, 'failed');
    expect(state).toEqual(fallback(1));
    expect(effects).toContainEqual({ type: 'startPolling', ms: POLL_MS });
    expect(effects).toContainEqual({ type: 'refresh' });
    expect(effects).toContainEqual({ type: 'scheduleRetry', ms: RETRY_MIN_MS });
  });

  it('live + message → live, the silence timer re-armed', () => {
    expect(step(live, 'message')).toEqual({ state: live, effects: [{ type: 'armSilenceTimer', ms: LIVE_SILENCE_MS }] });
  });

  it('live + silence (a stream that died without an error) → reopened at once, without polling', () => {
    expect(step(live, 'silence')).toEqual({
      state: connecting,
      effects: [{ type: 'closeStream' }, { type: 'openStream' }, { type: 'armSilenceTimer', ms: FIRST_MESSAGE_MS }],
    });
  });

  it('live + opened (a stray open event) → nothing', () => {
    expect(step(live, 'opened')).toEqual({ state: live, effects: [] });
  });

  it('fallback + retry → opens the stream again; polling goes on meanwhile', () => {
    expect(step(retrying(1), 'retry')).toEqual({
      state: retrying(1),
      effects: [{ type: 'openStream' }, { type: 'armSilenceTimer', ms: FIRST_MESSAGE_MS }],
    });
  });

  it('fallback + message (the retried stream delivers) → live, polling stops, failures reset', () => {
    expect(step(retrying(3), 'message')).toEqual({
      state: live,
      effects: [{ type: 'armSilenceTimer', ms: LIVE_SILENCE_MS }, { type: 'stopPolling' }],
    });
  });

  it('fallback + failed again → a longer back-off, polling not restarted (it is running)', () => {
    expect(step(retrying(1), 'failed')).toEqual({
      state: fallback(2),
      effects: [
        { type: 'closeStream' },
        { type: 'clearSilenceTimer' },
        { type: 'checkSession' },
        { type: 'scheduleRetry', ms: 2 * RETRY_MIN_MS },
      ],
    });
  });

  it('fallback + silence again (still buffered) → a longer back-off, still polling', () => {
    expect(step(retrying(2), 'silence')).toEqual({
      state: fallback(3),
      effects: [{ type: 'closeStream' }, { type: 'clearSilenceTimer' }, { type: 'scheduleRetry', ms: 4 * RETRY_MIN_MS }],
    });
  });

  it('poll → refresh while polling, nothing once live', () => {
    expect(step(fallback(1), 'poll')).toEqual({ state: fallback(1), effects: [{ type: 'refresh' }] });
    expect(step(live, 'poll')).toEqual({ state: live, effects: [] });
  });

  it('retry after the stream came back by itself → nothing', () => {
    expect(step(live, 'retry')).toEqual({ state: live, effects: [] });
  });

  it('a proxy that always buffers: polling the whole time, retries spaced out up to a minute', () => {
    const state = run('start', 'opened', 'silence', 'retry', 'opened', 'silence', 'retry', 'silence');
    expect(state).toEqual(fallback(3));
    expect(state.isPolling).toBe(true);
  });

  it('a network that comes back: fallback, then live again with polling off', () => {
    expect(run('start', 'failed', 'poll', 'retry', 'failed', 'retry', 'opened', 'message')).toEqual(live);
  });
});

describe('getRetryDelay', () => {
  it('doubles from 2 s and stops at one minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(getRetryDelay)).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, RETRY_MAX_MS, RETRY_MAX_MS]);
    expect(getRetryDelay(1000)).toBe(RETRY_MAX_MS);
  });
});
