/**
 * Delivery preferences (issue 10 §4): per external channel immediate or a digest (hourly, or daily at a time in
 * the user's time zone), quiet hours for personal channels, and the same digest choice for system destinations.
 * GET/PUT /api/delivery-preferences/me and (superusers) /api/delivery-preferences/system.
 */
import { z } from 'zod';

export const DIGEST_MODES = ['immediate', 'hourly', 'daily'] as const;
export const ZDigestMode = z.enum(DIGEST_MODES);
export type TDigestMode = z.infer<typeof ZDigestMode>;

/** Personal external channels that can be put on a digest (Teams is a system destination only). */
export const PERSONAL_DIGEST_CHANNELS = ['mail', 'slack', 'webhooks'] as const;
export const SYSTEM_DIGEST_CHANNELS = ['mail', 'slack', 'msteams', 'webhooks'] as const;

export const ZTimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time of day as HH:MM, such as 08:00');

/** Whether the runtime knows `name` as an IANA time zone (both Node and browsers carry the tz database). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(name) && name !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const ZTimeZone = z
  .string()
  .trim()
  .min(1, 'Choose a time zone')
  .max(64)
  .refine(isTimeZone, 'Enter an IANA time zone name such as Europe/Paris or America/New_York');

export const ZChannelDigest = z.strictObject({ mode: ZDigestMode, daily_at: ZTimeOfDay });
export type TChannelDigest = z.infer<typeof ZChannelDigest>;

export const ZQuietHours = z.strictObject({
  start: ZTimeOfDay,
  end: ZTimeOfDay,
  /** Notices about Critical findings still go out at once. */
  critical_passes: z.boolean(),
});
export type TQuietHours = z.infer<typeof ZQuietHours>;

export const ZMyDeliveryPreferences = z.strictObject({
  time_zone: ZTimeZone,
  channels: z.strictObject({ mail: ZChannelDigest, slack: ZChannelDigest, webhooks: ZChannelDigest }),
  /** null: no quiet hours. */
  quiet_hours: ZQuietHours.refine((q) => q.start !== q.end, {
    message: 'Quiet hours must start and end at different times',
    path: ['end'],
  }).nullable(),
});
export type TMyDeliveryPreferences = z.infer<typeof ZMyDeliveryPreferences>;

export const ZSystemDigestPreferences = z.strictObject({
  /** The server's TIME_ZONE, in which system daily digests go out (read-only). */
  time_zone: z.string(),
  channels: z.strictObject({ mail: ZChannelDigest, slack: ZChannelDigest, msteams: ZChannelDigest, webhooks: ZChannelDigest }),
});
export type TSystemDigestPreferences = z.infer<typeof ZSystemDigestPreferences>;
export const ZUpdateSystemDigestPreferences = ZSystemDigestPreferences.omit({ time_zone: true });
export type TUpdateSystemDigestPreferences = z.infer<typeof ZUpdateSystemDigestPreferences>;
