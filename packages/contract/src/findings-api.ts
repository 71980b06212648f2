/**
 * The answers of the findings API (tests and scan imports, findings, notes, review requests, SLA, risk
 * acceptances) and the few request bodies findings.ts does not define. The vocabulary (severities,
 * statuses, formats) and the main bodies are in findings.ts.
 */
import { z } from 'zod';
import { ZIntId, ZPage } from './common';
import { FINDING_STATUSES, RISK_DECISIONS, ZFindingStatus, ZImportFormat, ZSeverity, ZSlaPeriods, ZTag } from './findings';
import { requiredDescription, ZDescription } from './plain-text';

/** A person as other people see them: no email address, no role. */
export const ZPersonRef = z.object({ id: z.number().int(), username: z.string(), name: z.string() });
export type TPersonRef = z.infer<typeof ZPersonRef>;

export const ZSeverityCounts = z.object({
  Critical: z.number().int(),
  High: z.number().int(),
  Medium: z.number().int(),
  Low: z.number().int(),
  Info: z.number().int(),
  total: z.number().int(),
});
export type TSeverityCounts = z.infer<typeof ZSeverityCounts>;

// ---------------------------------------------------------------------------
// Tests and imports

export const ZTestImport = z.object({
  id: z.number().int(),
  is_reimport: z.boolean(),
  format: ZImportFormat,
  tool: z.string(),
  tool_version: z.string().nullable(),
  scan_date: z.string(),
  file_name: z.string(),
  file_bytes: z.number().int(),
  /** Findings the file reported (each fingerprint once), after minimum_severity. */
  file_findings: z.number().int(),
  new: z.number().int(),
  reactivated: z.number().int(),
  mitigated: z.number().int(),
  untouched: z.number().int(),
  /** Triaged findings (false positive, out of scope, risk accepted, duplicate) the file reported again; left as they were. */
  kept_triaged: z.number().int(),
  skipped: z.number().int(),
  close_old_findings: z.boolean(),
  minimum_severity: ZSeverity,
  tags: z.array(z.string()),
  imported_by: ZPersonRef.nullable(),
  created_at: z.string(),
});
export type TTestImport = z.infer<typeof ZTestImport>;

export const ZTestSummary = z.object({
  id: z.number().int(),
  /** The tool (test type) name. */
  title: z.string(),
  format: ZImportFormat,
  tool_version: z.string().nullable(),
  product_id: z.number().int(),
  product_name: z.string(),
  engagement_id: z.number().int(),
  engagement_name: z.string(),
  created_by: ZPersonRef.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  last_import_at: z.string().nullable(),
  import_count: z.number().int(),
  /** Open (active or verified) findings by severity. */
  open_findings: ZSeverityCounts,
  findings_total: z.number().int(),
  /** The SPA page of the test. */
  url: z.string(),
});
export type TTestSummary = z.infer<typeof ZTestSummary>;

export const ZTestDetail = ZTestSummary.extend({
  /** Newest first. */
  imports: z.array(ZTestImport),
});
export type TTestDetail = z.infer<typeof ZTestDetail>;

// ---------------------------------------------------------------------------
// Findings

export const SLA_STATES = ['none', 'ok', 'pre_breach', 'breaching_today', 'overdue', 'closed'] as const;
export const ZSlaState = z.enum(SLA_STATES);

/** A finding's SLA as of today (the server's TIME_ZONE). */
export const ZFindingSla = z.object({
  /** null: its severity has no SLA in the product's configuration. */
  expires_on: z.string().nullable(),
  /** Days until the expiry (negative: overdue); null when there is no SLA or the finding is not open. */
  days_left: z.number().int().nullable(),
  /** none (no SLA), ok, pre_breach (within the pre-breach window), breaching_today, overdue, closed (not open). */
  state: ZSlaState,
});
export type TFindingSla = z.infer<typeof ZFindingSla>;

export const ZFindingLocation = z.object({
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  component: z.string().nullable(),
  component_version: z.string().nullable(),
  url: z.string().nullable(),
});

