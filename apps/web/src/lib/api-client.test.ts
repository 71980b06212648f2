import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, setCsrfToken, setUnauthorizedHandler } from './api-client';

type TCall = { url: string; init: RequestInit };

function mockFetch(respond: (call: TCall) => Response) {
  const calls: TCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const call = { url, init };
      calls.push(call);
      return respond(call);
    }),
  );
  return calls;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

beforeEach(() => {
  setCsrfToken(null);
  setUnauthorizedHandler(null);
});

describe('api client', () => {
  it('returns the parsed JSON of a successful answer', async () => {
    const calls = mockFetch(() => json(200, { count: 3, items: [] }));
    await expect(api.get('/api/alerts/summary')).resolves.toEqual({ count: 3, items: [] });
    expect(calls[0]?.init.credentials).toBe('same-origin');
    expect(calls[0]?.init.method).toBe('GET');
  });

  it('sends JSON bodies and the CSRF token on writes only', async () => {
    setCsrfToken('tok-123');
    const calls = mockFetch(() => json(200, { removed: 2, count: 1 }));
    await api.post('/api/alerts/remove', { ids: [1, 2] });
    await api.get('/api/alerts');
    const [write, read] = calls;
    const writeHeaders = write?.init.headers as Record<string, string>;
    expect(writeHeaders['X-CSRF-Token']).toBe('tok-123');
    expect(writeHeaders['Content-Type']).toBe('application/json');
    expect(write?.init.body).toBe('{"ids":[1,2]}');
    const readHeaders = (read?.init.headers ?? {}) as Record<string, string>;
    expect(readHeaders['X-CSRF-Token']).toBeUndefined();
  });

  it('sends a FormData body as it is, leaving the multipart Content-Type to the browser', async () => {
    setCsrfToken('tok-123');
    const calls = mockFetch(() => json(201, { test_id: 4 }));
    const form = new FormData();
    form.set('product_id', '3');
    await expect(api.postForm('/api/imports', form)).resolves.toEqual({ test_id: 4 });
    const headers = calls[0]?.init.headers as Record<string, string>;
    expect(headers['Content-Type']).toBeUndefined();
    expect(headers['X-CSRF-Token']).toBe('tok-123');
    expect(calls[0]?.init.body).toBe(form);
  });

  it('unwraps the BFF error shape into an ApiError with the server message', async () => {
    mockFetch(() =>
      json(400, { error: { code: 'validation_failed', message: 'ids: Select at least one alert', details: [{ path: 'ids' }] } }),
    );
    const error = await api.post('/api/alerts/remove', { ids: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'ids: Select at least one alert',
      details: [{ path: 'ids' }],
    });
  });

  it('gives a readable message when the answer is not the error shape', async () => {
    mockFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const error = (await api.get('/api/alerts').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_error');
    expect(error.message).toMatch(/HTTP 502/);
  });

  it('reports an unreachable server as a network error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    await expect(api.get('/api/alerts')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('returns undefined for 204 No Content', async () => {
    mockFetch(() => new Response(null, { status: 204 }));
    await expect(api.delete('/api/x')).resolves.toBeUndefined();
  });

  it('calls the unauthorized handler on 401, except for login and the session probe', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    mockFetch(() => json(401, { error: { code: 'unauthorized', message: 'Log in to continue.' } }));
    await expect(api.post('/api/auth/login', { username: 'a', password: 'b' })).rejects.toMatchObject({ status: 401 });
    await expect(api.get('/api/auth/me')).rejects.toMatchObject({ status: 401 });
    expect(handler).not.toHaveBeenCalled();
    await expect(api.get('/api/alerts?page=1')).rejects.toMatchObject({ message: 'Log in to continue.' });
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
