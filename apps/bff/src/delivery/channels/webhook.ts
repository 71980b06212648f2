/**
 * The webhook channel. Requests: a JSON POST with Tocsin's headers, signed with HMAC-SHA256 when the endpoint has a secret.
 * Headers: User-Agent Tocsin/<version>, X-Tocsin-Event, X-Tocsin-Instance, X-Tocsin-Delivery (stable across
 * retries, for the receiver's de-duplication), X-Tocsin-Signature: sha256=<hex of the raw body's HMAC>.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { WEBHOOK_RESERVED_HEADERS } from '@tocsin/contract/webhooks';
import { eq, isNull, sql } from 'drizzle-orm';
import type { Deps } from '../../app-context';
import { findRows } from '../../db/rows';
import { webhooks } from '../../db/schema';
import { classifyFetchError, classifyHttpFailure, clip, permanent, requestSignal, type TSendOutcome, USER_AGENT } from '../outcome';
import { releaseWaitingForWebhook } from '../queue';
import { renderWebhookPayload, type TWebhookContent } from '../render';
import { getPublicBaseUrl, getSystemSettings } from '../settings';
import { checkWebhookAvailability, healthOf, recordWebhookOutcome, storeWebhookHealth, WEBHOOK_RETRY_DELAY_MS } from '../webhook-health';
import { describeWebhook, findWebhookTarget, LEASE_MARGIN_MS, type TChannelAdapter, type TWebhookTarget } from './adapter';
import { postJson } from './http';

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
      res = await postJson(url, opts.body, { headers, redirect: 'manual', signal: request.signal });
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
  const settings = await getSystemSettings(deps);
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

/** Deliveries that meet an endpoint's probe in flight try again this much later (or sooner, when the probe succeeds). */
const PROBE_WAIT_MS = 2_000;

const timeoutMsOf = (settings: { webhooksTimeoutSeconds: number }) => Math.max(1, settings.webhooksTimeoutSeconds) * 1000;

/**
 * Each webhook row names its endpoint. The endpoint's health (webhook-health.ts) decides whether a request
 * may go now: a resting endpoint puts its rows back untouched, a recovering one gets one probe at a time, and
 * every answer is recorded on it.
 */
export const webhookChannel: TChannelAdapter<TWebhookTarget, TWebhookContent> = {
  channel: 'webhooks',
  notice: { words: 'Webhook', source: 'Webhook Notification', icon: 'webhooks' },

  render: (event, context, settings, deliveryUuid) => ({
    channel: 'webhooks',
    event: event.name,
    body: renderWebhookPayload(event, context, settings, deliveryUuid),
  }),

  async resolveTarget(deps, row) {
    if (row.webhookId === null) return { ok: false, outcome: permanent('This webhook delivery names no endpoint.') };
    const hook = await findWebhookTarget(deps, row.webhookId);
    if (!hook) return { ok: false, outcome: permanent(`Webhook ${row.webhookId} no longer exists.`) };
    return { ok: true, target: hook };
  },

  async send(deps, { delivery, target: hook, content }, ctx) {
    const now = deps.now();
    const availability = checkWebhookAvailability(healthOf(hook), now);
    if (availability.kind === 'refuse') {
      return permanent(
        `The webhook "${hook.name}" is permanently inactive${hook.note ? ` (${clip(hook.note, 200)})` : ''}; reactivate it on the Webhooks page, then retry.`,
      );
    }
    if (availability.kind === 'wait') {
      return {
        defer: true,
        until: availability.until,
        note: `Waiting: the webhook "${hook.name}" is temporarily inactive after an error and is tried again at ${new Date(availability.until).toISOString()}.`,
      };
    }
    const probeKey = `webhook:${hook.id}`;
    if (ctx.probes.has(probeKey)) return { defer: true, until: now + PROBE_WAIT_MS, note: null };
    if (availability.changed) await storeWebhookHealth(deps, hook.id, availability.health);
    // inactive_tmp → active_tmp: this request is the probe; one at a time, not a burst at a resting endpoint.
    const isProbe = availability.changed && availability.health.status === 'active_tmp';
    const wasActive = availability.health.status === 'active';
    if (isProbe) ctx.probes.add(probeKey);
    let outcome: TSendOutcome;
    try {
      outcome = await postWebhook(deps, hook, {
        event: content.event,
        deliveryUuid: delivery.uuid,
        body: JSON.stringify(content.body),
        timeoutMs: timeoutMsOf(ctx.settings),
        signal: ctx.signal,
      });
    } finally {
      if (isProbe) ctx.probes.delete(probeKey);
    }
    // A send cut short by a stop says nothing about the endpoint; a success at an active endpoint changes nothing.
    if (ctx.signal.aborted && !outcome.ok) return outcome;
    if (outcome.ok ? wasActive : !outcome.isEndpointFailure) return outcome;

    const finishedAt = deps.now();
    const event = outcome.ok ? 'succeeded' : outcome.kind === 'transient' ? 'failed_temporarily' : 'failed_permanently';
    const health = await recordWebhookOutcome(deps, hook.id, event, outcome.ok ? null : outcome.error, finishedAt);
    // The endpoint answered again after its rest: what waited for it is due now, not at each row's own retry time.
    if (isProbe && outcome.ok) await releaseWaitingForWebhook(deps, hook.id, delivery.id, finishedAt);
    if (outcome.ok || outcome.kind === 'permanent' || !health) return outcome;
    if (health.status === 'inactive_permanent') {
      return permanent(
        `${outcome.error} The endpoint has failed for more than 24 hours and is now inactive; reactivate it on the Webhooks page.`,
        {
          responseCode: outcome.responseCode,
          retryAfterMs: outcome.retryAfterMs,
          isEndpointFailure: outcome.isEndpointFailure,
        },
      );
    }
    // No point trying before the endpoint may be tried again; the same goes for everything else queued for it.
    if (health.status === 'inactive_tmp' && health.lastErrorAt !== null)
      return { ...outcome, restUntil: health.lastErrorAt + WEBHOOK_RETRY_DELAY_MS };
    return outcome;
  },

  async sendTest(deps, _message, target) {
    const hooks =
      target.webhookId !== undefined
        ? await findRows(deps.db, webhooks, eq(webhooks.id, target.webhookId))
        : await findRows(deps.db, webhooks, isNull(webhooks.ownerId), { orderBy: sql`${webhooks.id}` });
    if (hooks.length === 0) {
      return {
        ok: false,
        message: target.webhookId !== undefined ? `Webhook ${target.webhookId} was not found.` : 'There are no system webhooks to test.',
      };
    }
    const results = await Promise.all(hooks.map(async (h) => ({ hook: h, result: await pingWebhook(deps, h) })));
    if (results.length === 1 && results[0]) return results[0].result;
    const failed = results.filter((r) => !r.result.ok);
    const message = results.map((r) => `${r.hook.name}: ${r.result.message}`).join(' ');
    return { ok: failed.length === 0, message, responseCode: failed[0]?.result.responseCode };
  },

  async describeDestination(deps, row) {
    return describeWebhook(row.webhookId === null ? undefined : await findWebhookTarget(deps, row.webhookId), row.webhookId);
  },

  // Each endpoint is checked when it is saved (a ping must succeed); the channel itself needs no settings.
  findConfigProblems: () => [],

  leaseMs: (settings) => timeoutMsOf(settings) + LEASE_MARGIN_MS,
};
