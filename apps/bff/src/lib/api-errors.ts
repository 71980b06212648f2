/** OpenAPI entries for error answers with their body: the one error shape `{ error: { code, message, details? } }`. */
import { ZApiError } from '@tocsin/contract/errors';

export const apiError = (description: string) => ({ description, content: { 'application/json': { schema: ZApiError } } });

/** The usual answers of a route that needs a login and works on something the caller may or may not see. */
export const commonErrors = {
  401: apiError('Not logged in, or the API token is not valid.'),
  404: apiError('Not found, or not visible to the caller (the same answer, so ids cannot be probed).'),
} as const;
