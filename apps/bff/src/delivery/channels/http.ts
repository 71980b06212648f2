/**
 * The HTTP requests of the channel adapters (Slack, Teams, webhooks): every one goes through outboundFetch
 * under the installation's outbound policy (OUTBOUND_ALLOW), to the addresses that were checked, never
 * following a redirect, reading at most 64 KiB of the answer. The adapters never call fetch() themselves.
 */
import type { Deps } from '../../app-context';
import { getOutboundPolicy, outboundFetch, type TOutboundResponse } from '../outbound';

export type TOutboundOptions = {
  /** Merged over the defaults (header names in lower case). */
  headers?: Record<string, string>;
  /** The whole exchange (DNS, connect, answer) must finish within this. */
  timeoutMs: number;
  /** Tocsin is stopping: the request is cancelled. */
  signal?: AbortSignal;
};

function fetchOptions(deps: Pick<Deps, 'env' | 'resolveHost'>, opts: TOutboundOptions) {
  return { policy: getOutboundPolicy(deps.env), timeoutMs: opts.timeoutMs, signal: opts.signal, resolve: deps.resolveHost };
}

/** POST `body` (already serialized: webhooks sign the exact bytes sent) as JSON. */
export function postJson(
  deps: Pick<Deps, 'env' | 'resolveHost'>,
  url: string | URL,
  body: string,
  opts: TOutboundOptions,
): Promise<TOutboundResponse> {
  return outboundFetch(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json', ...opts.headers }, body },
    fetchOptions(deps, opts),
  );
}

/** GET a JSON answer (Slack's read methods take their arguments in the query string). */
export function getJson(deps: Pick<Deps, 'env' | 'resolveHost'>, url: string | URL, opts: TOutboundOptions): Promise<TOutboundResponse> {
  return outboundFetch(url, { method: 'GET', headers: { ...opts.headers } }, fetchOptions(deps, opts));
}
