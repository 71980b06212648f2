/**
 * The delivery queue in SQL: claim due rows with a lease, record an attempt's outcome, release rows.
 *
 * A row is due when it is queued or retrying with next_attempt_at <= now, or when it is 'sending'
 * and its lease has passed (its worker died). Claiming sets status 'sending' and lease_until in one
 * IMMEDIATE transaction, so two claimers never take the same row (with PostgreSQL this becomes
 * SELECT ... FOR UPDATE SKIP LOCKED). Content is rendered and stored in the same transaction, before
 * anything is sent, so every retry sends the bytes of the first attempt.
 * Statements are prepared once per connection: this is the worker's hot path.
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import type { Deps } from '../app-context';
import type { Sqlite } from '../db/client';
import type { users, webhooks } from '../db/schema';
import { loadEventContext, renderDeliveryContent, type TDeliveryContent, type TEventContext, type TRenderEvent } from './render';
import { getPublicBaseUrl, type TSystemSettings } from './settings';

export type TDeliveryTargetKind = 'system' | 'user' | 'webhook';

export type TClaimedDelivery = {
  id: number;
  uuid: string;
  eventId: number;
  channel: string;
  targetKind: string;
  userId: number | null;
  webhookId: number | null;
  /** Attempts made before this one. */
  attempts: number;
  /** The lease this claim holds; outcome writes check it so a claimer that lost its lease changes nothing. */
  leaseUntil: number;
  content: TDeliveryContent;
  eventName: string;
  eventTitle: string;
};

type TDueRow = { id: number; at: number };

export type TWebhookTarget = Omit<typeof webhooks.$inferSelect, 'createdAt'>;
export type TUserTarget = Pick<
  typeof users.$inferSelect,
  'id' | 'username' | 'email' | 'isActive' | 'slackEmail' | 'slackUserId' | 'slackUserIdEmail'
>;
type TClaimRow = Omit<TClaimedDelivery, 'content'> & { content: string | null };

type TStatements = ReturnType<typeof prepareStatements>;
const statementCache = new WeakMap<Sqlite, TStatements>();

