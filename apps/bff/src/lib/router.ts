import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-context';
import { validationError } from './errors';

/** A feature router whose request validation failures use the one error shape. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
}

/** Reusable OpenAPI response entries. */
export const errorResponses = {
  400: { description: 'Invalid input; the message names each bad field.' },
  401: { description: 'Not logged in, or the API token is not valid.' },
  403: { description: 'Not allowed (or CSRF check failed).' },
  404: { description: 'Not found, or not visible to the caller.' },
} as const;

/** An OpenAPI response entry with a JSON body. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
