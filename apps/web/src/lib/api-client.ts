/**
 * The one HTTP client of the SPA. JSON in and out, same-origin cookies, the session's CSRF token on
 * writes, and every failure turned into an ApiError carrying the BFF's own message.
 */
// Before the contract's schemas are built (this module is in the first chunk that builds them).
import './zod-config';
import { ZApiError } from '@tocsin/contract/errors';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type TUnauthorizedHandler = () => void;

let csrfToken: string | null = null;
let onUnauthorized: TUnauthorizedHandler | null = null;

/** Kept in memory only: it comes with every session answer (login and GET /api/auth/me). */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Called when a request answers 401 (the session ended): the app shows the login page. */
export function setUnauthorizedHandler(handler: TUnauthorizedHandler | null) {
  onUnauthorized = handler;
}

// Their 401 is an answer (bad password, no session yet), not a session that just ended.
const SESSION_PROBES = ['/api/auth/login', '/api/auth/me'];

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type TRequestOptions = { signal?: AbortSignal; headers?: Record<string, string> };

/** Turns a failed response into an ApiError, using the BFF's `{ error: { code, message, details } }` when present. */
export async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const parsed = ZApiError.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(response.status, code, message, details);
  }
  const fallback =
    response.status >= 500
      ? `The server could not complete the request (HTTP ${response.status}). Try again in a moment.`
      : `The request failed (HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}).`;
  return new ApiError(response.status, 'http_error', fallback);
}

export async function request<T>(method: string, url: string, body?: unknown, options: TRequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  // A FormData body (a file upload) sets its own multipart Content-Type with the boundary.
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
  if (WRITE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }

  if (!response.ok) {
    const error = await toApiError(response);
    const path = url.split('?')[0] ?? url;
    if (response.status === 401 && !SESSION_PROBES.includes(path)) onUnauthorized?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(url: string, options?: TRequestOptions) => request<T>('GET', url, undefined, options),
  post: <T>(url: string, body?: unknown, options?: TRequestOptions) => request<T>('POST', url, body, options),
  /** multipart/form-data, for file uploads. */
  postForm: <T>(url: string, form: FormData, options?: TRequestOptions) => request<T>('POST', url, form, options),
  put: <T>(url: string, body?: unknown, options?: TRequestOptions) => request<T>('PUT', url, body, options),
  patch: <T>(url: string, body?: unknown, options?: TRequestOptions) => request<T>('PATCH', url, body, options),
  delete: <T>(url: string, body?: unknown, options?: TRequestOptions) => request<T>('DELETE', url, body, options),
};

/** A person-readable message for any thrown value. */
export function getErrorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}
