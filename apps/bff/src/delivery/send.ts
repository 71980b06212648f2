/**
 * One attempt of one claimed delivery: find the channel's adapter, resolve the destination, send, and decide
 * what happens next (sent, retry at a time, failed, or put back untouched). The row's state changes through
 * queue.ts; what a channel does lives in its adapter (channels/).
 */
import { CHANNEL_LABELS } from '@tocsin/contract/catalogue';
import type { Deps } from '../app-context';
import { findDestinationSecrets, recordDestinationOutcome } from '../destinations/targets';
import { redactSecrets, toSafeSnippet } from '../lib/text';
import { computeRetryDelayMs } from './backoff';
import { findWebhookTarget, type TChannelAdapter, type TDefer, type TSendContext } from './channels/adapter';
import { teamsSecretsOf } from './channels/msteams';
import { findChannelAdapter } from './channels/registry';
import { raiseFailureNotice, toDestinationKey } from './failure-notices';
import { permanent, type TSendOutcome, transient } from './outcome';
import { holdDestination, paceKeyOf } from './pacing';
import { deferWaitingForWebhook, recordAttempt, release, type TClaimedDelivery } from './queue';
import { openSecret } from './secrets';
import { enabledChannelsOf, settingsSecretsOf, type TSystemSettings } from './settings';

/**
 * Every secret a failure of this row could carry: the settings' (SMTP password, Slack token, the Teams URL and
 * its sig) and, for a webhook row, its endpoint's. Whatever is stored or logged is redacted with all of them.
 */
async function findSecretsOf(deps: Deps, claimed: TClaimedDelivery, settings: TSystemSettings): Promise<string[]> {
  const secrets = [...settingsSecretsOf(settings), ...teamsSecretsOf(settings.msteamsUrl)];
  if (claimed.webhookId !== null) {
    const hook = await findWebhookTarget(deps, claimed.webhookId);
    if (hook) secrets.push(openSecret(deps, hook.headerValue).value, openSecret(deps, hook.signingSecret).value);
  }
  if (claimed.targetKind === 'destination') secrets.push(...(await findDestinationSecrets(deps, claimed.destinationId)));
  return secrets.filter((s) => s !== '');
}

export type TDeliveryResult = 'sent' | 'retrying' | 'failed' | 'deferred' | 'released' | 'lost';

export async function processDelivery(deps: Deps, claimed: TClaimedDelivery, ctx: TSendContext): Promise<TDeliveryResult> {
  const startedAt = deps.now();
  const adapter = findChannelAdapter(claimed.channel);
  let outcome: TSendOutcome | TDefer;
  try {
    outcome = await attemptDelivery(deps, adapter, claimed, ctx);
  } catch (err) {
    // A bug in an adapter must not kill the worker: the attempt is recorded and retried like a transient failure.
    // The log line is redacted too: an error's text may quote a URL or an answer that holds a secret.
    const secrets = await findSecretsOf(deps, claimed, ctx.settings).catch(() => settingsSecretsOf(ctx.settings));
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`[delivery] unexpected error while sending delivery ${claimed.id}: ${redactSecrets(text, secrets)}`);
    outcome = transient(
      `Unexpected error in Tocsin while sending: ${toSafeSnippet(err instanceof Error ? err.message : String(err), { secrets })}`,
    );
  }
  if ('defer' in outcome) {
    return (await release(deps, claimed, outcome.until, outcome.note)) ? 'deferred' : 'lost';
  }
  // Stopping: a send cut short is put back as it was; one that completed is recorded.
  if (ctx.signal.aborted && !outcome.ok) return (await release(deps, claimed, deps.now())) ? 'released' : 'lost';

  const finishedAt = deps.now();
  const attempt = { startedAt, finishedAt, ok: outcome.ok, responseCode: outcome.responseCode ?? null, error: null, errorSummary: null };
  const destinationId = claimed.targetKind === 'destination' ? (claimed.destinationId ?? null) : null;
  if (outcome.ok) {
    const stored =
      ctx.recordSent && !claimed.carries
        ? await ctx.recordSent(claimed, attempt)
        : await recordAttempt(deps, claimed, attempt, { status: 'sent' });
    if (stored && destinationId !== null) await recordDestinationOutcome(deps, destinationId, { ok: true }, finishedAt);
    return stored ? 'sent' : 'lost';
  }

  // Redacted again here, with every secret this row could meet, before anything is kept: the adapters
  // redact what they know, and this catches whatever they did not.
  const secrets = await findSecretsOf(deps, claimed, ctx.settings);
  const attemptsMade = claimed.attempts + 1;
  let error = redactSecrets(outcome.error, secrets);
  let errorSummary = redactSecrets(outcome.summary ?? outcome.error, secrets);
  let isFinal = outcome.kind === 'permanent';
  if (!isFinal && attemptsMade >= deps.env.DELIVERY_MAX_ATTEMPTS) {
    isFinal = true;
    const gaveUp = `Gave up after ${attemptsMade} attempt${attemptsMade === 1 ? '' : 's'}. Last error:`;
    error = `${gaveUp} ${error}`;
    errorSummary = `${gaveUp} ${errorSummary}`;
  }
  const failedAttempt = { ...attempt, error, errorSummary };
  if (destinationId !== null) await recordDestinationOutcome(deps, destinationId, { ok: false, summary: errorSummary }, finishedAt);
  if (isFinal) {
    const stored = await recordAttempt(deps, claimed, failedAttempt, { status: 'failed' });
    if (stored && adapter) {
      await raiseFailureNotice(deps, {
        channel: adapter.channel,
        destinationKey: toDestinationKey(claimed),
        destination: await adapter.describeDestination(deps, claimed, ctx.settings),
        eventTitle: claimed.carries
          ? `${claimed.eventTitle} (and ${claimed.carries} more notification${claimed.carries === 1 ? '' : 's'} merged into the same post)`
          : claimed.eventTitle,
        reason: error,
        secrets,
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
  // A 429's Retry-After holds every message to that destination, not only this one (pacing.ts).
  const paceKey = paceKeyOf(claimed);
  if (outcome.retryAfterMs !== undefined && paceKey !== null) await holdDestination(deps.db, paceKey, finishedAt + outcome.retryAfterMs);
  // No point waking before the endpoint may be tried again; the same goes for everything else queued for it.
  if (outcome.restUntil !== undefined) {
    nextAttemptAt = Math.max(nextAttemptAt, outcome.restUntil);
    if (claimed.webhookId !== null) await deferWaitingForWebhook(deps, claimed.webhookId, outcome.restUntil, finishedAt);
  }
  return (await recordAttempt(deps, claimed, failedAttempt, { status: 'retrying', nextAttemptAt })) ? 'retrying' : 'lost';
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
  const resolved = await adapter.resolveTarget(deps, claimed, ctx.settings, ctx);
  if (!resolved.ok) return resolved.outcome;
  return adapter.send(deps, { delivery: claimed, target: resolved.target, content: claimed.content }, ctx);
}
