/**
 * Webhook endpoints: system ones (no owner) receive system notifications, a user's own receive their personal ones.
 * The extra header value and the signing secret are write-only: answers say whether one is set.
 */
import { z } from 'zod';
import { isUrlText, ZHeaderValue, ZName, ZSecretText } from './plain-text';
import { parseHttpUrl } from './system-settings';

export const WEBHOOK_STATUSES = ['active', 'active_tmp', 'inactive_tmp', 'inactive_permanent'] as const;
export const ZWebhookStatus = z.enum(WEBHOOK_STATUSES);
export type TWebhookStatus = z.infer<typeof ZWebhookStatus>;

export const WEBHOOK_STATUS_LABELS: Record<TWebhookStatus, string> = {
  active: 'Active',
  active_tmp: 'Active, but errors were detected',
  inactive_tmp: 'Temporarily inactive because of errors',
  inactive_permanent: 'Permanently inactive',
};

export const ZWebhook = z.object({
  id: z.number().int(),
  name: z.string(),
  url: z.string(),
  header_name: z.string().nullable(),
  header_value_set: z.boolean(),
  signing_secret_set: z.boolean(),
  /** null: a system webhook. */
  owner_id: z.number().int().nullable(),
  owner_username: z.string().nullable(),
  status: ZWebhookStatus,
  status_label: z.string(),
  first_error_at: z.string().nullable(),
  last_error_at: z.string().nullable(),
  note: z.string().nullable(),
  created_at: z.string(),
});
export type TWebhook = z.infer<typeof ZWebhook>;

export const ZWebhookList = z.object({ items: z.array(ZWebhook) });
export type TWebhookList = z.infer<typeof ZWebhookList>;

const ZWebhookName = ZName.max(100, 'Use at most 100 characters');
const ZWebhookUrl = z
  .string()
  .trim()
  .min(1, 'Enter the URL')
  .max(2000)
  // The URL parser drops tabs and line breaks silently; refuse them so what is stored is what is called.
  .refine(isUrlText, 'Remove the spaces, line breaks and control characters from the URL')
  .refine((v) => parseHttpUrl(v) !== null, 'Enter an http:// or https:// URL');
/** Headers Tocsin sets on every webhook request; an extra header may not replace them. */
export const WEBHOOK_RESERVED_HEADERS = [
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'x-tocsin-event',
  'x-tocsin-instance',
  'x-tocsin-delivery',
  'x-tocsin-signature',
] as const;

/** RFC 9110 token characters; an empty string or null means no extra header. */
const ZHeaderName = z
  .string()
  .trim()
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]*$/, 'Use letters, digits and - only, such as X-Api-Key')
  .refine(
    (v) => !(WEBHOOK_RESERVED_HEADERS as readonly string[]).includes(v.toLowerCase()),
    'Tocsin sets this header itself; choose another name',
  )
  .nullable();
/** Write-only values: omitted or null keeps the stored value, an empty string clears it. */
const ZHeaderValueField = ZHeaderValue.max(1000).nullable().optional();
const ZSigningSecretField = ZSecretText.max(1000).nullable().optional();

export const ZCreateWebhookBody = z.strictObject({
  name: ZWebhookName,
  url: ZWebhookUrl,
  header_name: ZHeaderName.optional(),
  header_value: ZHeaderValueField,
  signing_secret: ZSigningSecretField,
  /** Superusers: null for a system webhook or any user's id (default: system). Others: omitted or their own id. */
  owner_id: z.number().int().positive().nullable().optional(),
});
export type TCreateWebhookBody = z.input<typeof ZCreateWebhookBody>;

export const ZUpdateWebhookBody = ZCreateWebhookBody.partial().strict();
export type TUpdateWebhookBody = z.input<typeof ZUpdateWebhookBody>;
