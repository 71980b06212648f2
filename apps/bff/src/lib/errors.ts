/** One error shape for every 4xx/5xx: { error: { code, message, details? } }. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { isStorageUnavailable } from '../db/errors';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'bad_request', message, details);
export const unauthorized = (message = 'Log in to continue.') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'You do not have permission to do this.') => new HttpError(403, 'forbidden', message);
export const notFound = (what = 'The requested item') => new HttpError(404, 'not_found', `${what} was not found.`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

/** Zod's default for a field left out ("Invalid input: expected string, received undefined") said as a person would. */
function plainMessage(issue: ZodError['issues'][number]): string {
  return issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'is required' : issue.message;
}

/** "title: is required; product_id: Expected number" — names every field that failed. */
export function describeZodError(error: ZodError): { message: string; details: { path: string; message: string }[] } {
  const details = error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: plainMessage(i) }));
  return { message: details.map((d) => `${d.path}: ${d.message}`).join('; '), details };
}

export function validationError(error: ZodError) {
  const { message, details } = describeZodError(error);
  return new HttpError(400, 'validation_failed', message, details);
}

export function errorResponse(err: Error, c: Context) {
  if (err instanceof HttpError) {
    return c.json({ error: { code: err.code, message: err.message, details: err.details } }, err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    // Hono's own validators (a route outside createRouter's JSON gate): the same codes and messages as the gate.
    if (status === 415) {
      return c.json({ error: { code: 'unsupported_media_type', message: 'Send JSON with Content-Type: application/json.' } }, 415);
    }
    if (status === 400 && /malformed json/i.test(err.message)) {
      return c.json({ error: { code: 'invalid_json', message: 'The request body is not valid JSON.' } }, 400);
    }
    return c.json(
      { error: { code: status === 413 ? 'payload_too_large' : 'http_error', message: err.message || 'Request failed.' } },
      status,
    );
  }
  if (isStorageUnavailable(err)) {
    // A full disk, a read-only database or one that cannot be reached: nothing was written, and asking again
    // later may work. Clients and load balancers read 503 + Retry-After as "try again", not as a bug.
    console.error(`[storage] a write was refused: ${err.message}`);
    c.header('retry-after', '30');
    return c.json(
      {
        error: {
          code: 'storage_unavailable',
          message:
            'Tocsin cannot write to its database right now (disk full or database unavailable). Nothing was saved; try again in a moment.',
        },
      },
      503,
    );
  }
  console.error(err);
  return c.json({ error: { code: 'internal', message: 'Something went wrong on the server. The error was logged.' } }, 500);
}
