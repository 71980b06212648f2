/**
 * One attempt of one claimed delivery: find the channel's adapter, resolve the destination, send, and decide
 * what happens next (sent, retry at a time, failed, or put back untouched). The row's state changes through
 * queue.ts; what a channel does lives in its adapter (channels/).
 */
import { CHANNEL_LABELS } from '@tocsin/contract/catalogue';
import type { Deps } from '../app-context';
import { computeRetryDelayMs } from './backoff';
import type { TChannelAdapter, TDefer, TSendContext } from './channels/adapter';
import { findChannelAdapter } from './channels/registry';
import { raiseFailureNotice, toDestinationKey } from './failure-notices';
import { clip, permanent, type TSendOutcome, transient } from './outcome';
import { deferWaitingForWebhook, recordAttempt, release, type TClaimedDelivery } from './queue';
import { enabledChannelsOf } from './settings';

export type TDeliveryResult = 'sent' | 'retrying' | 'failed' | 'deferred' | 'released' | 'lost';

export async function processDelivery(deps: Deps, claimed: TClaimedDelivery, ctx: TSendContext): Promise<TDeliveryResult> {
  const startedAt = deps.now();
  const adapter = findChannelAdapter(claimed.channel);
  let outcome: TSendOutcome | TDefer;
  try {
    outcome = await attemptDelivery(deps, adapter, claimed, ctx);
  } catch (err) {
    // A bug in an adapter must not kill the worker: the attempt is recorded and retried like a transient failure.
    console.error(`[delivery] unexpected error while sending delivery ${claimed.id}:`, err);
    outcome = transient(`Unexpected error in Tocsin while sending: ${clip(err instanceof Error ? err.message : String(err))}`);
  }
  if ('defer' in outcome) {
    return (await release(deps, claimed, outcome.until, outcome.note)) ? 'deferred' : 'lost';
  }
  // Stopping: a send cut short is put back as it was; one that completed is recorded.
  if (ctx.signal.aborted && !outcome.ok) return (await release(deps, claimed, deps.now())) ? 'released' : 'lost';

  const finishedAt = deps.now();
  const attempt = {
    startedAt,
    finishedAt,
    ok: outcome.ok,
    responseCode: outcome.responseCode ?? null,
    error: outcome.ok ? null : outcome.error,
  };
  if (outcome.ok) return (await recordAttempt(deps, claimed, attempt, { status: 'sent' })) ? 'sent' : 'lost';

  const attemptsMade = claimed.attempts + 1;
  let error = outcome.error;
  let isFinal = outcome.kind === 'permanent';
  if (!isFinal && attemptsMade >= deps.env.DELIVERY_MAX_ATTEMPTS) {
    isFinal = true;
    error = `Gave up after ${attemptsMade} attempt${attemptsMade === 1 ? '' : 's'}. Last error: ${error}`;
  }
  if (isFinal) {
    const stored = await recordAttempt(deps, claimed, { ...attempt, error }, { status: 'failed' });
    if (stored && adapter) {
      await raiseFailureNotice(deps, {
        channel: adapter.channel,
        destinationKey: toDestinationKey(claimed),
        destination: await adapter.describeDestination(deps, claimed, ctx.settings),
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
  if (outcome.restUntil !== undefined) {
    nextAttemptAt = Math.max(nextAttemptAt, outcome.restUntil);
    if (claimed.webhookId !== null) await deferWaitingForWebhook(deps, claimed.webhookId, outcome.restUntil, finishedAt);
  }
  return (await recordAttempt(deps, claimed, { ...attempt, error }, { status: 'retrying', nextAttemptAt })) ? 'retrying' : 'lost';
}

async function attemptDelivery(
  deps: Deps,
  adapter: TChannelAdapter | undefined,
  claimed: TClaimedDelivery,
  ctx: TSendContext,
): Promise<TSendOutcome | TDefer> {
  if (!adapter) return permanent(`Unknown channel "${claimed.channel}": nothing can send it.`);
  if (claimed.content.channel !== adapter.channel) {
    return permanent('This delivery has no readable content (its event is gone or the stored message is damaged), so nothing was sent.');
  }
  if (!enabledChannelsOf(ctx.settings).has(adapter.channel)) {
    return permanent(`${CHANNEL_LABELS[adapter.channel]} notifications are disabled in System Settings, so this was not sent.`);
  }
  const resolved = await adapter.resolveTarget(deps, claimed, ctx.settings);
  if (!resolved.ok) return resolved.outcome;
  return adapter.send(deps, { delivery: claimed, target: resolved.target, content: claimed.content }, ctx);
}