export const ZFindingSummary = z.object({
  id: z.number().int(),
  title: z.string(),
  severity: ZSeverity,
  status: ZFindingStatus,
  tool: z.string(),
  rule_id: z.string().nullable(),
  cwe: z.number().int().nullable(),
  location: ZFindingLocation,
  date_found: z.string(),
  mitigated_on: z.string().nullable(),
  tags: z.array(z.string()),
  test_id: z.number().int(),
  test_title: z.string(),
  engagement_id: z.number().int(),
  engagement_name: z.string(),
  product_id: z.number().int(),
  product_name: z.string(),
  sla: ZFindingSla,
  /** The SPA page of the finding. */
  url: z.string(),
});
export type TFindingSummary = z.infer<typeof ZFindingSummary>;

export const ZFindingPage = ZPage(ZFindingSummary);
export type TFindingPage = z.infer<typeof ZFindingPage>;

const ZListParam = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : v,
    z.array(item).max(20),
  );

/** GET /api/products/:id/findings. severity and status take one value or a comma-separated list. */
export const ZFindingListQuery = z.strictObject({
  severity: ZListParam(ZSeverity).optional(),
  status: ZListParam(ZFindingStatus).optional(),
  /** Findings with this tag (case-insensitive). */
  tag: z.string().trim().min(1).max(100).optional(),
  test_id: ZIntId.optional(),
  engagement_id: ZIntId.optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(25),
});
export type TFindingListQuery = z.infer<typeof ZFindingListQuery>;

export const STATUS_CHANGE_SOURCES = ['import', 'reimport', 'manual', 'risk_acceptance', 'risk_acceptance_expired'] as const;

export const ZStatusChange = z.object({
  id: z.number().int(),
  /** null for the first status. */
  from: ZFindingStatus.nullable(),
  to: ZFindingStatus,
  /** null when the system changed it (an import by a deleted user, a risk acceptance expiring). */
  changed_by: ZPersonRef.nullable(),
  source: z.enum(STATUS_CHANGE_SOURCES),
  note: z.string().nullable(),
  created_at: z.string(),
});
export type TStatusChange = z.infer<typeof ZStatusChange>;

/** One correction of a finding's severity by a person, with the SLA expiry it moved. */
export const ZSeverityChange = z.object({
  id: z.number().int(),
  from: ZSeverity,
  to: ZSeverity,
  /** null once the account is deleted. */
  changed_by: ZPersonRef.nullable(),
  reason: z.string(),
  /** The SLA expiry before and after (YYYY-MM-DD); null: no SLA for that severity. */
  sla_expires_before: z.string().nullable(),
  sla_expires_after: z.string().nullable(),
  created_at: z.string(),
});
export type TSeverityChange = z.infer<typeof ZSeverityChange>;

export const ZNote = z.object({
  id: z.number().int(),
  entry: z.string(),
  is_private: z.boolean(),
  author: ZPersonRef.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  /** Set once the author has edited it. */
  edited_at: z.string().nullable(),
  /** The caller wrote it, so may edit it. */
  can_edit: z.boolean(),
  /** The note itself: its object's page with #note-<id>. */
  url: z.string(),
});
export type TNote = z.infer<typeof ZNote>;

export const MENTION_REFUSALS = ['unknown_user', 'inactive', 'no_access', 'self'] as const;

/** Who a note notified, and who it mentions but did not notify, with why (a sentence for the author). */
export const ZMentionReport = z.object({
  notified: z.array(z.string()),
  not_notified: z.array(z.object({ username: z.string(), reason: z.enum(MENTION_REFUSALS), message: z.string() })),
});
export type TMentionReport = z.infer<typeof ZMentionReport>;

/** Answer of POST …/notes and PATCH /api/notes/:id. */
export const ZNoteResult = z.object({ note: ZNote, mentions: ZMentionReport });
export type TNoteResult = z.infer<typeof ZNoteResult>;

