/**
 * Routing rules with conditions and per-product destinations (issue 10 §1–§2).
 * A rule: which events, structured conditions (no code is evaluated), and where matching events go —
 * channels on top of the owner's personal record (personal rules), or named destinations (system rules).
 * The conditions are evaluated in SQL in the fan-out (apps/bff/src/rules/); `matchesRule` in the BFF is the
 * same rule as a pure function, for the preview and the tests.
 */
import { z } from 'zod';
import { CHANNELS, EVENT_NAMES, type TChannel } from './catalogue';
import { ZDigestMode, ZTimeOfDay, ZTimeZone } from './delivery-preferences';
import { SEVERITIES, type TSeverity, ZSeverity, ZTag } from './findings';
import { isEmailAddress } from './mailbox';
import { isUrlText, ZHeaderValue, ZName, ZPlainLine, ZSecretText } from './plain-text';
import { isAllowedTeamsUrl, parseHttpUrl } from './system-settings';
import { findSigningSecretProblem, isReservedWebhookHeader } from './webhooks';

/** Severity ranks: Info 1 … Critical 5 ("at least High" = rank ≥ 4). */
export const SEVERITY_RANKS: Record<TSeverity, number> = { Info: 1, Low: 2, Medium: 3, High: 4, Critical: 5 };
export const severityOfRank = (rank: number): TSeverity => SEVERITIES.find((s) => SEVERITY_RANKS[s] === rank) ?? 'Info';

/**
 * The most findings a "contains at least N" condition may ask for: an event's finding lists hold the 100 most
 * severe findings of each kind, so any count up to 100 is decided exactly.
 */
export const MAX_RULE_FINDINGS = 100;

const idSet = (what: string) =>
  z
    .array(z.number().int().positive())
    .max(100, `list at most 100 ${what}`)
    .refine((ids) => new Set(ids).size === ids.length, `lists a ${what.replace(/s$/, '')} twice`);

export const ZRuleConditions = z.strictObject({
  /** The event's product type is one of these (empty: any). */
  product_type_ids: idSet('product types').default([]),
  /** The event's product is one of these (empty: any). */
  product_ids: idSet('products').default([]),
  /** The event's product carries at least one of these tags (empty: any). */
  product_tags: z
    .array(ZTag)
    .max(50, 'use at most 50 tags')
    .refine((tags) => new Set(tags).size === tags.length, 'lists a tag twice')
    .default([]),
  /** The event's finding (or its most severe finding) is at least this severe. */
  min_severity: ZSeverity.nullable().default(null),
  /** The event (a scan import, a combined SLA notice) contains at least `count` findings of severity ≥ `severity`. */
  min_findings: z
    .strictObject({
      count: z.number().int().min(1, 'must be at least 1').max(MAX_RULE_FINDINGS, `must be at most ${MAX_RULE_FINDINGS}`),
      severity: ZSeverity,
    })
    .nullable()
    .default(null),
  /** The scanner (test type), such as "Semgrep"; compared without regard to case. */
  tool: ZPlainLine.max(100)
    .nullable()
    .default(null)
    .transform((v) => (v === '' ? null : v)),
  /** Only events that bring new or reactivated findings (then `min_findings` counts those alone). */
  only_new: z.boolean().default(false),
});
export type TRuleConditions = z.output<typeof ZRuleConditions>;
export type TRuleConditionsInput = z.input<typeof ZRuleConditions>;

export const RULE_SCOPES = ['personal', 'system'] as const;
export type TRuleScope = (typeof RULE_SCOPES)[number];

/** Personal rules add channels at the owner's own destinations: never Teams (it has only a shared channel). */
export const PERSONAL_RULE_CHANNELS = CHANNELS.filter((c) => c !== 'msteams') as Exclude<TChannel, 'msteams'>[];

const ZRuleEvents = z
  .array(z.enum(EVENT_NAMES))
  .min(1, 'choose at least one event')
  .refine((e) => new Set(e).size === e.length, 'lists an event twice');

