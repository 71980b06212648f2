/**
 * The delivery log as people read it. Superusers see every delivery; other users those addressed to them
 * (user_id) and those of the webhooks they own now (a webhook handed to someone else takes its history along).
 *
 * What a receiver answered (its body, where a redirect pointed, an SMTP server's words) is kept in full, secrets
 * redacted, and shown to superusers only; everyone else reads the summary stored beside it (the status code and
 * a short reason). Secrets are redacted again from everything that leaves, in all their encodings.
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
import { and, eq, gte, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { columnsOf, decodeRow, findRows } from '../db/rows';
import { deliveries, deliveryAttempts } from '../db/schema';
import { teamsSecretsOf } from '../delivery/channels/msteams';
import { describeHttpStatus } from '../delivery/outcome';
import { retryDeliveryNow } from '../delivery/queue';
import { openSecret } from '../delivery/secrets';
import { getSystemSettings, settingsSecretsOf, type TSystemSettings } from '../delivery/settings';
import { conflict, forbidden, notFound } from '../lib/errors';
import { redactSecrets } from '../lib/text';
import { toIso, toIsoOrNull } from '../lib/time';

const HOUR_MS = 3_600_000;
// Inlined, not bound: a bound JS number may arrive as REAL, turning the hour truncation into plain division.
const HOUR_SQL = sql.raw(String(HOUR_MS));

type DeliveryRow = typeof deliveries.$inferSelect;
type SystemSettingsRow = TSystemSettings;
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
  destinationName: string | null;
  destinationKind: string | null;
  destinationUrl: string | null;
  destinationHeaderValue: string | null;
  destinationSigningSecret: string | null;
};

/**
 * Rows the caller may see: everything for superusers; else their own mail and Slack deliveries, and the
 * deliveries of the webhooks they own now. A webhook row's user_id names whose notification it was; the
 * endpoint's owner decides who sees it, so a webhook handed over takes its history to its new owner.
 */
function visibleTo(caller: UserRow): SQL | undefined {
  if (caller.isSuperuser) return undefined;
  return or(
    and(sql`${deliveries.webhookId} is null`, eq(deliveries.userId, caller.id)),
    sql`${deliveries.webhookId} in (select id from webhooks where owner_id = ${caller.id})`,
  );
}

type TJoinedColumns = Omit<JoinedRow, 'delivery'>;

/** Deliveries with their event, user and webhook, newest first. */
async function findJoined(deps: Deps, where: SQL | undefined, page?: { limit: number; offset: number }): Promise<JoinedRow[]> {
  const rows = await deps.db.all<Record<string, unknown> & TJoinedColumns>(sql`select ${columnsOf(deliveries)},
      e.name as "eventName", e.title as "eventTitle", u.username as "username", u.email as "userEmail",
      u.slack_email as "userSlackEmail", w.name as "webhookName",
      w.header_value as "webhookHeaderValue", w.signing_secret as "webhookSigningSecret",
      dst.name as "destinationName", dst.kind as "destinationKind", dst.url as "destinationUrl",
      dst.header_value as "destinationHeaderValue", dst.signing_secret as "destinationSigningSecret"
    from deliveries
      left join events e on e.id = deliveries.event_id
      left join users u on u.id = deliveries.user_id
      left join webhooks w on w.id = deliveries.webhook_id
      left join destinations dst on dst.id = deliveries.destination_id
    ${where ? sql`where ${where}` : sql``}
    order by deliveries.id desc
    ${page ? sql`limit ${page.limit} offset ${page.offset}` : sql``}`);
  return rows.map(
    ({
      eventName,
      eventTitle,
      username,
      userEmail,
      userSlackEmail,
      webhookName,
      webhookHeaderValue,
      webhookSigningSecret,
      destinationName,
      destinationKind,
      destinationUrl,
      destinationHeaderValue,
      destinationSigningSecret,
      ...row
    }) => ({
      delivery: decodeRow(deliveries, row),
      destinationName,
      destinationKind,
      destinationUrl,
      destinationHeaderValue,
      destinationSigningSecret,
      eventName,
      eventTitle,
      username,
      userEmail,
      userSlackEmail,
      webhookName,
      // Read only to scrub them from errors and content; never returned.
      webhookHeaderValue,
      webhookSigningSecret,
    }),
  );
}

