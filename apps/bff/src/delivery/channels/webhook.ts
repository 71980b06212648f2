/**
 * Webhook requests: a JSON POST with Tocsin's headers, signed with HMAC-SHA256 when the endpoint has a secret.
 * Headers: User-Agent Tocsin/<version>, X-Tocsin-Event, X-Tocsin-Instance, X-Tocsin-Delivery (stable across
 * retries, for the receiver's de-duplication), X-Tocsin-Signature: sha256=<hex of the raw body's HMAC>.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { WEBHOOK_RESERVED_HEADERS } from '@tocsin/contract/webhooks';
import type { Deps } from '../../app-context';
import { classifyFetchError, classifyHttpFailure, clip, permanent, requestSignal, type TSendOutcome, USER_AGENT } from '../outcome';
import { getPublicBaseUrl, getSystemSettings } from '../settings';

export type TWebhookEndpoint = {
  url: string;
  headerName?: string | null;
  headerValue?: string | null;
  signingSecret?: string | null;
};

/** Headers Tocsin sets itself; an endpoint's extra header may not replace them. */
const RESERVED_HEADERS = new Set<string>(WEBHOOK_RESERVED_HEADERS);

export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function buildWebhookHeaders(
  endpoint: TWebhookEndpoint,
  opts: { event: string; deliveryUuid: string; instance: string; body: string },
): Record<string, string> {
  const headers: Record<string, string> = {};
  const extraName = endpoint.headerName?.trim();
  if (extraName && !RESERVED_HEADERS.has(extraName.toLowerCase())) headers[extraName] = endpoint.headerValue ?? '';
  headers['content-type'] = 'application/json';
  headers['user-agent'] = USER_AGENT;
  headers['x-tocsin-event'] = opts.event;
  headers['x-tocsin-instance'] = opts.instance;
  headers['x-tocsin-delivery'] = opts.deliveryUuid;
  if (endpoint.signingSecret) headers['x-tocsin-signature'] = signWebhookBody(endpoint.signingSecret, opts.body);
  return headers;
}

/** POST one webhook request. `body` is the exact text sent (and signed). */
export async function postWebhook(
  deps: Deps,
  endpoint: TWebhookEndpoint,
  opts: { event: string; deliveryUuid: string; body: string; timeoutMs: number; signal?: AbortSignal },
): Promise<TSendOutcome> {
  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch {
    return permanent(`The webhook URL "${clip(endpoint.url, 200)}" is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return permanent(`The webhook URL must be http(s), not ${url.protocol}`);
  const headers = buildWebhookHeaders(endpoint, {
    event: opts.event,
    deliveryUuid: opts.deliveryUuid,
    instance: deps.env.INSTANCE_NAME,
    body: opts.body,
  });
  const request = requestSignal(opts.timeoutMs, opts.signal);
  try {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body: opts.body, redirect: 'manual', signal: request.signal });
    } catch (err) {
      return classifyFetchError(err, `the webhook ${url.origin}`, opts.timeoutMs);
    }
    if (res.status >= 200 && res.status < 300) {
      // Drain the body so the keep-alive connection is reused.
      const text = await res.text().catch(() => '');
      return { ok: true, responseCode: res.status, detail: text ? clip(text, 200) : undefined };
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      return permanent(
        `The webhook answered HTTP ${res.status} (a redirect to ${res.headers.get('location') ?? '?'}); redirects are not followed, use the final URL.`,
        { responseCode: res.status },
      );
    }
    return await classifyHttpFailure(res, 'The webhook', deps.now());
  } finally {
    request.done();
  }
}

/** A `ping` event to an endpoint (before saving it, or from the Test button); no state is changed. */
export async function pingWebhook(
  deps: Deps,
  endpoint: TWebhookEndpoint,
): Promise<{ ok: boolean; message: string; responseCode?: number }> {
  const settings = getSystemSettings(deps);
  const deliveryUuid = randomUUID();
  const base = getPublicBaseUrl(deps.env);
  const body = JSON.stringify({
    event: 'ping',
    delivery_id: deliveryUuid,
    created: new Date(deps.now()).toISOString(),
    title: `Ping from ${settings.teamName}`,
    description: `${settings.teamName} checks that this endpoint accepts its webhook notifications.`,
    url: base,
    url_ui: base,
    url_api: `${base}/api/openapi.json`,
    ...(settings.disclaimer ? { disclaimer: settings.disclaimer } : {}),
  });
  const outcome = await postWebhook(deps, endpoint, {
    event: 'ping',
    deliveryUuid,
    body,
    timeoutMs: Math.max(1, settings.webhooksTimeoutSeconds) * 1000,
  });
  if (outcome.ok) {
    return { ok: true, message: `The endpoint accepted the ping (HTTP ${outcome.responseCode}).`, responseCode: outcome.responseCode };
  }
  return { ok: false, message: outcome.error, responseCode: outcome.responseCode };
}