export const ZPersonalRuleBody = z.strictObject({
  name: ZName.max(100, 'Use at most 100 characters'),
  enabled: z.boolean().default(true),
  events: ZRuleEvents,
  channels: z
    .array(z.enum(PERSONAL_RULE_CHANNELS as [Exclude<TChannel, 'msteams'>, ...Exclude<TChannel, 'msteams'>[]]))
    .min(1, 'choose at least one channel')
    .refine((c) => new Set(c).size === c.length, 'lists a channel twice'),
  conditions: ZRuleConditions.default(ZRuleConditions.parse({})),
});
export type TPersonalRuleBody = z.input<typeof ZPersonalRuleBody>;

export const ZSystemRuleBody = z.strictObject({
  name: ZName.max(100, 'Use at most 100 characters'),
  enabled: z.boolean().default(true),
  events: ZRuleEvents,
  destination_ids: idSet('destinations').refine((ids) => ids.length > 0, 'choose at least one destination'),
  conditions: ZRuleConditions.default(ZRuleConditions.parse({})),
});
export type TSystemRuleBody = z.input<typeof ZSystemRuleBody>;

/** The preview needs no name. */
export const ZRulePreviewBody = z.strictObject({
  events: ZRuleEvents,
  conditions: ZRuleConditions.default(ZRuleConditions.parse({})),
});
export type TRulePreviewBody = z.input<typeof ZRulePreviewBody>;

export const ZRule = z.object({
  id: z.number().int(),
  scope: z.enum(RULE_SCOPES),
  owner_id: z.number().int().nullable(),
  name: z.string(),
  enabled: z.boolean(),
  events: z.array(z.enum(EVENT_NAMES)),
  channels: z.array(z.enum(CHANNELS)),
  destination_ids: z.array(z.number().int()),
  conditions: z.object({
    product_type_ids: z.array(z.number().int()),
    product_ids: z.array(z.number().int()),
    product_tags: z.array(z.string()),
    min_severity: ZSeverity.nullable(),
    min_findings: z.object({ count: z.number().int(), severity: ZSeverity }).nullable(),
    tool: z.string().nullable(),
    only_new: z.boolean(),
  }),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TRule = z.infer<typeof ZRule>;
export const ZRuleList = z.object({ items: z.array(ZRule) });
export type TRuleList = z.infer<typeof ZRuleList>;

export const RULE_PREVIEW_DAYS = 30;
export const RULE_PREVIEW_EXAMPLES = 5;

export const ZRulePreview = z.object({
  days: z.number().int(),
  /** Events of the last `days` days the caller may see. */
  considered: z.number().int(),
  matched: z.number().int(),
  /** Up to RULE_PREVIEW_EXAMPLES matching events, newest first. */
  examples: z.array(
    z.object({
      event_id: z.number().int(),
      event: z.string(),
      title: z.string(),
      product: z.object({ id: z.number().int(), name: z.string() }).nullable(),
      created_at: z.string(),
    }),
  ),
});
export type TRulePreview = z.infer<typeof ZRulePreview>;

// ---------------------------------------------------------------------------
// Destinations (superusers)

export const DESTINATION_KINDS = ['slack', 'msteams', 'mail', 'webhook'] as const;
export type TDestinationKind = (typeof DESTINATION_KINDS)[number];
export const DESTINATION_KIND_LABELS: Record<TDestinationKind, string> = {
  slack: 'Slack channel',
  msteams: 'Microsoft Teams (Workflows URL)',
  mail: 'Email list',
  webhook: 'Webhook endpoint',
};
/** The delivery channel each kind sends through (and which must be enabled in System Settings). */
export const DESTINATION_CHANNELS = { slack: 'slack', msteams: 'msteams', mail: 'mail', webhook: 'webhooks' } as const;

const ZDestinationName = ZName.max(100, 'Use at most 100 characters');
const ZHttpUrl = z
  .string()
  .trim()
  .min(1, 'Enter the URL')
  .max(2000)
  .refine(isUrlText, 'Remove the spaces, line breaks and control characters from the URL')
  .refine((v) => parseHttpUrl(v) !== null, 'Enter an http:// or https:// URL');
const ZHeaderNameField = z
  .string()
  .trim()
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]*$/, 'Use letters, digits and - only, such as X-Api-Key')
  .refine((v) => !isReservedWebhookHeader(v), 'Tocsin sets this header itself (or it belongs to the connection); choose another name')
  .nullable()
  .optional();
