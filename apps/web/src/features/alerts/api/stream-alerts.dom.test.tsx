/**
 * The stream hook against a scripted EventSource and a fake clock: what the tab does when the stream is
 * buffered, drops, comes back, or does not exist. The state machine itself is tested in utils/.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockApi } from '../../../testing/render';
import { FIRST_MESSAGE_MS, LIVE_SILENCE_MS, POLL_MS, RETRY_MIN_MS } from '../utils/live-connection';
import { useAlertsSummary } from './get-alerts-summary';
import { useAlertStream } from './stream-alerts';

class FakeEventSource {
  static instances: FakeEventSource[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = FakeEventSource.CONNECTING;
  isClosed = false;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close() {
    this.isClosed = true;
    this.readyState = FakeEventSource.CLOSED;
  }

  emit(type: string, data = '') {
    for (const listener of this.listeners.get(type) ?? []) listener({ data } as MessageEvent<string>);
  }
}

const SUMMARY = { count: 1, items: [{ id: 5, title: 'A', description: '', url: '/alerts', source: 'x', icon: 'bell', created: '' }] };
const UNCHANGED = JSON.stringify({ count: 1, latest_id: 5 });

function Harness() {
  useAlertStream();
  useAlertsSummary();
  return null;
}

function setup() {
  const api = mockApi({ 'GET /api/alerts/summary': () => ({ body: SUMMARY }), 'GET /api/auth/me': () => ({ status: 401, body: {} }) });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } } });
  render(
    <QueryClientProvider client={queryClient}>
      <Harness />
    </QueryClientProvider>,
  );
  const summaryFetches = () => api.requests.filter((r) => r.path.startsWith('/api/alerts/summary')).length;
  const latest = () => FakeEventSource.instances.at(-1)!;
  return { summaryFetches, latest };
}

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('useAlertStream', () => {
  it('a stream buffered by a proxy: polls from 10 s after opening, every 20 s, while retrying the stream', async () => {
    const { summaryFetches, latest } = setup();
    await advance(0);
    const first = latest();
    expect(summaryFetches()).toBe(1); // the bell's own first load
    first.emit('open');

    await advance(FIRST_MESSAGE_MS - 1);
    expect(first.isClosed).toBe(false);
    expect(summaryFetches()).toBe(1);
    await advance(1);
    expect(first.isClosed).toBe(true);
    expect(summaryFetches()).toBe(2); // fetched at once on falling back

    await advance(RETRY_MIN_MS);
    expect(FakeEventSource.instances).toHaveLength(2);
    await advance(POLL_MS - RETRY_MIN_MS);
    expect(summaryFetches()).toBe(3); // and polled
    await advance(POLL_MS);
    expect(summaryFetches()).toBe(4);
  });

  it('stops polling as soon as a retried stream delivers', async () => {
    const { summaryFetches, latest } = setup();
    await advance(0);
    latest().emit('error');
    await advance(0);
    expect(summaryFetches()).toBe(2);
    await advance(RETRY_MIN_MS);
    latest().emit('open');
    latest().emit('alerts', UNCHANGED);
    const fetchesWhenLive = summaryFetches();
    await advance(POLL_MS * 3);
    expect(summaryFetches()).toBe(fetchesWhenLive);
    expect(latest().isClosed).toBe(false);
  });

  it('reopens a live stream that has been silent for 75 s, without polling', async () => {
    const { summaryFetches, latest } = setup();
    await advance(0);
    const first = latest();
    first.emit('open');
    first.emit('alerts', UNCHANGED);
    await advance(LIVE_SILENCE_MS);
    expect(first.isClosed).toBe(true);
    expect(FakeEventSource.instances).toHaveLength(2);
    latest().emit('alerts', UNCHANGED);
    await advance(POLL_MS * 2);
    expect(summaryFetches()).toBe(1);
  });

  it('a named ping event keeps an idle live stream open', async () => {
    const { latest } = setup();
    await advance(0);
    const first = latest();
    first.emit('alerts', UNCHANGED);
    for (let i = 0; i < 4; i += 1) {
      await advance(25_000);
      first.emit('ping');
    }
    expect(first.isClosed).toBe(false);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('a message with a new count updates every alerts query', async () => {
    const { summaryFetches, latest } = setup();
    await advance(0);
    latest().emit('alerts', JSON.stringify({ count: 2, latest_id: 6 }));
    await advance(0);
    expect(summaryFetches()).toBe(2);
  });

  it('without EventSource, polls every 20 s', async () => {
    vi.stubGlobal('EventSource', undefined);
    const { summaryFetches } = setup();
    await advance(0);
    const start = summaryFetches();
    await advance(POLL_MS * 2);
    expect(summaryFetches()).toBe(start + 2);
    expect(FakeEventSource.instances).toHaveLength(0);
  });
});
