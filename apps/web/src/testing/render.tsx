/**
 * Test harness for DOM tests: the app's providers around one component, and a fetch that answers like the
 * BFF from a table of routes, recording every request so a test can assert what was sent.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { vi } from 'vitest';
import { ToastProvider } from '../components/toast';

export type TRecordedRequest = { method: string; path: string; body: unknown };
type THandler = (request: TRecordedRequest) => { status?: number; body?: unknown } | undefined;

/** Routes "GET /api/alerts" → handler. The first handler whose key matches method and path (without query) answers. */
export function mockApi(routes: Record<string, THandler>) {
  const requests: TRecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const url = new URL(input, 'http://localhost');
    const request = { method, path: `${url.pathname}${url.search}`, body: init.body ? JSON.parse(String(init.body)) : undefined };
    requests.push(request);
    const handler = routes[`${method} ${url.pathname}`];
    const answer = handler?.(request);
    if (!answer) {
      return new Response(JSON.stringify({ error: { code: 'not_found', message: `No route for ${method} ${url.pathname}.` } }), {
        status: 404,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    return new Response(JSON.stringify(answer.body ?? null), {
      status: answer.status ?? 200,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetchMock };
}

export function renderWithProviders(ui: ReactElement, { route = '/' }: { route?: string } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 0 }, mutations: { retry: false } } });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
