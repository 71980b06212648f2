/** The delivery log: one row per (destination, channel) of an event, with its attempts. */
import { z } from 'zod';
import { EXTERNAL_CHANNELS } from './catalogue';
import { ZIntId, ZPage } from './common';

/** carried: merged into another delivery's chat post (carried_by), which is sent, retried or failed for both. */
export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'retrying', 'failed', 'carried'] as const;
export const ZDeliveryStatus = z.enum(DELIVERY_STATUSES);
export type TDeliveryStatus = z.infer<typeof ZDeliveryStatus>;

export const DELIVERY_STATUS_LABELS: Record<TDeliveryStatus, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  retrying: 'Retrying',
  failed: 'Failed',
  carried: 'In a merged post',
};

export const ZDeliveryChannel = z.enum(EXTERNAL_CHANNELS);

export const ZDelivery = z.object({
  id: z.number().int(),
  uuid: z.string(),
  event_id: z.number().int(),
  /** The event name as sent. */
  event: z.string(),
  event_title: z.string(),
  channel: z.string(),
  /** system | user | webhook */
  target_kind: z.string(),
  /** Where it goes, in words: "System address (security@example.com)", "alice (alice@example.com)", "Webhook SIEM". */
  destination: z.string(),
  user_id: z.number().int().nullable(),
  webhook_id: z.number().int().nullable(),
  /** target_kind destination: the named destination a system rule sent it to (superusers only see these). */
  destination_id: z.number().int().nullable(),
  /**
   * The delivery whose merged chat post carries (or carried) this one's event, or null. Pacing merges several
   * waiting Slack or Teams messages to one destination into one post; each keeps its own row, status and log.
   */
  carried_by: z.number().int().nullable(),
  status: ZDeliveryStatus,
  attempts: z.number().int(),
  /**
   * Why it failed or waits. Superusers read the whole error, with what the receiver answered (its body, where a
   * redirect pointed); everyone else the status code and a short reason ("The webhook answered HTTP 500 Internal
   * Server Error."). Secrets are redacted either way.
   */
  last_error: z.string().nullable(),
  response_code: z.number().int().nullable(),
  /** What the destination said of a sent delivery, in words ("Accepted by Teams" for a Workflows 202), or null. */
  note: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  sent_at: z.string().nullable(),
});
export type TDelivery = z.infer<typeof ZDelivery>;

export const ZDeliveryPage = ZPage(ZDelivery);
export type TDeliveryPage = z.infer<typeof ZDeliveryPage>;

export const ZDeliveryAttempt = z.object({
  id: z.number().int(),
  started_at: z.string(),
  finished_at: z.string(),
  ok: z.boolean(),
  response_code: z.number().int().nullable(),
  /** As ZDelivery.last_error: the whole error for superusers, a summary for everyone else. */
  error: z.string().nullable(),
});
export type TDeliveryAttempt = z.infer<typeof ZDeliveryAttempt>;

export const ZDeliveryDetail = ZDelivery.extend({
  attempt_list: z.array(ZDeliveryAttempt),
  /** The rendered message (JSON), or null before the first attempt rendered it. */
  content: z.unknown().nullable(),
});
export type TDeliveryDetail = z.infer<typeof ZDeliveryDetail>;

const ZIsoTime = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 time such as 2026-01-31T12:00:00Z' });

export const ZDeliveriesQuery = z.object({
  status: ZDeliveryStatus.optional(),
  channel: ZDeliveryChannel.optional(),
  event: z.string().trim().max(64).optional(),
  since: ZIsoTime.optional(),
  until: ZIsoTime.optional(),
  /** One named destination's deliveries (superusers). */
  destination_id: ZIntId.optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(25),
});
export type TDeliveriesQuery = z.output<typeof ZDeliveriesQuery>;

export const ZDeliveryStatsQuery = z.object({
  hours: z.coerce.number().int().min(1, 'Use 1 to 168 hours').max(168, 'Use 1 to 168 hours').default(24),
});

export const ZDeliveryStatsBucket = z.object({
  /** Start of the hour. */
  start: z.string(),
  /** Sent in this hour. */
  sent: z.number().int(),
  /** Failed for good in this hour. */
  failed: z.number().int(),
  /** Created in this hour and still waiting for their first attempt. */
  queued: z.number().int(),
  /** Created in this hour and still waiting for a retry. */
  retrying: z.number().int(),
});
export const ZDeliveryChannelStats = z.object({
  channel: ZDeliveryChannel,
  sent: z.number().int(),
  failed: z.number().int(),
  /** Waiting now for their first attempt, however old (the backlog). */
  queued: z.number().int(),
  /** Waiting now for a retry, however old. */
  retrying: z.number().int(),
  buckets: z.array(ZDeliveryStatsBucket),
});
/**
 * GET /api/deliveries/stats: per channel and hour, deliveries sent (by sent time), finally failed (by failure
 * time), and still queued or retrying (by creation time); plus each channel's queued and retrying backlog now.
 */
export const ZDeliveryStats = z.object({
  hours: z.number().int(),
  since: z.string(),
  until: z.string(),
  channels: z.array(ZDeliveryChannelStats),
});
export type TDeliveryStats = z.infer<typeof ZDeliveryStats>;
