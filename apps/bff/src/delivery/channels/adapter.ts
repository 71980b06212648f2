/**
 * What a channel is to the rest of the delivery pipeline: one adapter object per channel (mail.ts, slack.ts,
 * msteams.ts, webhook.ts), all of this type, listed in registry.ts. The worker, "Send a test", the failure
 * alerts and the lease computation loop over the registry instead of switching on channel names, so adding a
 * channel to the contract's list is one adapter file here plus its templates in render.ts.
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import type { Deps } from '../../app-context';
import { isTruthy } from '../../db/database';
import type { users, webhooks } from '../../db/schema';
import { permanent, type TSendOutcome } from '../outcome';
import type { TAttemptRecord, TClaimedDelivery, TLease } from '../queue';
import type { TDeliveryContent, TEventContext, TMergedItem, TRenderEvent, TRenderSettings } from '../render';
import type { TSystemSettings } from '../settings';

/** The fields of a delivery row that say where it goes. */
export type TDeliveryAddress = Pick<TClaimedDelivery, 'channel' | 'targetKind' | 'userId' | 'webhookId' | 'destinationId'>;

/** Where a row cannot go is a permanent failure with the reason in words. */
export type TResolvedTarget<TTarget> = { ok: true; target: TTarget } | { ok: false; outcome: TSendOutcome };

/** An attempt that must not happen now: put the row back, due at `until`, without counting an attempt. */
export type TDefer = { defer: true; until: number; note: string | null };

/** What one send needs from the engine: the settings of its batch, the stop signal, and state shared across sends. */
export type TSendContext = {
  settings: TSystemSettings;
  signal: AbortSignal;
  /** Destinations with a probe in flight (the first request after a rest); others wait for its answer. */
  probes: Set<string>;
  /**
   * The webhook endpoints of the claimed batch, read in one query as it was claimed (worker.ts), so a send does
   * not read its endpoint again (a round trip per delivery on PostgreSQL). An endpoint missing here is looked up.
   */
  webhooks?: ReadonlyMap<number, TWebhookTarget>;
  /**
   * Records a successful send of a row that carries no others, together with the other sends that finish
   * meanwhile (worker.ts's group commit); absent, each is recorded on its own (queue.ts recordAttempt).
   */
  recordSent?: (lease: TLease, attempt: TAttemptRecord) => Promise<boolean>;
};

/** A test message, rendered like a real one, for "Send a test" in System Settings and on the Webhooks page. */
export type TTestMessage = { settings: TSystemSettings; event: TRenderEvent; context: TEventContext; render: TRenderSettings };

/** Where to send a test: another address or channel than the configured one, or one webhook. */
export type TTestTarget = { to?: string; webhookId?: number };

export type TTestNotificationResult = { ok: boolean; message: string; responseCode?: number };

export type TChannelAdapter<TTarget = unknown, TContent extends TDeliveryContent = TDeliveryContent> = {
  readonly channel: TExternalChannel;
  /** How the superusers' failure alerts name the channel: "Email notification failed: …", source and icon. */
  readonly notice: { words: string; source: string; icon: string };
  /** The message for one event, rendered once and stored before the first attempt (templates in render.ts). */
  render(event: TRenderEvent, context: TEventContext, settings: TRenderSettings, deliveryUuid: string): TContent;
  /**
   * Several pending messages to one destination as one message (pacing merges them, queue.ts). Only chat channels
   * have it: a mail is one notice, and webhook receivers expect one event per request.
   */
  renderMerged?(items: readonly TMergedItem[], settings: TRenderSettings): TContent;
  /** The row's destination (the system destination, a user or a webhook), or why it has none. */
  resolveTarget(
    deps: Deps,
    row: TDeliveryAddress,
    settings: TSystemSettings,
    preloaded?: Pick<TSendContext, 'webhooks'>,
  ): Promise<TResolvedTarget<TTarget>>;
  /** One attempt of one delivery. */
  send(
    deps: Deps,
    job: { delivery: TClaimedDelivery; target: TTarget; content: TContent },
    ctx: TSendContext,
  ): Promise<TSendOutcome | TDefer>;
  /** A real test message now, with the provider's own words on failure; no state changes. */
  sendTest(deps: Deps, message: TTestMessage, target: TTestTarget): Promise<TTestNotificationResult>;
  /** The destination in words, for the superusers' failure alert: "alice's Slack DM (alice@example.com)". */
  describeDestination(deps: Deps, row: TDeliveryAddress, settings: TSystemSettings): Promise<string>;
  /** What in the settings keeps this channel from sending, in words (empty when nothing does). */
  findConfigProblems(settings: TSystemSettings): string[];
  /** The longest one send may take, margin included: a row's lease must outlast it, or it could be sent twice. */
  leaseMs(settings: TSystemSettings): number;
};

