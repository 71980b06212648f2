import { z } from 'zod';
import { EVENT_NAMES } from './catalogue';
import { ZPlainLine } from './plain-text';

export const ZAlert = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  url: z.string(),
  source: z.string(),
  icon: z.string(),
  created: z.string(),
  /** The catalogue event that routed it (null for Tocsin's own notices, e.g. a delivery that failed). */
  event: z.string().nullable(),
  /** The product it is about, if any. */
  product_id: z.number().int().nullable(),
  /** Who raised the event: "alice", "alice via token 'GitLab CI'", or "Tocsin" for its own jobs and domain code. */
  raised_by: z.string(),
  /** Newer than the newest alert the user had seen when they last opened the bell or the Alerts page. */
  is_new: z.boolean(),
  /** Later events with the same dedupe key folded into this alert within the coalescing window: "and N more like this". */
  coalesced_count: z.number().int(),
  /** When the first and the latest of those events came (both `created` when nothing was folded in). */
  first_seen: z.string(),
  last_seen: z.string(),
});
export type TAlert = z.infer<typeof ZAlert>;

/** Longest text search on the Alerts page. */
export const ALERT_SEARCH_MAX = 200;
/** A filtered list counts matches up to this many; beyond it `total` is this number and `total_is_exact` false. */
export const ALERT_FILTERED_TOTAL_CAP = 1000;
/** `new_count` counts up to this many: 100 means "100 or more". */
export const NEW_ALERTS_CAP = 100;

/**
 * GET /api/alerts: my alerts, newest first, optionally filtered (every filter narrows). `since` is inclusive and
 * `until` exclusive (ISO 8601 instants). `q` matches title or description, ignoring case (ASCII letters on SQLite).
 * `before_id` asks for the alerts older than that id (keyset paging: constant cost however deep), instead of `page`.
 */
export const ZAlertListQuery = z
  .strictObject({
    page: z.coerce.number().int().min(1).default(1),
    page_size: z.coerce.number().int().min(1).max(100).default(25),
    event: z.enum(EVENT_NAMES, { message: 'must be an event of the catalogue, such as scan_added' }).optional(),
    product_id: z.coerce.number().int().positive().optional(),
    since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time, such as 2026-03-01T00:00:00Z' }).optional(),
    until: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time, such as 2026-03-31T00:00:00Z' }).optional(),
    q: ZPlainLine.max(ALERT_SEARCH_MAX).optional(),
    before_id: z.coerce.number().int().positive().optional(),
  })
  .refine((v) => v.since === undefined || v.until === undefined || Date.parse(v.since) < Date.parse(v.until), {
    message: 'must be later than since',
    path: ['until'],
  });
export type TAlertListQuery = z.infer<typeof ZAlertListQuery>;

export const ZAlertPage = z.object({
  items: z.array(ZAlert),
  /** Alerts that match (all of my alerts without filters). */
  total: z.number().int(),
  /** False when more than ALERT_FILTERED_TOTAL_CAP alerts match a filter: total is then the cap. */
  total_is_exact: z.boolean(),
  page: z.number().int(),
  page_size: z.number().int(),
  /** Pass as before_id for the next (older) page; null on the last page. */
  next_before_id: z.number().int().nullable(),
  /** My alerts newer than seen_through_id (at most NEW_ALERTS_CAP). */
  new_count: z.number().int(),
  seen_through_id: z.number().int(),
});
export type TAlertPage = z.infer<typeof ZAlertPage>;

/**
 * GET /api/alerts/summary: what the bell shows. count is the number of alerts in the list (reading never lowers
 * it); new_count is how many arrived since I last looked.
 */
export const ZAlertSummary = z.object({
  count: z.number().int(),
  items: z.array(ZAlert),
  new_count: z.number().int(),
  seen_through_id: z.number().int(),
});
export type TAlertSummary = z.infer<typeof ZAlertSummary>;

export const ZRemoveAlertsBody = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1, 'Select at least one alert').max(5000),
});
export type TRemoveAlertsBody = z.infer<typeof ZRemoveAlertsBody>;

export const ZRemovedAlerts = z.object({ removed: z.number().int(), count: z.number().int() });
export type TRemovedAlerts = z.infer<typeof ZRemovedAlerts>;

/** Payload of the `alerts` message on GET /api/alerts/stream (Server-Sent Events). */
export const ZAlertStreamMessage = z.object({
  count: z.number().int(),
  latest_id: z.number().int().nullable(),
  /** Alerts since I last looked (at most NEW_ALERTS_CAP); absent from an older server. */
  new_count: z.number().int().default(0),
});
export type TAlertStreamMessage = z.infer<typeof ZAlertStreamMessage>;

/** POST /api/alerts/seen: I have seen my alerts up to this id (the newest one the bell or the page showed). */
export const ZMarkAlertsSeenBody = z.strictObject({ through_id: z.number().int().min(0) });
export type TMarkAlertsSeenBody = z.infer<typeof ZMarkAlertsSeenBody>;

/** The mark as stored (it never moves back, and never past my newest alert) and what is new after it. */
export const ZAlertsSeen = z.object({ seen_through_id: z.number().int(), new_count: z.number().int() });
export type TAlertsSeen = z.infer<typeof ZAlertsSeen>;

/**
 * POST /api/alerts/restore (Undo after Remove selected or Clear all): puts back alerts the caller removed
 * moments ago (within ALERT_UNDO_SECONDS), with their ids and created times. Ids that are not the caller's, or
 * were not removed recently, are ignored.
 */
export const RESTORE_ALERTS_MAX_IDS = 5000;
export const ZRestoreAlertsBody = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1, 'Name at least one alert').max(RESTORE_ALERTS_MAX_IDS),
});
export type TRestoreAlertsBody = z.infer<typeof ZRestoreAlertsBody>;

/** How many alerts came back, and the new count of the caller's list. */
export const ZRestoredAlerts = z.object({ restored: z.number().int(), count: z.number().int() });
export type TRestoredAlerts = z.infer<typeof ZRestoredAlerts>;

/** Clear all keeps the newest this many alerts restorable and names them in `ids`; older ones are deleted for good. */
export const CLEARED_IDS_MAX = 10_000;

/** DELETE /api/alerts (Clear all). `ids` names what can be restored (the newest CLEARED_IDS_MAX removed), newest first. */
export const ZClearedAlerts = ZRemovedAlerts.extend({ ids: z.array(z.number().int()) });
export type TClearedAlerts = z.infer<typeof ZClearedAlerts>;
