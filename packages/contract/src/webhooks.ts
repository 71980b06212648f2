/**
 * Webhook endpoints: system ones (no owner) receive system notifications, a user's own receive their personal ones.
 * The extra header value and the signing secret are write-only: answers say whether one is set (a secret Tocsin
 * generates is shown once, in the answer that created it). A new URL drops the stored header value and signing
 * secret unless the same request enters them again, so nobody can send a secret someone else set to a new place.
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

/**
 * POST /api/webhooks and PATCH /api/webhooks/:id: the webhook, and the signing secret Tocsin generated in this
 * request (on create without one, or when a new URL dropped the old one), shown this once; null otherwise.
 */
export const ZSavedWebhook = ZWebhook.extend({ new_signing_secret: z.string().nullable() });
export type TSavedWebhook = z.infer<typeof ZSavedWebhook>;
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
/**
 * Header names an endpoint's extra header may not use: the ones Tocsin sets on every request, and the ones that
 * belong to the HTTP connection itself. `Authorization` is allowed: Tocsin never sets it, and it is how most
 * receivers take a token.
 */
export const WEBHOOK_RESERVED_HEADERS = [
  'content-type',
  'content-length',
  'host',
  'user-agent',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
] as const;
/** Name prefixes reserved the same way: Tocsin's own headers, the Standard Webhooks headers, and proxy headers. */
export const WEBHOOK_RESERVED_HEADER_PREFIXES = ['x-tocsin-', 'webhook-', 'proxy-'] as const;

/** True for a name an extra header may not use (compared without regard to case). */
export function isReservedWebhookHeader(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return (
    (WEBHOOK_RESERVED_HEADERS as readonly string[]).includes(lower) || WEBHOOK_RESERVED_HEADER_PREFIXES.some((p) => lower.startsWith(p))
  );
}

/** Standard Webhooks secrets: whsec_ and the base64 of 24 to 64 bytes (Tocsin makes 32). */
export const SIGNING_SECRET_PREFIX = 'whsec_';
const STANDARD_SECRET_RE = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** Why a signing secret cannot be used, or null. A secret in another form is used as text (see the README). */
export function findSigningSecretProblem(value: string): string | null {
  if (!value.startsWith(SIGNING_SECRET_PREFIX)) return null;
  const match = STANDARD_SECRET_RE.exec(value);
  const base64 = match?.[1];
  // 4 base64 characters carry 3 bytes; padding is only allowed at the end.
  const bytes = base64 && base64.length % 4 === 0 ? (base64.length / 4) * 3 - (base64.match(/=+$/)?.[0].length ?? 0) : 0;
  if (!match || bytes === 0) return 'After whsec_, give the key in base64 (as Standard Webhooks secrets are written)';
  if (bytes < 24 || bytes > 64) return `A whsec_ key must be 24 to 64 bytes; this one is ${bytes}`;
  return null;
}

/** RFC 9110 token characters; an empty string or null means no extra header. */
const ZHeaderName = z
  .string()
  .trim()
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]*$/, 'Use letters, digits and - only, such as X-Api-Key')
  .refine((v) => !isReservedWebhookHeader(v), 'Tocsin sets this header itself (or it belongs to the connection); choose another name')
  .nullable();
/** Write-only values: omitted or null keeps the stored value, an empty string clears it. */
const ZHeaderValueField = ZHeaderValue.max(1000).nullable().optional();
const ZSigningSecretField = ZSecretText.max(1000)
  .superRefine((value, ctx) => {
    const problem = findSigningSecretProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .nullable()
  .optional();

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
