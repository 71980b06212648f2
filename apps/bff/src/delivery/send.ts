/**
 * One attempt of one claimed delivery: resolve the destination, call the channel adapter, and
 * decide what happens next (sent, retry at a time, failed, or put back untouched).
 */
import { CHANNEL_LABELS, EXTERNAL_CHANNELS, type TExternalChannel } from '@tocsin/contract/catalogue';
import { and, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { deliveries } from '../db/schema';
import { computeRetryDelayMs } from './backoff';
import { sendMail } from './channels/mail';
import { postTeamsMessage } from './channels/msteams';
import { sendSlackToSystemChannel, sendSlackToUser } from './channels/slack';
import { postWebhook } from './channels/webhook';
import { findUserTarget, findWebhookTarget, recordAttempt, releaseDelivery, type TClaimedDelivery } from './claim';
import { raiseFailureNotice, toDestinationKey } from './failure-notices';
import { clip, permanent, type TSendOutcome, transient } from './outcome';
import type { TMailContent, TSlackContent, TTeamsContent, TWebhookContent } from './render';
import { enabledChannelsOf, type TSystemSettings } from './settings';
import {
  checkWebhookAvailability,
  healthOf,
  recordWebhookOutcome,
  storeWebhookHealth,
  type TWebhookHealth,
  WEBHOOK_RETRY_DELAY_MS,
} from './webhook-health';

/** What one send needs from the engine: the settings of its batch, the stop signal, and state shared across sends. */
export type TSendContext = {
  settings: TSystemSettings;
  signal: AbortSignal;
  /** Endpoints with a probe in flight (the first request after their 60 s rest); others wait for its answer. */
  webhookProbes: Set<number>;
};

/** An attempt that must not happen now: put the row back, due at `until`, without counting an attempt. */
type TDefer = { defer: true; until: number; note: string | null };

export type TDeliveryResult = 'sent' | 'retrying' | 'failed' | 'deferred' | 'released' | 'lost';

const isExternal = (channel: string): channel is TExternalChannel => (EXTERNAL_CHANNELS as readonly string[]).includes(channel);

/** Deliveries that meet an endpoint's probe in flight try again this much later (or sooner, when the probe succeeds). */
const PROBE_WAIT_MS = 2_000;

export async function processDelivery(deps: Deps, claimed: TClaimedDelivery, ctx: TSendContext): Promise<TDeliveryResult> {
  const startedAt = deps.now();
  let outcome: TSendOutcome | TDefer;
  const probe = { isProbe: false, wasActive: false };
  try {
    outcome = await attemptDelivery(deps, claimed, ctx, probe);
  } catch (err) {
    // A bug in an adapter must not kill the worker: the attempt is recorded and retried like a transient failure.
    console.error(`[delivery] unexpected error while sending delivery ${claimed.id}:`, err);
    outcome = transient(`Unexpected error in Tocsin while sending: ${clip(err instanceof Error ? err.message : String(err))}`);
  }
  if ('defer' in outcome) {
    return releaseDelivery(deps, claimed, outcome.until, outcome.note) ? 'deferred' : 'lost';
  }
  // Stopping: a send cut short is put back as it was; one that completed is recorded.
  if (ctx.signal.aborted && !outcome.ok) return releaseDelivery(deps, claimed, deps.now()) ? 'released' : 'lost';

  const finishedAt = deps.now();
  let health: TWebhookHealth | null = null;
  // A success at an active endpoint changes nothing: skip the write (the hot path of a healthy queue).
  const isHealthUnchanged = outcome.ok && probe.wasActive;
  if (claimed.webhookId !== null && claimed.channel === 'webhooks' && !isHealthUnchanged && (outcome.ok || outcome.isEndpointFailure)) {
    const event = outcome.ok ? 'succeeded' : outcome.kind === 'transient' ? 'failed_temporarily' : 'failed_permanently';
    health = recordWebhookOutcome(deps, claimed.webhookId, event, outcome.ok ? null : outcome.error, finishedAt);
    // The endpoint answered again after its rest: what waited for it is due now, not at each row's own retry time.
    if (probe.isProbe && outcome.ok) releaseWaitingForWebhook(deps, claimed.webhookId, claimed.id, finishedAt);
  }

  const attempt = {
    startedAt,
    finishedAt,
    ok: outcome.ok,
    responseCode: outcome.responseCode ?? null,
    error: outcome.ok ? null : outcome.error,
  };
  if (outcome.ok) return recordAttempt(deps, claimed, attempt, { status: 'sent' }) ? 'sent' : 'lost';

  const attemptsMade = claimed.attempts + 1;
  let error = outcome.error;
  let isFinal = outcome.kind === 'permanent';
  if (!isFinal && health?.status === 'inactive_permanent') {
    isFinal = true;
    error = `${error} The endpoint has failed for more than 24 hours and is now inactive; reactivate it on the Webhooks page.`;
  }
  if (!isFinal && attemptsMade >= deps.env.DELIVERY_MAX_ATTEMPTS) {
    isFinal = true;
    error = `Gave up after ${attemptsMade} attempt${attemptsMade === 1 ? '' : 's'}. Last error: ${error}`;
  }
  if (isFinal) {
    const stored = recordAttempt(deps, claimed, { ...attempt, error }, { status: 'failed' });
    if (stored && isExternal(claimed.channel)) {
      raiseFailureNotice(deps, {
        channel: claimed.channel,
        destinationKey: toDestinationKey(claimed),
        destination: describeDestination(deps, claimed, ctx.settings),
        eventTitle: claimed.eventTitle,
        reason: error,
      });
    }
    return stored ? 'failed' : 'lost';
  }
  let nextAttemptAt =
    finishedAt +
    computeRetryDelayMs(attemptsMade, outcome.retryAfterMs, {
      baseMs: deps.env.DELIVERY_BACKOFF_BASE_MS,
      maxMs: deps.env.DELIVERY_BACKOFF_MAX_MS,
    });
  // No point waking before the endpoint may be tried again; the same goes for everything else queued for it.
  if (claimed.webhookId !== null && health?.status === 'inactive_tmp' && health.lastErrorAt !== null) {
    const retryAt = health.lastErrorAt + WEBHOOK_RETRY_DELAY_MS;
    nextAttemptAt = Math.max(nextAttemptAt, retryAt);
    deferWaitingForWebhook(deps, claimed.webhookId, retryAt, finishedAt);
  }
  return recordAttempt(deps, claimed, { ...attempt, error }, { status: 'retrying', nextAttemptAt }) ? 'retrying' : 'lost';
}

async function attemptDelivery(
  deps: Deps,
  claimed: TClaimedDelivery,
  ctx: TSendContext,
  probe: { isProbe: boolean; wasActive: boolean },
): Promise<TSendOutcome | TDefer> {
  const { settings, signal } = ctx;
  const channel = claimed.channel;
  if (!isExternal(channel)) return permanent(`Unknown channel "${channel}": nothing can send it.`);
  if (claimed.content.channel !== channel) {
    return permanent('This delivery has no readable content (its event is gone or the stored message is damaged), so nothing was sent.');
  }
  if (!enabledChannelsOf(settings).has(channel)) {
    return permanent(`${CHANNEL_LABELS[channel]} notifications are disabled in System Settings, so this was not sent.`);
  }
  switch (channel) {
    case 'mail':
      return attemptMail(deps, claimed, claimed.content as TMailContent, ctx);
    case 'slack':
      return attemptSlack(deps, claimed, claimed.content as TSlackContent, ctx);
    case 'msteams':
      if (claimed.targetKind !== 'system') {
        return permanent('Microsoft Teams only has a shared channel: personal Teams notifications are never sent.');
      }
      return postTeamsMessage(settings, (claimed.content as TTeamsContent).message, { now: deps.now(), signal });
    case 'webhooks':
      return attemptWebhook(deps, claimed, claimed.content as TWebhookContent, ctx, probe);
  }
}

function findUser(deps: Deps, id: number | null) {
  return id === null ? undefined : findUserTarget(deps, id);
}

async function attemptMail(deps: Deps, claimed: TClaimedDelivery, content: TMailContent, ctx: TSendContext): Promise<TSendOutcome> {
  if (claimed.targetKind === 'system') {
    const to = ctx.settings.mailTo.trim();
    if (!to) return permanent('No system email address is set (System Settings → mail notifications to), so this was not sent.');
    return sendMail(ctx.settings, to, content, ctx.signal);
  }
  if (claimed.targetKind !== 'user') return permanent(`A mail delivery cannot go to a "${claimed.targetKind}" destination.`);
  const user = findUser(deps, claimed.userId);
  if (!user) return permanent(`User ${claimed.userId} no longer exists, so this was not sent.`);
  if (!user.isActive) return permanent(`${user.username} is deactivated, so this was not sent.`);
  if (!user.email.trim()) return permanent(`${user.username} has no email address, so this was not sent.`);
  return sendMail(ctx.settings, user.email, content, ctx.signal);
}

async function attemptSlack(deps: Deps, claimed: TClaimedDelivery, content: TSlackContent, ctx: TSendContext): Promise<TSendOutcome> {
  if (claimed.targetKind === 'system') return sendSlackToSystemChannel(deps, ctx.settings, content, ctx.signal);
  if (claimed.targetKind !== 'user') return permanent(`A Slack delivery cannot go to a "${claimed.targetKind}" destination.`);
  const user = findUser(deps, claimed.userId);
  if (!user) return permanent(`User ${claimed.userId} no longer exists, so this was not sent.`);
  if (!user.isActive) return permanent(`${user.username} is deactivated, so this was not sent.`);
  return sendSlackToUser(deps, ctx.settings, user, content, ctx.signal);
}

async function attemptWebhook(
  deps: Deps,
  claimed: TClaimedDelivery,
  content: TWebhookContent,
  ctx: TSendContext,
  probe: { isProbe: boolean; wasActive: boolean },
): Promise<TSendOutcome | TDefer> {
  if (claimed.webhookId === null) return permanent('This webhook delivery names no endpoint.');
  const hook = findWebhookTarget(deps, claimed.webhookId);
  if (!hook) return permanent(`Webhook ${claimed.webhookId} no longer exists.`);
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
  if (ctx.webhookProbes.has(hook.id)) return { defer: true, until: now + PROBE_WAIT_MS, note: null };
  if (availability.changed) storeWebhookHealth(deps, hook.id, availability.health);
  // inactive_tmp → active_tmp: this request is the probe; one at a time, not a burst at a resting endpoint.
  probe.isProbe = availability.changed && availability.health.status === 'active_tmp';
  probe.wasActive = availability.health.status === 'active';
  if (probe.isProbe) ctx.webhookProbes.add(hook.id);
  try {
    return await postWebhook(deps, hook, {
      event: content.event,
      deliveryUuid: claimed.uuid,
      body: JSON.stringify(content.body),
      timeoutMs: Math.max(1, ctx.settings.webhooksTimeoutSeconds) * 1000,
      signal: ctx.signal,
    });
  } finally {
    if (probe.isProbe) ctx.webhookProbes.delete(hook.id);
  }
}

/**
 * The endpoint rests until `retryAt`: its other pending rows due before then move there in one
 * statement, so the claimer never picks them up (one by one) in the meantime.
 */
function deferWaitingForWebhook(deps: Deps, webhookId: number, retryAt: number, now: number): void {
  const note = `Waiting: the webhook is temporarily inactive after an error and is tried again at ${new Date(retryAt).toISOString()}.`;
  // The (status, next_attempt_at) index bounds the scan to pending rows due before retryAt.
  deps.db.run(sql`
    update deliveries
    set next_attempt_at = ${retryAt}, updated_at = ${now},
        last_error = case when attempts = 0 then ${note} else last_error end
    where status in ('queued', 'retrying') and next_attempt_at < ${retryAt} and webhook_id = ${webhookId}`);
}

function releaseWaitingForWebhook(deps: Deps, webhookId: number, exceptId: number, now: number): void {
  const moved = deps.db
    .update(deliveries)
    .set({ nextAttemptAt: now, updatedAt: now })
    .where(
      and(
        eq(deliveries.webhookId, webhookId),
        inArray(deliveries.status, ['queued', 'retrying']),
        gt(deliveries.nextAttemptAt, now),
        ne(deliveries.id, exceptId),
      ),
    )
    .run().changes;
  if (moved > 0) deps.bus.emit('deliveries-queued');
}

/** The destination in words, for the superusers' failure alert. */
export function describeDestination(
  deps: Deps,
  row: Pick<TClaimedDelivery, 'channel' | 'targetKind' | 'userId' | 'webhookId'>,
  settings: TSystemSettings,
): string {
  if (row.channel === 'webhooks' || row.targetKind === 'webhook') {
    const hook = row.webhookId === null ? undefined : findWebhookTarget(deps, row.webhookId);
    return hook ? `webhook "${hook.name}" (${hook.url})` : `webhook ${row.webhookId ?? '(none)'}`;
  }
  if (row.targetKind === 'user') {
    const user = findUser(deps, row.userId);
    const name = user?.username ?? `user ${row.userId}`;
    if (row.channel === 'mail') return `${name}'s email${user ? ` (${user.email})` : ''}`;
    if (row.channel === 'slack') return `${name}'s Slack DM${user?.slackEmail ? ` (${user.slackEmail})` : ''}`;
    return `${name} (${row.channel})`;
  }
  if (row.channel === 'mail') return `the system email address${settings.mailTo ? ` (${settings.mailTo})` : ''}`;
  if (row.channel === 'slack') return `the system Slack channel${settings.slackChannel ? ` (${settings.slackChannel})` : ''}`;
  if (row.channel === 'msteams') return 'the Microsoft Teams channel';
  return `the system ${row.channel} destination`;
}
