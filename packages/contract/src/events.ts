import { z } from 'zod';
import { ALERT_LIMITS } from './catalogue';
import { ZSafeUrl } from './common';
import { isPlainLine, toInlineText, toPlainMultilineText, truncateText } from './plain-text';

/**
 * Cut to the limit at a character boundary, without an ellipsis: machines send these, and the API has
 * always kept the exact prefix. A plain slice could split an emoji and store half a surrogate pair.
 */
const truncate = (max: number) => (v: string) => truncateText(v, max, { ellipsis: '' });

/** Largest accepted body of POST /api/events, in bytes. */
export const EVENT_BODY_MAX_BYTES = 64 * 1024;

/**
 * Body of POST /api/events (integration API). Over-long title, description, url and icon are
 * truncated to the alert limits, not rejected. Text from scanners and pipelines is cleaned rather than
 * refused: the title becomes one line, and control and text-direction characters are dropped from
 * title and description. At most one of product_id, product_type_id, engagement_id.
 */
export const ZCreateEventBody = z
  .strictObject({
    event: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a lower-case event name such as scan_added (letters, digits, _)'),
    title: z.string().overwrite(toInlineText).min(1, 'is required').overwrite(truncate(ALERT_LIMITS.title)),
    description: z.string().overwrite(toPlainMultilineText).overwrite(truncate(ALERT_LIMITS.description)).optional(),
    url: ZSafeUrl.overwrite(truncate(ALERT_LIMITS.url)).optional(),
    icon: z.string().overwrite(toInlineText).overwrite(truncate(ALERT_LIMITS.icon)).optional(),
    product_id: z.number().int().positive().optional(),
    product_type_id: z.number().int().positive().optional(),
    engagement_id: z.number().int().positive().optional(),
    /** Usernames. When present, only these users hear about the event (an empty list sends nothing). */
    recipients: z
      .array(z.string().min(1).max(150).refine(isPlainLine, 'must be a username (one line, no control characters)'))
      .max(1000)
      .optional(),
    /** Only in-app alerts; no mail, Slack, Teams or webhooks. */
    alert_only: z.boolean().default(false),
    idempotency_key: z.string().min(1).max(200).optional(),
    /**
     * Events with the same dedupe_key from the same raiser within the coalescing window (System Settings, 10 minutes
     * by default) update one alert ("and N more like this") instead of adding one, and external channels send once per window.
     */
    dedupe_key: z.string().min(1).max(200).refine(isPlainLine, 'must be one line without control characters').optional(),
  })
  .refine((b) => [b.product_id, b.product_type_id, b.engagement_id].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of product_id, product_type_id, engagement_id',
    path: ['product_id'],
  });
export type TCreateEventBody = z.input<typeof ZCreateEventBody>;
export type TCreateEventInput = z.output<typeof ZCreateEventBody>;

export const ZCreatedEvent = z.object({
  id: z.number().int(),
  event: z.string(),
  /** The catalogue event whose settings routed it (`other` for names outside the catalogue). */
  routed_as: z.string(),
  alerts_created: z.number().int(),
  deliveries_created: z.number().int(),
  /** True when idempotency_key matched an earlier event: nothing new was created. */
  duplicate: z.boolean(),
});
export type TCreatedEvent = z.infer<typeof ZCreatedEvent>;
