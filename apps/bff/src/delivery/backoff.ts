/** When to try a failed delivery again: exponential backoff with jitter, or what the peer asked for. */

export type TBackoffOptions = { baseMs: number; maxMs: number; random?: () => number };

/** The longest Retry-After we honour as given; a peer asking for more than a day is capped there. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * Delay before attempt `failedAttempts + 1`: base·2^(failedAttempts−1), capped at maxMs, then
 * "equal jitter" (half fixed, half random) so a burst of failures does not retry in lockstep
 * and the delay still grows.
 */
export function computeBackoffMs(failedAttempts: number, opts: TBackoffOptions): number {
  const random = opts.random ?? Math.random;
  const exponent = Math.max(0, failedAttempts - 1);
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(exponent, 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A peer's Retry-After is honoured as given (it knows its own limits); otherwise our backoff applies. */
export function computeRetryDelayMs(failedAttempts: number, retryAfterMs: number | undefined, opts: TBackoffOptions): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return computeBackoffMs(failedAttempts, opts);
}