/** Where a delivery goes, in words, from today's settings (the system address may have changed since). */
function describeDestination(row: JoinedRow, settings: SystemSettingsRow): string {
  const d = row.delivery;
  if (d.destinationId !== null) return `Destination ${row.destinationName ?? `#${d.destinationId}`}`;
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

/** Secrets that a receiver could echo into an error, or that rendering could have put into content: all in clear. */
function secretsOf(deps: Deps, row: JoinedRow, settings: SystemSettingsRow): string[] {
  return [
    openSecret(deps, row.webhookHeaderValue).value,
    openSecret(deps, row.webhookSigningSecret).value,
    openSecret(deps, row.destinationHeaderValue).value,
    openSecret(deps, row.destinationSigningSecret).value,
    ...(row.destinationKind === 'msteams' ? teamsSecretsOf(openSecret(deps, row.destinationUrl).value) : []),
    ...settingsSecretsOf(settings),
    ...teamsSecretsOf(settings.msteamsUrl),
  ].filter((s) => s !== '');
}

/**
 * An error as `caller` may read it: the whole text for superusers, the summary for everyone else. A row
 * written before summaries were kept has none: its status code stands in, never the old text.
 */
function errorFor(
  caller: UserRow,
  error: string | null,
  summary: string | null,
  responseCode: number | null,
  secrets: readonly string[],
): string | null {
  if (error === null) return null;
  if (caller.isSuperuser) return redactSecrets(error, secrets);
  if (summary !== null) return redactSecrets(summary, secrets);
  return responseCode === null
    ? 'The delivery failed; a superuser can see the details in the delivery log.'
    : `The destination answered ${describeHttpStatus(responseCode)}.`;
}

/** A sent delivery in words, where the status alone would mislead: Teams Workflows accept the card (202) and post it later. */
function describeSent(d: DeliveryRow): string | null {
  if (d.carriedBy !== null) {
    const post = `one merged post with other notifications to the same destination (delivery ${d.carriedBy})`;
    if (d.status === 'carried') return `Waiting to go out in ${post}.`;
    if (d.status === 'sent') return `Sent in ${post}.`;
    if (d.status === 'failed') return `Failed with ${post}.`;
  }
  if (d.status === 'sent' && d.channel === 'msteams' && d.responseCode === 202) {
    return 'Accepted by Teams (HTTP 202): the workflow posts the card to its chat or channel.';
  }
  return null;
}

function toDeliveryDto(deps: Deps, caller: UserRow, row: JoinedRow, settings: SystemSettingsRow): TDelivery {
  const d = row.delivery;
  const isPending = d.status === 'queued' || d.status === 'retrying' || d.status === 'carried';
  const secrets = secretsOf(deps, row, settings);
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
    destination_id: d.destinationId,
    carried_by: d.carriedBy,
    status: d.status as TDeliveryStatus,
    attempts: d.attempts,
    last_error: errorFor(caller, d.lastError, d.lastErrorSummary, d.responseCode, secrets),
    response_code: d.responseCode,
    note: describeSent(d),
    next_attempt_at: isPending ? toIso(d.nextAttemptAt) : null,
    created_at: toIso(d.createdAt),
    updated_at: toIso(d.updatedAt),
    sent_at: toIsoOrNull(d.sentAt),
  };
}

export async function listDeliveries(deps: Deps, caller: UserRow, query: TDeliveriesQuery): Promise<TDeliveryPage> {
  const page = query.page;
  const pageSize = query.page_size;
  if (query.destination_id !== undefined && !caller.isSuperuser)
    throw forbidden('Only superusers can read the deliveries of a destination.');
  const where = and(
    query.destination_id !== undefined ? eq(deliveries.destinationId, query.destination_id) : undefined,
    visibleTo(caller),
    query.status ? eq(deliveries.status, query.status) : undefined,
    query.channel ? eq(deliveries.channel, query.channel) : undefined,
    query.event ? sql`e.name = ${query.event}` : undefined,
    query.since ? gte(deliveries.createdAt, Date.parse(query.since)) : undefined,
    query.until ? lt(deliveries.createdAt, Date.parse(query.until)) : undefined,
  );
  const counted = await deps.db.get<{ n: number }>(
    sql`select count(*) as n from deliveries left join events e on e.id = deliveries.event_id ${where ? sql`where ${where}` : sql``}`,
  );
  const rows = await findJoined(deps, where, { limit: pageSize, offset: (page - 1) * pageSize });
  const settings = await getSystemSettings(deps);
  return { items: rows.map((r) => toDeliveryDto(deps, caller, r, settings)), total: counted?.n ?? 0, page, page_size: pageSize };
}

async function getVisibleRow(deps: Deps, caller: UserRow, id: number): Promise<JoinedRow> {
  const [row] = await findJoined(deps, and(eq(deliveries.id, id), visibleTo(caller)));
  if (!row) throw notFound(`Delivery ${id}`);
  return row;
}

