/**
 * The delivery log as people read it. Superusers see every delivery; other users only those addressed
 * to them (user_id) or to a webhook they own. Secrets are scrubbed from rendered content before it leaves.
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import { EXTERNAL_CHANNELS } from '@tocsin/contract/catalogue';
import type {
  TDeliveriesQuery,
  TDelivery,
  TDeliveryDetail,
  TDeliveryPage,
  TDeliveryStats,
  TDeliveryStatus,
} from '@tocsin/contract/deliveries';
import { and, asc, desc, eq, gte, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { deliveries, deliveryAttempts, events, users, webhooks } from '../db/schema';
import { retryDeliveryNow } from '../delivery/retry';
import { getSystemSettings } from '../delivery/settings';
import { conflict, notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';

const HOUR_MS = 3_600_000;
// Inlined, not bound: a bound JS number may arrive as REAL, turning the hour truncation into plain division.
const HOUR_SQL = sql.raw(String(HOUR_MS));
const REDACTED = '[redacted]';

type DeliveryRow = typeof deliveries.$inferSelect;
type SystemSettingsRow = ReturnType<typeof getSystemSettings>;
type JoinedRow = {
  delivery: DeliveryRow;
  eventName: string | null;
  eventTitle: string | null;
  username: string | null;
  userEmail: string | null;
  userSlackEmail: string | null;
  webhookName: string | null;
  webhookHeaderValue: string | null;
  webhookSigningSecret: string | null;
};

/** Rows the caller may see: everything for superusers, else their own deliveries and their webhooks'. */
function visibleTo(caller: UserRow): SQL | undefined {
  if (caller.isSuperuser) return undefined;
  return or(
    eq(deliveries.userId, caller.id),
    inArray(deliveries.webhookId, sql`(select ${webhooks.id} from ${webhooks} where ${webhooks.ownerId} = ${caller.id})`),
  );
}

function selectJoined(deps: Deps) {
  return deps.db
    .select({
      delivery: deliveries,
      eventName: events.name,
      eventTitle: events.title,
      username: users.username,
      userEmail: users.email,
      userSlackEmail: users.slackEmail,
      webhookName: webhooks.name,
      // Read only to scrub them from errors and content; never returned.
      webhookHeaderValue: webhooks.headerValue,
      webhookSigningSecret: webhooks.signingSecret,
    })
    .from(deliveries)
    .leftJoin(events, eq(events.id, deliveries.eventId))
    .leftJoin(users, eq(users.id, deliveries.userId))
    .leftJoin(webhooks, eq(webhooks.id, deliveries.webhookId));
}

/** Where a delivery goes, in words, from today's settings (the system address may have changed since). */
function describeDestination(row: JoinedRow, settings: SystemSettingsRow): string {
  const d = row.delivery;
  if (d.webhookId !== null) return `Webhook ${row.webhookName ?? `#${d.webhookId}`}`;
  if (d.userId !== null) {
    const who = row.username ?? `user #${d.userId}`;
    if (d.channel === 'mail') return `${who} (${row.userEmail ?? 'no email'})`;
    if (d.channel === 'slack') return `${who} (Slack DM${row.userSlackEmail ? ` to ${row.userSlackEmail}` : ''})`;
    return who;
  }
  switch (d.channel) {
    case 'mail':
      return `System address (${settings.mailTo || 'not set'})`;
    case 'slack':
      return `System Slack channel (${settings.slackChannel || 'not set'})`;
    case 'msteams':
      return 'System Teams channel';
    default:
      return 'System destination';
  }
}

/** Secrets that a receiver could echo into an error, or that rendering could have put into content. */
function secretsOf(row: JoinedRow, settings: SystemSettingsRow): (string | null)[] {
  return [row.webhookHeaderValue, row.webhookSigningSecret, settings.slackToken, settings.smtpPassword];
}

function toDeliveryDto(row: JoinedRow, settings: SystemSettingsRow): TDelivery {
  const d = row.delivery;
  const isPending = d.status === 'queued' || d.status === 'retrying';
  return {
    id: d.id,
    uuid: d.uuid,
    event_id: d.eventId,
    event: row.eventName ?? '',
    event_title: row.eventTitle ?? '',
    channel: d.channel,
    target_kind: d.targetKind,
    destination: describeDestination(row, settings),
    user_id: d.userId,
    webhook_id: d.webhookId,
    status: d.status as TDeliveryStatus,
    attempts: d.attempts,
    last_error: d.lastError === null ? null : scrubSecrets(d.lastError, secretsOf(row, settings)),
    response_code: d.responseCode,
    next_attempt_at: isPending ? toIso(d.nextAttemptAt) : null,
    created_at: toIso(d.createdAt),
    updated_at: toIso(d.updatedAt),
    sent_at: toIsoOrNull(d.sentAt),
  };
}

