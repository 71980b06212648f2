import { z } from 'zod';
import { ZPage } from './common';

export const ZAlert = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  url: z.string(),
  source: z.string(),
  icon: z.string(),
  created: z.string(),
});
export type TAlert = z.infer<typeof ZAlert>;

export const ZAlertPage = ZPage(ZAlert);
export type TAlertPage = z.infer<typeof ZAlertPage>;

/** GET /api/alerts/summary: what the bell shows. count is the number of alerts in the list. */
export const ZAlertSummary = z.object({ count: z.number().int(), items: z.array(ZAlert) });
export type TAlertSummary = z.infer<typeof ZAlertSummary>;

export const ZRemoveAlertsBody = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1, 'Select at least one alert').max(5000),
});
export type TRemoveAlertsBody = z.infer<typeof ZRemoveAlertsBody>;

export const ZRemovedAlerts = z.object({ removed: z.number().int(), count: z.number().int() });
export type TRemovedAlerts = z.infer<typeof ZRemovedAlerts>;

/** Payload of the `alerts` message on GET /api/alerts/stream (Server-Sent Events). */
export const ZAlertStreamMessage = z.object({ count: z.number().int(), latest_id: z.number().int().nullable() });
export type TAlertStreamMessage = z.infer<typeof ZAlertStreamMessage>;

/**
 * POST /api/alerts/restore (Undo after Remove selected or Clear all): puts back alerts the caller removed
 * moments ago. Ids that are not the caller's, or were not removed recently, are ignored.
 */
export const RESTORE_ALERTS_MAX_IDS = 5000;
export const ZRestoreAlertsBody = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1, 'Name at least one alert').max(RESTORE_ALERTS_MAX_IDS),
});
export type TRestoreAlertsBody = z.infer<typeof ZRestoreAlertsBody>;

/** How many alerts came back, and the new count of the caller's list. */
export const ZRestoredAlerts = z.object({ restored: z.number().int(), count: z.number().int() });
export type TRestoredAlerts = z.infer<typeof ZRestoredAlerts>;

/** DELETE /api/alerts (Clear all). `ids` names what was removed, so that Clear all can be undone. */
export const ZClearedAlerts = ZRemovedAlerts.extend({ ids: z.array(z.number().int()).optional() });
export type TClearedAlerts = z.infer<typeof ZClearedAlerts>;
