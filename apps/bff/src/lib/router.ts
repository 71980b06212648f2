import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-context';
import { HttpError, validationError } from './errors';
import { findJsonProblem } from './json-error';

export const UNSUPPORTED_MEDIA_TYPE_MESSAGE = 'Send JSON with Content-Type: application/json.';

const isJsonMediaType = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/([\w.-]+\+)?json$/i.test(contentType.split(';')[0]?.trim() ?? '');

/**
 * Where a JSON value holds U+0000, in a string or a key ("(body)" for the whole body), or null. No field takes it,
 * and PostgreSQL cannot store it: refused here for every route at once, with the field named.
 */
export function findNulCharacter(value: unknown, path = ''): string | null {
  const here = path || '(body)';
  if (typeof value === 'string') return value.includes('\u0000') ? here : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return here;
    const found = findNulCharacter(item, itemPath);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Runs before a route's body validator (after authentication): a body that is not JSON is 415 with a message
 * that says what to send, and malformed JSON is 400 `invalid_json` naming where it breaks — rather than the
 * validator's generic answers or a list of "required" fields for a body it could not read.
 */
function jsonBodyGate(isRequired: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const contentType = c.req.header('content-type');
    const length = c.req.header('content-length');
    const hasBody =
      contentType !== undefined || (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    if (!hasBody && !isRequired) return next();
    if (!isJsonMediaType(contentType)) throw new HttpError(415, 'unsupported_media_type', UNSUPPORTED_MEDIA_TYPE_MESSAGE);
    // Cached by Hono: the validator parses the same text again.
    const text = await c.req.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const { position, line, column, reason } = findJsonProblem(text, error);
      throw new HttpError(
        400,
        'invalid_json',
        `The request body is not valid JSON at line ${line}, column ${column} (position ${position}): ${reason}.`,
        { position, line, column },
      );
    }
    const nulAt = findNulCharacter(parsed);
    if (nulAt !== null) {
      const message = 'Remove the NUL character (U+0000): no text field accepts it';
      throw new HttpError(400, 'validation_failed', `${nulAt}: ${message}.`, [{ path: nulAt, message }]);
    }
    await next();
  };
}

type TRouteWithBody = {
  request?: { body?: { content?: Record<string, unknown>; required?: boolean } };
  middleware?: MiddlewareHandler | MiddlewareHandler[];
};

/** The route with the JSON body gate in front of its validators, when it takes a JSON body. */
function withJsonBodyGate<R extends TRouteWithBody>(route: R): R {
  const body = route.request?.body;
  if (!body?.content || !Object.keys(body.content).some((type) => isJsonMediaType(type))) return route;
  const existing = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
  return { ...route, middleware: [jsonBodyGate(body.required === true), ...existing] };
}

/**
 * A feature router whose request validation failures use the one error shape, and whose JSON bodies pass the
 * gate above. (Authentication is checked before either, by the /api middleware in app.ts.)
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
  const openapi = router.openapi;
  router.openapi = ((route: TRouteWithBody, ...rest: unknown[]) =>
    (openapi as (...args: unknown[]) => unknown)(withJsonBodyGate(route), ...rest)) as typeof openapi;
  return router;
}

/** Reusable OpenAPI response entries. */
export const errorResponses = {
  400: { description: 'Invalid input; the message names each bad field (invalid_json: where the JSON breaks).' },
  401: { description: 'Not logged in, or the API token is not valid.' },
  403: { description: 'Not allowed (or CSRF check failed).' },
  404: { description: 'Not found, or not visible to the caller.' },
  415: { description: 'The body is not JSON (send Content-Type: application/json).' },
} as const;

/** An OpenAPI response entry with a JSON body. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
