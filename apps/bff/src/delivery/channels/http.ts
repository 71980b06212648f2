/**
 * Every outbound HTTP request of the channel adapters (Slack, Teams, webhooks) goes through this module, and
 * every one of them through `outboundFetch`: the one place where a policy on outbound addresses applies.
 * The adapters never call fetch() themselves.
 */

export type TOutboundOptions = {
  /** Merged over the defaults (header names in lower case). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Webhooks refuse redirects ('manual'); the default follows them. */
  redirect?: 'follow' | 'manual' | 'error';
};

/** POST `body` (already serialized: webhooks sign the exact bytes sent) as JSON. */
export function postJson(url: string | URL, body: string, opts: TOutboundOptions = {}): Promise<Response> {
  return outboundFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body,
    redirect: opts.redirect,
    signal: opts.signal,
  });
}

/** GET a JSON answer (Slack's read methods take their arguments in the query string). */
export function getJson(url: string | URL, opts: TOutboundOptions = {}): Promise<Response> {
  return outboundFetch(url, { method: 'GET', headers: { ...opts.headers }, redirect: opts.redirect, signal: opts.signal });
}

function outboundFetch(url: string | URL, init: RequestInit): Promise<Response> {
  return fetch(url, init);
}