export function listDeliveries(deps: Deps, caller: UserRow, query: TDeliveriesQuery): TDeliveryPage {
  const page = query.page;
  const pageSize = query.page_size;
  const where = and(
    visibleTo(caller),
    query.status ? eq(deliveries.status, query.status) : undefined,
    query.channel ? eq(deliveries.channel, query.channel) : undefined,
    query.event ? eq(events.name, query.event) : undefined,
    query.since ? gte(deliveries.createdAt, Date.parse(query.since)) : undefined,
    query.until ? lt(deliveries.createdAt, Date.parse(query.until)) : undefined,
  );
  const total =
    deps.db.select({ n: sql<number>`count(*)` }).from(deliveries).leftJoin(events, eq(events.id, deliveries.eventId)).where(where).get()
      ?.n ?? 0;
  const rows = selectJoined(deps)
    .where(where)
    .orderBy(desc(deliveries.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const settings = getSystemSettings(deps);
  return { items: rows.map((r) => toDeliveryDto(r, settings)), total, page, page_size: pageSize };
}

function getVisibleRow(deps: Deps, caller: UserRow, id: number): JoinedRow {
  const row = selectJoined(deps)
    .where(and(eq(deliveries.id, id), visibleTo(caller)))
    .get();
  if (!row) throw notFound(`Delivery ${id}`);
  return row;
}

/** Replace every known secret that could appear in rendered content (a webhook's header value or signing secret, the Slack token). */
function scrubSecrets(text: string, secrets: (string | null | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

function parseContent(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export function getDelivery(deps: Deps, caller: UserRow, id: number): TDeliveryDetail {
  const row = getVisibleRow(deps, caller, id);
  const settings = getSystemSettings(deps);
  const attempts = deps.db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, id))
    .orderBy(asc(deliveryAttempts.id))
    .all();
  const secrets = secretsOf(row, settings);
  const content = row.delivery.content === null ? null : parseContent(scrubSecrets(row.delivery.content, secrets));
  return {
    ...toDeliveryDto(row, settings),
    attempt_list: attempts.map((a) => ({
      id: a.id,
      started_at: toIso(a.startedAt),
      finished_at: toIso(a.finishedAt),
      ok: a.ok,
      response_code: a.responseCode,
      error: a.error === null ? null : scrubSecrets(a.error, secrets),
    })),
    content,
  };
}

/** Send a failed delivery again now (superusers, or the user it belongs to). */
export function retryDelivery(deps: Deps, caller: UserRow, id: number): TDeliveryDetail {
  const row = getVisibleRow(deps, caller, id);
  if (row.delivery.status !== 'failed') {
    throw conflict(`Only failed deliveries can be retried; this one is ${row.delivery.status}.`);
  }
  retryDeliveryNow(deps, id);
  return getDelivery(deps, caller, id);
}

/** Deliveries sent (by sent time) and finally failed (by failure time) per channel and hour, oldest hour first. */
export function getDeliveryStats(deps: Deps, caller: UserRow, hours: number): TDeliveryStats {
  const now = deps.now();
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
  const endHour = firstHour + hours * HOUR_MS;
  const visible = visibleTo(caller);
  const sent = deps.db
    .select({
      channel: deliveries.channel,
      hour: sql<number>`(${deliveries.sentAt} / ${HOUR_SQL}) * ${HOUR_SQL}`,
      n: sql<number>`count(*)`,
    })
    .from(deliveries)
    .where(and(visible, eq(deliveries.status, 'sent'), gte(deliveries.sentAt, firstHour), lt(deliveries.sentAt, endHour)))
    .groupBy(deliveries.channel, sql`2`)
    .all();
  const failed = deps.db
    .select({
      channel: deliveries.channel,
      hour: sql<number>`(${deliveries.updatedAt} / ${HOUR_SQL}) * ${HOUR_SQL}`,
      n: sql<number>`count(*)`,
    })
    .from(deliveries)
    .where(and(visible, eq(deliveries.status, 'failed'), gte(deliveries.updatedAt, firstHour), lt(deliveries.updatedAt, endHour)))
    .groupBy(deliveries.channel, sql`2`)
    .all();

  const channels = EXTERNAL_CHANNELS.map((channel) => {
    const buckets = Array.from({ length: hours }, (_, i) => ({ start: firstHour + i * HOUR_MS, sent: 0, failed: 0 }));
    const bucketAt = (hour: number) => buckets[Math.floor((hour - firstHour) / HOUR_MS)];
    for (const r of sent) if (r.channel === channel) bucketAt(r.hour)!.sent += r.n;
    for (const r of failed) if (r.channel === channel) bucketAt(r.hour)!.failed += r.n;
    return {
      channel: channel as TExternalChannel,
      sent: buckets.reduce((n, b) => n + b.sent, 0),
      failed: buckets.reduce((n, b) => n + b.failed, 0),
      buckets: buckets.map((b) => ({ start: toIso(b.start), sent: b.sent, failed: b.failed })),
    };
  });
  return { hours, since: toIso(firstHour), until: toIso(now), channels };
}
