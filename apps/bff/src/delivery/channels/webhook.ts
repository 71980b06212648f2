/**
 * The webhook channel. Requests: a JSON POST with Tocsin's headers, signed two ways when the endpoint has a secret.
 * Headers: User-Agent Tocsin/<version>, X-Tocsin-Event, X-Tocsin-Instance, X-Tocsin-Delivery (stable across
 * retries, for the receiver's de-duplication), X-Tocsin-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed
 * with the secret's text>, and the Standard Webhooks headers (https://www.standardwebhooks.com): webhook-id (the
 * delivery uuid, the same on retries), webhook-timestamp (unix seconds of this attempt) and webhook-signature:
 * v1,<base64 HMAC-SHA256 of "id.timestamp.body">, keyed with the bytes of a `whsec_<base64>` secret (or the text
 * of a secret in another form).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { isReservedWebhookHeader } from '@tocsin/contract/webhooks';
import { eq, isNull, sql } from 'drizzle-orm';
import type { Deps } from '../../app-context';
import { findRows } from '../../db/rows';
import { webhooks } from '../../db/schema';
import { describeDestinationRow, resolveDestinationTarget } from '../../destinations/targets';
import { escapeMarkdown, toInlineText, truncateText } from '../../lib/text';
import { classifyOutboundFailure } from '../outbound';
import { classifyHttpAnswer, permanent, type TSendOutcome, USER_AGENT } from '../outcome';
import { releaseWaitingForWebhook } from '../queue';
import { renderWebhookPayload, type TWebhookContent } from '../render';
import { openSecret } from '../secrets';
import { getPublicBaseUrl, getSystemSettings } from '../settings';
import { checkWebhookAvailability, healthOf, recordWebhookOutcome, storeWebhookHealth, WEBHOOK_RETRY_DELAY_MS } from '../webhook-health';
import {
  describeWebhook,
  findWebhookTarget,
  LEASE_MARGIN_MS,
  type TChannelAdapter,
  type TTestNotificationResult,
  type TWebhookTarget,
} from './adapter';
import { postJson } from './http';

/** An endpoint with its secrets in clear (opened from the database, or as typed into a form). */
export type TWebhookEndpoint = {
  url: string;
  headerName?: string | null;
  headerValue?: string | null;
  signingSecret?: string | null;
};

/** The prefix of Standard Webhooks secrets: whsec_ and the base64 of the key's bytes. */
export const STANDARD_SECRET_PREFIX = 'whsec_';