/** Added to each channel's slowest send: the time to record the outcome after it. */
export const LEASE_MARGIN_MS = 2_000;

export type TWebhookTarget = Omit<typeof webhooks.$inferSelect, 'createdAt'>;
export type TUserTarget = Pick<
  typeof users.$inferSelect,
  'id' | 'username' | 'email' | 'isActive' | 'slackEmail' | 'slackUserId' | 'slackUserIdEmail'
>;

const WEBHOOK_TARGET_COLUMNS = sql`id, name, url, header_name as "headerName", header_value as "headerValue",
  signing_secret as "signingSecret", owner_id as "ownerId", status, first_error_at as "firstErrorAt",
  last_error_at as "lastErrorAt", note`;

export async function findWebhookTarget(deps: Deps, id: number): Promise<TWebhookTarget | undefined> {
  return deps.db.get<TWebhookTarget>(sql`select ${WEBHOOK_TARGET_COLUMNS} from webhooks where id = ${id}`);
}

/** The endpoints of several webhook rows in one query (a claimed batch), by id; unknown ids are absent. */
export async function findWebhookTargets(deps: Deps, ids: readonly number[]): Promise<Map<number, TWebhookTarget>> {
  if (ids.length === 0) return new Map();
  const rows = await deps.db.all<TWebhookTarget>(
    sql`select ${WEBHOOK_TARGET_COLUMNS} from webhooks where ${deps.db.fragments.inIds(sql`id`, ids)}`,
  );
  return new Map(rows.map((r) => [Number(r.id), r]));
}

export async function findUserTarget(deps: Deps, id: number | null): Promise<TUserTarget | undefined> {
  if (id === null) return undefined;
  const row = await deps.db.get<Omit<TUserTarget, 'isActive'> & { isActive: unknown }>(sql`select id, username, email,
      is_active as "isActive", slack_email as "slackEmail", slack_user_id as "slackUserId", slack_user_id_email as "slackUserIdEmail"
    from users where id = ${id}`);
  return row ? { ...row, isActive: isTruthy(row.isActive) } : undefined;
}

/** A personal destination: the user must still exist and be active. */
export async function resolveActiveUser(deps: Deps, userId: number | null): Promise<TResolvedTarget<TUserTarget>> {
  const user = await findUserTarget(deps, userId);
  if (!user) return { ok: false, outcome: permanent(`User ${userId} no longer exists, so this was not sent.`) };
  if (!user.isActive) return { ok: false, outcome: permanent(`${user.username} is deactivated, so this was not sent.`) };
  return { ok: true, target: user };
}

export function describeWebhook(hook: Pick<TWebhookTarget, 'name' | 'url'> | undefined, webhookId: number | null): string {
  return hook ? `webhook "${hook.name}" (${hook.url})` : `webhook ${webhookId ?? '(none)'}`;
}

/** A row addressed to a kind of destination its channel does not serve, in words all the same. */
export async function describeOtherDestination(deps: Deps, row: TDeliveryAddress): Promise<string> {
  if (row.targetKind === 'webhook') {
    return describeWebhook(row.webhookId === null ? undefined : await findWebhookTarget(deps, row.webhookId), row.webhookId);
  }
  if (row.targetKind === 'user') {
    const user = await findUserTarget(deps, row.userId);
    return `${user?.username ?? `user ${row.userId}`} (${row.channel})`;
  }
  return `the system ${row.channel} destination`;
}

export function toTestResult(outcome: TSendOutcome, success: string): TTestNotificationResult {
  if (outcome.ok) return { ok: true, message: success, responseCode: outcome.responseCode };
  return { ok: false, message: outcome.error, responseCode: outcome.responseCode };
}