function prepareStatements(sqlite: Sqlite) {
  return {
    // One statement per status so each walks the (status, next_attempt_at) index in due order.
    dueQueued: sqlite.prepare<[number, number], TDueRow>(
      `select id, next_attempt_at as at from deliveries
       where status = 'queued' and next_attempt_at <= ? order by next_attempt_at, id limit ?`,
    ),
    dueRetrying: sqlite.prepare<[number, number], TDueRow>(
      `select id, next_attempt_at as at from deliveries
       where status = 'retrying' and next_attempt_at <= ? order by next_attempt_at, id limit ?`,
    ),
    expiredLeases: sqlite.prepare<[number, number], TDueRow>(
      `select id, lease_until as at from deliveries
       where status = 'sending' and lease_until <= ? order by lease_until, id limit ?`,
    ),
    // Per-channel lease: each row is leased for at least as long as its channel's slowest send.
    markSending: sqlite.prepare<[number, number, number, number, number, number, number, string]>(
      `update deliveries set status = 'sending', updated_at = ?,
              lease_until = ? + case channel when 'mail' then ? when 'slack' then ? when 'msteams' then ? when 'webhooks' then ? else ? end
       where id in (select j.value from json_each(?) j)`,
    ),
    selectClaimed: sqlite.prepare<[string], TClaimRow>(
      `select d.id, d.uuid, d.event_id as eventId, d.channel, d.target_kind as targetKind, d.user_id as userId,
              d.webhook_id as webhookId, d.attempts, d.lease_until as leaseUntil, d.content,
              e.name as eventName, e.title as eventTitle
       from deliveries d join events e on e.id = d.event_id
       where d.id in (select j.value from json_each(?) j)
       order by d.next_attempt_at, d.id`,
    ),
    selectEvent: sqlite.prepare<[number], TRenderEvent>(
      `select id, name, title, description, url, source, created_at as createdAt, product_type_id as productTypeId,
              product_id as productId, engagement_id as engagementId
       from events where id = ?`,
    ),
    storeContent: sqlite.prepare<[string, number]>('update deliveries set content = ? where id = ?'),
    insertAttempt: sqlite.prepare<[number, number, number, number, number | null, string | null]>(
      `insert into delivery_attempts (delivery_id, started_at, finished_at, ok, response_code, error) values (?, ?, ?, ?, ?, ?)`,
    ),
    markSent: sqlite.prepare<[number | null, number, number, number, number]>(
      `update deliveries set status = 'sent', attempts = attempts + 1, response_code = ?, last_error = null,
              lease_until = null, sent_at = ?, updated_at = ?
       where id = ? and lease_until = ?`,
    ),
    markRetrying: sqlite.prepare<[number, string, number | null, number, number, number]>(
      `update deliveries set status = 'retrying', attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
              response_code = ?, lease_until = null, updated_at = ?
       where id = ? and lease_until = ?`,
    ),
    markFailed: sqlite.prepare<[string, number | null, number, number, number]>(
      `update deliveries set status = 'failed', attempts = attempts + 1, last_error = ?, response_code = ?,
              lease_until = null, updated_at = ?
       where id = ? and lease_until = ?`,
    ),
    // A note (why it waits) replaces last_error only on rows never attempted: an attempted row keeps its real error.
    release: sqlite.prepare<{ dueAt: number; note: string | null; now: number; id: number; leaseUntil: number }>(
      `update deliveries set status = case when attempts = 0 then 'queued' else 'retrying' end,
              next_attempt_at = @dueAt,
              last_error = case when attempts = 0 and @note is not null then @note else last_error end,
              lease_until = null, updated_at = @now
       where id = @id and lease_until = @leaseUntil`,
    ),
    // Destination lookups for every send, kept off the query builder on the hot path.
    selectWebhook: sqlite.prepare<[number], TWebhookTarget>(
      `select id, name, url, header_name as headerName, header_value as headerValue, signing_secret as signingSecret,
              owner_id as ownerId, status, first_error_at as firstErrorAt, last_error_at as lastErrorAt, note
       from webhooks where id = ?`,
    ),
    selectUser: sqlite.prepare<[number], Omit<TUserTarget, 'isActive'> & { isActive: number }>(
      `select id, username, email, is_active as isActive, slack_email as slackEmail, slack_user_id as slackUserId,
              slack_user_id_email as slackUserIdEmail
       from users where id = ?`,
    ),
    nextQueued: sqlite.prepare<[], { at: number | null }>(`select min(next_attempt_at) as at from deliveries where status = 'queued'`),
    nextRetrying: sqlite.prepare<[], { at: number | null }>(`select min(next_attempt_at) as at from deliveries where status = 'retrying'`),
    nextLease: sqlite.prepare<[], { at: number | null }>(`select min(lease_until) as at from deliveries where status = 'sending'`),
  };
}

function statementsFor(sqlite: Sqlite): TStatements {
  let st = statementCache.get(sqlite);
  if (!st) {
    st = prepareStatements(sqlite);
    statementCache.set(sqlite, st);
  }
  return st;
}

const EXTERNAL: ReadonlySet<string> = new Set<TExternalChannel>(['mail', 'slack', 'msteams', 'webhooks']);

/** How long a row stays leased: at least `leaseMs`, and longer when its channel's slowest send is longer. */
export type TLeases = { minMs: number; byChannel: Record<TExternalChannel, number> };

/**
 * Claim up to `limit` due deliveries, oldest due first, and render the content of those that have none.
 * Rows whose channel is unknown get a placeholder content and fail, with a clear reason, when processed.
 */