/** A new signing secret, Standard Webhooks style: whsec_ and 32 random bytes in base64. */
export function generateSigningSecret(): string {
  return `${STANDARD_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of the Standard Webhooks signature: a whsec_ secret's bytes, any other secret's UTF-8 text. */
export function standardSigningKey(secret: string): Buffer {
  return secret.startsWith(STANDARD_SECRET_PREFIX)
    ? Buffer.from(secret.slice(STANDARD_SECRET_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">. */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', standardSigningKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

export function buildWebhookHeaders(
  endpoint: TWebhookEndpoint,
  opts: { event: string; deliveryUuid: string; instance: string; body: string; timestamp: number },
): Record<string, string> {
  const headers: Record<string, string> = {};
  const extraName = endpoint.headerName?.trim();
  // The API refuses reserved names; a stored one (written before that rule, or by hand) is still never sent.
  if (extraName && endpoint.headerValue && !isReservedWebhookHeader(extraName)) headers[extraName] = endpoint.headerValue;
  headers['content-type'] = 'application/json';
  headers['user-agent'] = USER_AGENT;
  headers['x-tocsin-event'] = opts.event;
  headers['x-tocsin-instance'] = opts.instance;
  headers['x-tocsin-delivery'] = opts.deliveryUuid;
  headers['webhook-id'] = opts.deliveryUuid;
  headers['webhook-timestamp'] = String(opts.timestamp);
  if (endpoint.signingSecret) {
    headers['x-tocsin-signature'] = signWebhookBody(endpoint.signingSecret, opts.body);
    headers['webhook-signature'] = signStandardWebhook(endpoint.signingSecret, opts.deliveryUuid, opts.timestamp, opts.body);
  }
  return headers;
}

/** The endpoint's secrets, which a receiver might echo back: redacted from whatever is kept of its answer. */
export const webhookSecretsOf = (endpoint: TWebhookEndpoint) => [endpoint.headerValue, endpoint.signingSecret];

function describeOrigin(url: string): string {
  try {
    return `the webhook ${new URL(url).origin}`;
  } catch {
    return 'the webhook';
  }
}

/** POST one webhook request. `body` is the exact text sent (and signed). */
export async function postWebhook(
  deps: Deps,
  endpoint: TWebhookEndpoint,
  opts: { event: string; deliveryUuid: string; body: string; timeoutMs: number; signal?: AbortSignal },
): Promise<TSendOutcome> {
  const secrets = webhookSecretsOf(endpoint);
  const headers = buildWebhookHeaders(endpoint, {
    event: opts.event,
    deliveryUuid: opts.deliveryUuid,
    instance: deps.env.INSTANCE_NAME,
    body: opts.body,
    timestamp: Math.floor(deps.now() / 1000),
  });
  let res: Response;
  try {
    res = await postJson(deps, endpoint.url, opts.body, { headers, timeoutMs: opts.timeoutMs, signal: opts.signal });
  } catch (err) {
    return classifyOutboundFailure(err, describeOrigin(endpoint.url), opts.timeoutMs, secrets);
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, responseCode: res.status };
  return classifyHttpAnswer(res, 'The webhook', deps.now(), secrets);
}

/** A ping's outcome: `message` for superusers (the receiver's answer included), `summary` for everyone else. */
export type TPingResult = TTestNotificationResult & { summary: string };

/** A `ping` event to an endpoint (before saving it, or from the Test button); no state is changed. */
export async function pingWebhook(deps: Deps, endpoint: TWebhookEndpoint): Promise<TPingResult> {
  const settings = await getSystemSettings(deps);
  const deliveryUuid = randomUUID();
  const base = getPublicBaseUrl(deps.env);
  const body = JSON.stringify({
    event: 'ping',
    delivery_id: deliveryUuid,
    created: new Date(deps.now()).toISOString(),
    title: `Ping from ${settings.teamName}`,
    description: `${escapeMarkdown(settings.teamName)} checks that this endpoint accepts its webhook notifications.`,
    description_text: `${settings.teamName} checks that this endpoint accepts its webhook notifications.`,
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
    const message = `The endpoint accepted the ping (HTTP ${outcome.responseCode}).`;
    return { ok: true, message, summary: message, responseCode: outcome.responseCode };
  }
  return { ok: false, message: outcome.error, summary: outcome.summary ?? outcome.error, responseCode: outcome.responseCode };
}

/** A stored endpoint with its secrets opened; a secret no key opens makes it unusable, with the reason. */
export function openWebhookEndpoint(
  deps: Deps,
  hook: Pick<TWebhookTarget, 'name' | 'url' | 'headerName' | 'headerValue' | 'signingSecret'>,
): { ok: true; endpoint: TWebhookEndpoint } | { ok: false; problem: string } {
  const headerValue = openSecret(deps, hook.headerValue);
  const signingSecret = openSecret(deps, hook.signingSecret);
  for (const [secret, what] of [
    [headerValue, 'header value'],
    [signingSecret, 'signing secret'],
  ] as const) {
    if (!secret.ok) {
      return {
        ok: false,
        problem: `The ${what} of webhook "${toInlineText(hook.name)}" cannot be decrypted (${secret.problem}) Enter it again on the Webhooks page.`,
      };
    }
  }
  return {
    ok: true,
    endpoint: {
      url: hook.url,
      headerName: hook.headerName,
      headerValue: headerValue.value || null,
      signingSecret: signingSecret.value || null,
    },
  };
}

/** Deliveries that meet an endpoint's probe in flight try again this much later (or sooner, when the probe succeeds). */
const PROBE_WAIT_MS = 2_000;

const timeoutMsOf = (settings: { webhooksTimeoutSeconds: number }) => Math.max(1, settings.webhooksTimeoutSeconds) * 1000;

/**
 * Each webhook row names its endpoint. The endpoint's health (webhook-health.ts) decides whether a request
 * may go now: a resting endpoint puts its rows back untouched, a recovering one gets one probe at a time, and
 * every answer is recorded on it.
 */
export const webhookChannel: TChannelAdapter<TWebhookTarget | { destination: TWebhookEndpoint }, TWebhookContent> = {
  channel: 'webhooks',
  notice: { words: 'Webhook', source: 'Webhook Notification', icon: 'webhooks' },

  render: (event, context, settings, deliveryUuid) => ({
    channel: 'webhooks',
    event: event.name,
    body: renderWebhookPayload(event, context, settings, deliveryUuid),
  }),

  async resolveTarget(deps, row, _settings, preloaded) {
    if (row.targetKind === 'destination') {
      const destination = await resolveDestinationTarget(deps, row, 'webhook');
      return destination.ok ? { ok: true, target: { destination: destination.target.endpoint } } : destination;
    }
    if (row.webhookId === null) return { ok: false, outcome: permanent('This webhook delivery names no endpoint.') };
    const hook = preloaded?.webhooks?.get(row.webhookId) ?? (await findWebhookTarget(deps, row.webhookId));
    if (!hook) return { ok: false, outcome: permanent(`Webhook ${row.webhookId} no longer exists.`) };
    return { ok: true, target: hook };
  },

  async send(deps, { delivery, target, content }, ctx) {
    // A destination's endpoint: its health is the destination's (destinations/), not the webhooks' state machine.
    if ('destination' in target) {
      return postWebhook(deps, target.destination, {
        event: content.event,
        deliveryUuid: delivery.uuid,
        body: JSON.stringify(content.body),
        timeoutMs: timeoutMsOf(ctx.settings),
        signal: ctx.signal,
      });
    }
    const hook = target;
    const now = deps.now();
    const availability = checkWebhookAvailability(healthOf(hook), now);
    if (availability.kind === 'refuse') {
      const note = hook.note ? ` (${truncateText(toInlineText(hook.note), 200)})` : '';
      return permanent(
        `The webhook "${toInlineText(hook.name)}" is permanently inactive${note}; reactivate it on the Webhooks page, then retry.`,
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
    const opened = openWebhookEndpoint(deps, hook);
    if (!opened.ok) return permanent(opened.problem);
    if (isProbe) ctx.probes.add(probeKey);
    let outcome: TSendOutcome;
    try {
      outcome = await postWebhook(deps, opened.endpoint, {
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
    // The note is shown to the endpoint's owner too: the summary, not the receiver's words.
    const health = await recordWebhookOutcome(deps, hook.id, event, outcome.ok ? null : (outcome.summary ?? outcome.error), finishedAt);
    // The endpoint answered again after its rest: what waited for it is due now, not at each row's own retry time.
    if (isProbe && outcome.ok) await releaseWaitingForWebhook(deps, hook.id, delivery.id, finishedAt);
    if (outcome.ok || outcome.kind === 'permanent' || !health) return outcome;
    if (health.status === 'inactive_permanent') {
      const inactive = 'The endpoint has failed for more than 24 hours and is now inactive; reactivate it on the Webhooks page.';
      return permanent(`${outcome.error} ${inactive}`, {
        summary: `${outcome.summary ?? outcome.error} ${inactive}`,
        responseCode: outcome.responseCode,
        retryAfterMs: outcome.retryAfterMs,
        isEndpointFailure: outcome.isEndpointFailure,
      });
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
    const results = await Promise.all(
      hooks.map(async (h) => {
        const opened = openWebhookEndpoint(deps, h);
        const result: TTestNotificationResult = opened.ok
          ? await pingWebhook(deps, opened.endpoint)
          : { ok: false, message: opened.problem };
        return { hook: h, result };
      }),
    );
    if (results.length === 1 && results[0]) return results[0].result;
    const failed = results.filter((r) => !r.result.ok);
    const message = results.map((r) => `${toInlineText(r.hook.name)}: ${r.result.message}`).join(' ');
    return { ok: failed.length === 0, message, responseCode: failed[0]?.result.responseCode };
  },

  async describeDestination(deps, row) {
    if (row.targetKind === 'destination') return describeDestinationRow(deps, row);
    return describeWebhook(row.webhookId === null ? undefined : await findWebhookTarget(deps, row.webhookId), row.webhookId);
  },

  // Each endpoint is checked when it is saved (a ping must succeed); the channel itself needs no settings.
  findConfigProblems: () => [],

  leaseMs: (settings) => timeoutMsOf(settings) + LEASE_MARGIN_MS,
};
