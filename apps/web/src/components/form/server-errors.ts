import { ApiError } from '../../lib/api-client';

/**
 * Field messages from the BFF's validation answer (400, details = [{ path, message }]), by field name.
 * The browser validates with the same zod schemas first, so these are rare: a rule only the server can
 * check, or a server newer than this page.
 */
export function getServerFieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.status !== 400 || !Array.isArray(error.details)) return {};
  const errors: Record<string, string> = {};
  for (const detail of error.details as { path?: unknown; message?: unknown }[]) {
    if (typeof detail.path === 'string' && typeof detail.message === 'string') errors[detail.path] ??= detail.message;
  }
  return errors;
}

/** True when every field the server complained about is one the form shows, so its own message adds nothing. */
export function isExplainedByFields(error: unknown, fieldNames: readonly string[]): boolean {
  const paths = Object.keys(getServerFieldErrors(error));
  return paths.length > 0 && paths.every((path) => fieldNames.includes(path));
}