export function claimDueDeliveries(deps: Deps, limit: number, settings: TSystemSettings, leases: TLeases): TClaimedDelivery[] {
  if (limit <= 0) return [];
  const st = statementsFor(deps.sqlite);
  const claim = deps.sqlite.transaction((now: number) => {
    const due = [...st.expiredLeases.all(now, limit), ...st.dueQueued.all(now, limit), ...st.dueRetrying.all(now, limit)];
    if (due.length === 0) return [];
    due.sort((a, b) => a.at - b.at || a.id - b.id);
    const ids = JSON.stringify(due.slice(0, limit).map((d) => d.id));
    const lease = (channel: TExternalChannel) => Math.max(leases.minMs, leases.byChannel[channel]);
    st.markSending.run(now, now, lease('mail'), lease('slack'), lease('msteams'), lease('webhooks'), leases.minMs, ids);
    const rows = st.selectClaimed.all(ids);

    const renderSettings = { teamName: settings.teamName, disclaimer: settings.disclaimer, baseUrl: getPublicBaseUrl(deps.env) };
    const eventCache = new Map<number, { event: TRenderEvent; ctx: TEventContext } | null>();
    const claimed: TClaimedDelivery[] = [];
    for (const row of rows) {
      let content: TDeliveryContent | null = null;
      if (row.content !== null) {
        content = parseContent(row.content);
      } else if (EXTERNAL.has(row.channel)) {
        let cached = eventCache.get(row.eventId);
        if (cached === undefined) {
          const event = st.selectEvent.get(row.eventId);
          cached = event ? { event, ctx: loadEventContext(deps, event) } : null;
          eventCache.set(row.eventId, cached);
        }
        if (cached) {
          content = renderDeliveryContent(row.channel as TExternalChannel, cached.event, cached.ctx, renderSettings, row.uuid);
          st.storeContent.run(JSON.stringify(content), row.id);
        }
      }
      // Nothing to render (unknown channel, event gone): a placeholder the worker fails permanently with a clear reason.
      claimed.push({ ...row, content: content ?? ({ channel: '(none)' } as unknown as TDeliveryContent) });
    }
    return claimed;
  });
  return claim.immediate(deps.now());
}

/** A row whose stored content cannot be read must fail on its own, not break every claim that includes it. */
function parseContent(text: string): TDeliveryContent | null {
  try {
    const parsed = JSON.parse(text) as TDeliveryContent;
    return parsed && typeof parsed === 'object' && typeof parsed.channel === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

export type TAttemptRecord = { startedAt: number; finishedAt: number; ok: boolean; responseCode: number | null; error: string | null };

/** Record one attempt and the row's new state. Returns false when the lease was lost (another claimer owns the row now). */
export function recordAttempt(
  deps: Deps,
  claimed: Pick<TClaimedDelivery, 'id' | 'leaseUntil'>,
  attempt: TAttemptRecord,
  next: { status: 'sent' } | { status: 'retrying'; nextAttemptAt: number } | { status: 'failed' },
): boolean {
  const st = statementsFor(deps.sqlite);
  const write = deps.sqlite.transaction(() => {
    st.insertAttempt.run(claimed.id, attempt.startedAt, attempt.finishedAt, attempt.ok ? 1 : 0, attempt.responseCode, attempt.error);
    const now = attempt.finishedAt;
    if (next.status === 'sent') return st.markSent.run(attempt.responseCode, now, now, claimed.id, claimed.leaseUntil).changes;
    if (next.status === 'retrying') {
      return st.markRetrying.run(next.nextAttemptAt, attempt.error ?? '', attempt.responseCode, now, claimed.id, claimed.leaseUntil)
        .changes;
    }
    return st.markFailed.run(attempt.error ?? '', attempt.responseCode, now, claimed.id, claimed.leaseUntil).changes;
  });
  return write.immediate() === 1;
}

/** Put a claimed row back without counting an attempt: queued (or retrying when it has attempts), due at `dueAt`. */
export function releaseDelivery(
  deps: Deps,
  claimed: Pick<TClaimedDelivery, 'id' | 'leaseUntil'>,
  dueAt: number,
  note: string | null = null,
): boolean {
  const st = statementsFor(deps.sqlite);
  return st.release.run({ dueAt, note, now: deps.now(), id: claimed.id, leaseUntil: claimed.leaseUntil }).changes === 1;
}

/** The earliest time something becomes due (a queued/retrying row or an expiring lease), or null when the queue is empty. */
export function findNextDueAt(deps: Deps): number | null {
  const st = statementsFor(deps.sqlite);
  const times = [st.nextQueued.get()?.at, st.nextRetrying.get()?.at, st.nextLease.get()?.at].filter(
    (t): t is number => typeof t === 'number',
  );
  return times.length === 0 ? null : Math.min(...times);
}

export function findWebhookTarget(deps: Deps, id: number): TWebhookTarget | undefined {
  return statementsFor(deps.sqlite).selectWebhook.get(id);
}

export function findUserTarget(deps: Deps, id: number): TUserTarget | undefined {
  const row = statementsFor(deps.sqlite).selectUser.get(id);
  return row ? { ...row, isActive: row.isActive === 1 } : undefined;
}
