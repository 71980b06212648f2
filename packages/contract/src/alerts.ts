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