/** GET …/mentionable?q=: people who may see the object, for the @ autocomplete. */
export const ZMentionableQuery = z.strictObject({
  q: z.string().trim().max(150).default(''),
  /** Candidates for a private note: only people who could read it (superusers). */
  private: z.enum(['true', 'false']).default('false'),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export const ZMentionableList = z.object({ items: z.array(ZPersonRef) });
export type TMentionableList = z.infer<typeof ZMentionableList>;

export const REVIEW_STATUSES = ['pending', 'reviewed'] as const;

export const ZReview = z.object({
  id: z.number().int(),
  finding_id: z.number().int(),
  finding_title: z.string(),
  finding_severity: ZSeverity,
  product_id: z.number().int(),
  product_name: z.string(),
  requested_by: ZPersonRef.nullable(),
  reviewer: ZPersonRef,
  message: z.string(),
  status: z.enum(REVIEW_STATUSES),
  comment: z.string().nullable(),
  created_at: z.string(),
  reviewed_at: z.string().nullable(),
  /** The caller is the reviewer and the review is pending. */
  can_complete: z.boolean(),
});
export type TReview = z.infer<typeof ZReview>;

export const ZReviewList = z.object({ items: z.array(ZReview) });
export type TReviewList = z.infer<typeof ZReviewList>;

/** GET /api/reviews: the caller's reviews as a reviewer. */
export const ZMyReviewsQuery = z.strictObject({
  /** pending (default), reviewed, or all (pending first). */
  status: z.enum(['pending', 'reviewed', 'all']).default('pending'),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(25),
});
export type TMyReviewsQuery = z.infer<typeof ZMyReviewsQuery>;

/** One page of the caller's reviews: pending first, then completed, newest first within each. */
export const ZMyReviewPage = ZPage(ZReview).extend({
  /** The caller's pending reviews (on findings they may still see), whatever the filter: the count in the navigation. */
  pending: z.number().int(),
});
export type TMyReviewPage = z.infer<typeof ZMyReviewPage>;

/** Body of POST /api/reviews/:id/complete. */
export const ZCompleteReviewBody = z.strictObject({
  comment: ZDescription.max(2000, 'Use at most 2000 characters').optional(),
});
export type TCompleteReviewBody = z.infer<typeof ZCompleteReviewBody>;

export const ZRiskAcceptanceRef = z.object({ id: z.number().int(), name: z.string(), expires_on: z.string().nullable(), url: z.string() });

export const ZFindingDetail = ZFindingSummary.extend({
  description: z.string(),
  mitigation: z.string().nullable(),
  impact: z.string().nullable(),
  references: z.string().nullable(),
  tool_version: z.string().nullable(),
  vulnerability_ids: z.array(z.string()),
  fingerprint: z.string(),
  mitigated_by: ZPersonRef.nullable(),
  sla_detail: z.object({
    configuration: z.object({ id: z.number().int(), name: z.string(), is_default: z.boolean() }),
    /** The days its severity has in that configuration; null: no SLA. */
    days: z.number().int().nullable(),
    start_date: z.string(),
  }),
  /** Oldest first. */
  status_history: z.array(ZStatusChange),
  /** Oldest first. */
  severity_history: z.array(ZSeverityChange),
  /** Oldest first; private notes only for their author and superusers. */
  notes: z.array(ZNote),
  /** Newest first. */
  reviews: z.array(ZReview),
  /** The risk acceptance that holds it, while it does. */
  risk_acceptance: ZRiskAcceptanceRef.nullable(),
  /** The caller may change it (status, severity, review requests): Writer or above. */
  can_edit: z.boolean(),
});
export type TFindingDetail = z.infer<typeof ZFindingDetail>;

/** Answer of POST /api/findings/:id/status: the finding, and the mention report of the note when one was given. */
export const ZFindingStatusChangeResult = z.object({ finding: ZFindingDetail, mentions: ZMentionReport.nullable() });
export type TFindingStatusChangeResult = z.infer<typeof ZFindingStatusChangeResult>;

/** Body of PATCH /api/findings/:id: a person corrects the severity (the SLA expiry follows), saying why. */
export const ZUpdateFindingBody = z.strictObject({
  severity: ZSeverity,
  /** Why; shown in the finding's severity history. */
  reason: requiredDescription('Say why the severity changes')
    .trim()
    .min(1, 'Say why the severity changes')
    .max(2000, 'Use at most 2000 characters'),
});
export type TUpdateFindingBody = z.infer<typeof ZUpdateFindingBody>;

// ---------------------------------------------------------------------------
// SLA

export const ZSlaConfiguration = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  /** Used by every product without a configuration of its own; cannot be deleted. */
  is_default: z.boolean(),
  periods: ZSlaPeriods,
  /** Products using it (for the default: those without a configuration of their own). */
  product_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TSlaConfiguration = z.infer<typeof ZSlaConfiguration>;
export const ZSlaConfigurationList = z.object({ items: z.array(ZSlaConfiguration) });

export const ZProductSla = z.object({
  product_id: z.number().int(),
  configuration: ZSlaConfiguration,
  /** Whether the product uses the default configuration (no configuration of its own). */
  uses_default: z.boolean(),
  /** Off: the SLA job sends no SLA notices about this product's findings. */
  sla_notifications: z.boolean(),
});
export type TProductSla = z.infer<typeof ZProductSla>;

/** Body of PUT /api/products/:id/sla (Maintainer or above). sla_configuration_id null: back to the default. */
export const ZUpdateProductSlaBody = z
  .strictObject({
    sla_configuration_id: z.number().int().positive().nullable(),
    sla_notifications: z.boolean(),
  })
  .partial();
export type TUpdateProductSlaBody = z.infer<typeof ZUpdateProductSlaBody>;

/** GET /api/system-settings/findings (superusers): the SLA and risk-acceptance notices. */
export const ZFindingNoticeSettings = z.object({
  sla_notifications_enabled: z.boolean(),
  /** active: active and verified findings; verified: only verified ones. */
  sla_notify_findings: z.enum(['active', 'verified']),
  sla_pre_breach_days: z.number().int(),
  sla_post_breach_days: z.number().int(),
  /** After the breach, notify only on days 1, 2, 4, 8, … overdue. */
  sla_backoff: z.boolean(),
  /** Days before a risk acceptance expires that its heads-up goes out; 0: none. */
  risk_acceptance_heads_up_days: z.number().int(),
  /** Read-only: when the daily SLA job runs (SLA_JOB_TIME) and in which time zone (TIME_ZONE). */
  sla_job_time: z.string(),
  time_zone: z.string(),
});
export type TFindingNoticeSettings = z.infer<typeof ZFindingNoticeSettings>;

const ZWindowDays = (max: number) =>
  z.number().int('Enter a whole number of days').min(0, 'Use 0 or more days').max(max, `Use at most ${max} days`);

/** Body of PUT /api/system-settings/findings: a partial update. */
export const ZUpdateFindingNoticeSettingsBody = z
  .strictObject({
    sla_notifications_enabled: z.boolean(),
    sla_notify_findings: z.enum(['active', 'verified']),
    sla_pre_breach_days: ZWindowDays(90),
    sla_post_breach_days: ZWindowDays(365),
    sla_backoff: z.boolean(),
    risk_acceptance_heads_up_days: ZWindowDays(365),
  })
  .partial();
export type TUpdateFindingNoticeSettingsBody = z.infer<typeof ZUpdateFindingNoticeSettingsBody>;

// ---------------------------------------------------------------------------
// Product tags

export const ZProductTags = z.object({ product_id: z.number().int(), tags: z.array(z.string()) });
export type TProductTags = z.infer<typeof ZProductTags>;
/** Body of PUT /api/products/:id/tags (Maintainer or above): the whole set. */
export const ZSetProductTagsBody = z.strictObject({
  tags: z
    .array(ZTag)
    .max(50, 'use at most 50 tags')
    .refine((tags) => new Set(tags).size === tags.length, 'lists a tag twice'),
});
export type TSetProductTagsBody = z.input<typeof ZSetProductTagsBody>;

// ---------------------------------------------------------------------------
// Risk acceptances

export const ZRiskAcceptance = z.object({
  id: z.number().int(),
  name: z.string(),
  product_id: z.number().int(),
  product_name: z.string(),
  engagement_id: z.number().int().nullable(),
  engagement_name: z.string().nullable(),
  owner: ZPersonRef.nullable(),
  decision: z.enum(RISK_DECISIONS),
  decision_details: z.string(),
  accepted_by: z.string(),
  expires_on: z.string().nullable(),
  reactivate_expired: z.boolean(),
  restart_sla_expired: z.boolean(),
  /** active until its expiry has been handled; then expired. */
  state: z.enum(['active', 'expired']),
  heads_up_sent_at: z.string().nullable(),
  expired_at: z.string().nullable(),
  findings: z.array(
    z.object({ id: z.number().int(), title: z.string(), severity: ZSeverity, status: z.enum(FINDING_STATUSES), url: z.string() }),
  ),
  created_by: ZPersonRef.nullable(),
  created_at: z.string(),
  url: z.string(),
});
export type TRiskAcceptance = z.infer<typeof ZRiskAcceptance>;
export const ZRiskAcceptanceList = z.object({ items: z.array(ZRiskAcceptance) });
export type TRiskAcceptanceList = z.infer<typeof ZRiskAcceptanceList>;