function parseContent(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export async function getDelivery(deps: Deps, caller: UserRow, id: number): Promise<TDeliveryDetail> {
  const row = await getVisibleRow(deps, caller, id);
  const settings = await getSystemSettings(deps);
  const attempts = await findRows(deps.db, deliveryAttempts, eq(deliveryAttempts.deliveryId, id), { orderBy: sql`${deliveryAttempts.id}` });
  const secrets = secretsOf(deps, row, settings);
  const content = row.delivery.content === null ? null : parseContent(redactSecrets(row.delivery.content, secrets));
  return {
    ...toDeliveryDto(deps, caller, row, settings),
    attempt_list: attempts.map((a) => ({
      id: a.id,
      started_at: toIso(a.startedAt),
      finished_at: toIso(a.finishedAt),
      ok: a.ok,
      response_code: a.responseCode,
      error: errorFor(caller, a.error, a.errorSummary, a.responseCode, secrets),
    })),
    content,
  };
}

/**
 * "Retry now" (superusers, or whoever sees the delivery): a failed delivery goes back in the queue with a fresh
 * attempt budget, a retrying one is sent now instead of at its retry time. One for a deactivated webhook is
 * refused (409, saying so): it would only fail again.
 */
export async function retryDelivery(deps: Deps, caller: UserRow, id: number): Promise<TDeliveryDetail> {
  const row = await getVisibleRow(deps, caller, id);
  if (row.delivery.status !== 'failed' && row.delivery.status !== 'retrying') {
    throw conflict(`Only failed deliveries can be retried (and retrying ones sent now); this one is ${row.delivery.status}.`);
  }
  await retryDeliveryNow(deps, id);
  return getDelivery(deps, caller, id);
}

type TStatsRow = { channel: string; hour: number; n: number };
type TCountRow = { channel: string; status: string; n: number };

const PENDING = ['queued', 'retrying'] as const;

/**
 * Per channel and hour over the last `hours`: sent (by sent time), finally failed (by failure time), and still
 * queued or retrying (by creation time); and each channel's backlog now (queued and retrying, however old).
 */
export async function getDeliveryStats(deps: Deps, caller: UserRow, hours: number): Promise<TDeliveryStats> {
  const now = deps.now();
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
  const endHour = firstHour + hours * HOUR_MS;
  const visible = visibleTo(caller);
  const countPerHour = (status: string, at: typeof deliveries.sentAt | typeof deliveries.updatedAt | typeof deliveries.createdAt) =>
    deps.db.all<TStatsRow>(sql`select channel, (${at} / ${HOUR_SQL}) * ${HOUR_SQL} as hour, count(*) as n
      from deliveries
      where ${and(visible, eq(deliveries.status, status), gte(at, firstHour), lt(at, endHour))}
      group by channel, 2`);
  const sent = await countPerHour('sent', deliveries.sentAt);
  const failed = await countPerHour('failed', deliveries.updatedAt);
  const queued = await countPerHour('queued', deliveries.createdAt);
  const retrying = await countPerHour('retrying', deliveries.createdAt);
  const backlog = await deps.db.all<TCountRow>(sql`select channel, status, count(*) as n from deliveries
    where ${and(visible, inArray(deliveries.status, [...PENDING]))}
    group by channel, status`);

  const channels = EXTERNAL_CHANNELS.map((channel) => {
    const buckets = Array.from({ length: hours }, (_, i) => ({
      start: firstHour + i * HOUR_MS,
      sent: 0,
      failed: 0,
      queued: 0,
      retrying: 0,
    }));
    const bucketAt = (hour: number) => buckets[Math.floor((hour - firstHour) / HOUR_MS)];
    const add = (rows: TStatsRow[], key: 'sent' | 'failed' | 'queued' | 'retrying') => {
      for (const r of rows) if (r.channel === channel) bucketAt(r.hour)![key] += r.n;
    };
    add(sent, 'sent');
    add(failed, 'failed');
    add(queued, 'queued');
    add(retrying, 'retrying');
    const pending = (status: string) => backlog.find((r) => r.channel === channel && r.status === status)?.n ?? 0;
    return {
      channel: channel as TExternalChannel,
      sent: buckets.reduce((n, b) => n + b.sent, 0),
      failed: buckets.reduce((n, b) => n + b.failed, 0),
      queued: pending('queued'),
      retrying: pending('retrying'),
      buckets: buckets.map((b) => ({ start: toIso(b.start), sent: b.sent, failed: b.failed, queued: b.queued, retrying: b.retrying })),
    };
  });
  return { hours, since: toIso(firstHour), until: toIso(now), channels };
}