/** Write-only: omitted or null keeps the stored value, an empty string clears it. */
const ZHeaderValueField = ZHeaderValue.max(1000).nullable().optional();
const ZSigningSecretField = ZSecretText.max(1000)
  .superRefine((value, ctx) => {
    const problem = findSigningSecretProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .nullable()
  .optional();

/**
 * When a destination is sent to: at once, or one digest per period (hourly, or daily at HH:MM in its time zone),
 * grouped by product and event with counts and links; nothing is sent for an empty period.
 */
export const ZDestinationDigest = z.strictObject({ mode: ZDigestMode, daily_at: ZTimeOfDay, time_zone: ZTimeZone });
export type TDestinationDigest = z.infer<typeof ZDestinationDigest>;
/** Omitted on a change: the stored choice stays; on a new destination: immediate. */
const ZDestinationDigestField = ZDestinationDigest.optional();

export const ZDestinationBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('slack'),
    name: ZDestinationName,
    digest: ZDestinationDigestField,
    /** Posted to through the system Slack app (its token in System Settings): "#payments-sec" or a channel id. */
    slack_channel: ZPlainLine.min(1, 'Enter the Slack channel, such as #payments-sec').max(100),
  }),
  z.strictObject({
    kind: z.literal('msteams'),
    name: ZDestinationName,
    digest: ZDestinationDigestField,
    /** A credential (its sig= parameter): write-only; omitted or null keeps the stored one. */
    url: ZHttpUrl.refine(isAllowedTeamsUrl, 'A Teams Workflows URL must be https').nullable().optional(),
  }),
  z.strictObject({
    kind: z.literal('mail'),
    name: ZDestinationName,
    digest: ZDestinationDigestField,
    addresses: z
      .array(z.string().trim().max(254).refine(isEmailAddress, 'Enter a valid email address, such as payments-team@example.com'))
      .min(1, 'enter at least one address')
      .max(50, 'use at most 50 addresses'),
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    name: ZDestinationName,
    digest: ZDestinationDigestField,
    url: ZHttpUrl,
    header_name: ZHeaderNameField,
    header_value: ZHeaderValueField,
    signing_secret: ZSigningSecretField,
  }),
]);
export type TDestinationBody = z.input<typeof ZDestinationBody>;

export const ZDestination = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(DESTINATION_KINDS),
  kind_label: z.string(),
  slack_channel: z.string().nullable(),
  addresses: z.array(z.string()),
  /** The webhook URL; null for Teams (its URL is a credential: only whether one is set). */
  url: z.string().nullable(),
  url_set: z.boolean(),
  header_name: z.string().nullable(),
  header_value_set: z.boolean(),
  signing_secret_set: z.boolean(),
  health: z.object({
    last_success_at: z.string().nullable(),
    last_failure_at: z.string().nullable(),
    last_error: z.string().nullable(),
    consecutive_failures: z.number().int(),
  }),
  digest: ZDestinationDigest,
  /** System rules routing to it. */
  rule_count: z.number().int(),
  created_at: z.string(),
});
export type TDestination = z.infer<typeof ZDestination>;
export const ZDestinationList = z.object({ items: z.array(ZDestination) });
export type TDestinationList = z.infer<typeof ZDestinationList>;
