/**
 * Findings and the event sources around them (scan imports, notes, review requests, SLA, risk acceptances):
 * the vocabulary and the API bodies shared by the SPA and the BFF. Names follow DefectDojo where its users
 * would look for them (severities, statuses, close_old_findings, unique_id_from_tool).
 */
import { z } from 'zod';
import { ZCalendarDate } from './calendar-date';
import { ZIntId } from './common';

/** Highest first, as DefectDojo orders them. */
export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Info'] as const;
export const ZSeverity = z.enum(SEVERITIES);
export type TSeverity = z.infer<typeof ZSeverity>;

/**
 * One status per finding. DefectDojo keeps several flags (active, verified, false_p, out_of_scope,
 * risk_accepted, is_mitigated, duplicate); Tocsin folds them into the one that decides what a person sees:
 * `verified` is an active finding someone confirmed; every other status is inactive.
 */
export const FINDING_STATUSES = [
  'active',
  'verified',
  'false_positive',
  'out_of_scope',
  'risk_accepted',
  'mitigated',
  'duplicate',
] as const;
export const ZFindingStatus = z.enum(FINDING_STATUSES);
export type TFindingStatus = z.infer<typeof ZFindingStatus>;

export const FINDING_STATUS_LABELS: Record<TFindingStatus, string> = {
  active: 'Active',
  verified: 'Verified',
  false_positive: 'False positive',
  out_of_scope: 'Out of scope',
  risk_accepted: 'Risk accepted',
  mitigated: 'Mitigated',
  duplicate: 'Duplicate',
};

/** Statuses in which a finding is open: it counts, it has an SLA and a re-import can mitigate it. */
export const OPEN_FINDING_STATUSES: ReadonlySet<TFindingStatus> = new Set<TFindingStatus>(['active', 'verified']);

export const IMPORT_FORMATS = ['sarif', 'generic'] as const;
export const ZImportFormat = z.enum(IMPORT_FORMATS);
export type TImportFormat = z.infer<typeof ZImportFormat>;
export const IMPORT_FORMAT_LABELS: Record<TImportFormat, string> = {
  sarif: 'SARIF 2.1.0',
  generic: 'Generic Findings Import (DefectDojo JSON)',
};

/** Largest accepted scan file, in bytes. The parser streams, so this bounds disk and time, not memory. */
export const IMPORT_FILE_MAX_BYTES = 200 * 1024 * 1024;

/** Multipart fields arrive as strings: accept "true"/"false" (and real booleans from JSON). */
const ZFormBoolean = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());

/** DefectDojo's tags are single lower-case words; a form may send them comma-separated. */
export const ZTag = z
  .string()
  .trim()
  .min(1, 'is empty')
  .max(100, 'use at most 100 characters')
  .regex(/^[^\s,]+$/, 'may not contain spaces or commas')
  .transform((t) => t.toLowerCase());
const ZTags = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '')
      : v,
  z.array(ZTag).max(50, 'use at most 50 tags'),
);

/**
 * Fields of POST /api/imports (multipart, next to the `file` part). The target is exactly one of:
 * `test_id` (re-import into that test), `engagement_id` (a new test in that engagement), or
 * `product_id` with `engagement_name` (a new test in the engagement of that name, created when missing).
 * `close_old_findings` only applies to a re-import, and defaults to true there as in DefectDojo.
 */
export const ZImportScanBody = z
  .strictObject({
    /** Detected from the file when absent. */
    format: ZImportFormat.optional(),
    test_id: ZIntId.optional(),
    engagement_id: ZIntId.optional(),
    product_id: ZIntId.optional(),
    engagement_name: z.string().trim().min(1, 'is empty').max(200).optional(),
    /** Day the scan ran; findings without their own date are found on this day. Defaults to today. */
    scan_date: ZCalendarDate.optional(),
    tags: ZTags.default([]),
    close_old_findings: ZFormBoolean.optional(),
    /** Findings below this severity in the file are left out. */
    minimum_severity: ZSeverity.default('Info'),
  })
  .superRefine((b, ctx) => {
    const targets = [b.test_id, b.engagement_id, b.product_id].filter((v) => v !== undefined).length;
    if (targets !== 1) {
      ctx.addIssue({ code: 'custom', path: ['test_id'], message: 'give exactly one of test_id, engagement_id, product_id' });
    }
    if (b.product_id !== undefined && b.engagement_name === undefined) {
      ctx.addIssue({ code: 'custom', path: ['engagement_name'], message: 'is required with product_id' });
    }
    if (b.product_id === undefined && b.engagement_name !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['engagement_name'], message: 'only goes with product_id' });
    }
    if (b.test_id === undefined && b.close_old_findings !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['close_old_findings'], message: 'only applies to a re-import (test_id)' });
    }
  });
export type TImportScanBody = z.input<typeof ZImportScanBody>;
export type TImportScanInput = z.output<typeof ZImportScanBody>;

/** Answer of POST /api/imports. */
export const ZImportScanResult = z.object({
  product_id: z.number().int(),
  engagement_id: z.number().int(),
  test_id: z.number().int(),
  format: ZImportFormat,
  tool: z.string(),
  is_reimport: z.boolean(),
  new: z.number().int(),
  reactivated: z.number().int(),
  mitigated: z.number().int(),
  untouched: z.number().int(),
  /** Results the file carried that were not imported (below minimum_severity, or SARIF results that are not failures). */
  skipped: z.number().int(),
});
export type TImportScanResult = z.infer<typeof ZImportScanResult>;

/** Statuses a person may set by hand; risk acceptance and duplicates have their own workflows. */
export const MANUAL_FINDING_STATUSES = ['active', 'verified', 'false_positive', 'out_of_scope', 'mitigated'] as const;

/** Body of POST /api/findings/:id/status. */
export const ZFindingStatusChangeBody = z.strictObject({
  status: z.enum(MANUAL_FINDING_STATUSES),
  /** Why; kept as a note on the finding. */
  note: z.string().trim().max(10_000).optional(),
});
export type TFindingStatusChangeBody = z.infer<typeof ZFindingStatusChangeBody>;

export const NOTE_MAX_LENGTH = 10_000;
const ZNoteEntry = z.string().trim().min(1, 'Write the note').max(NOTE_MAX_LENGTH, `Use at most ${NOTE_MAX_LENGTH} characters`);

/** Body of POST /api/findings/:id/notes. Mentions (@username) in the entry notify those users. */
export const ZCreateNoteBody = z.strictObject({
  entry: ZNoteEntry,
  is_private: z.boolean().default(false),
});
export type TCreateNoteBody = z.input<typeof ZCreateNoteBody>;

/** Body of PATCH /api/notes/:id. Only people newly mentioned by the edit are notified. */
export const ZEditNoteBody = z.strictObject({ entry: ZNoteEntry });
export type TEditNoteBody = z.infer<typeof ZEditNoteBody>;

/** Body of POST /api/findings/:id/review-requests (DefectDojo's "Request peer review"). */
export const ZReviewRequestBody = z.strictObject({
  reviewer_ids: z
    .array(z.number().int().positive())
    .min(1, 'Choose at least one reviewer')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'lists a reviewer twice'),
  note: z.string().trim().min(1, 'Say what to review').max(2000),
});
export type TReviewRequestBody = z.infer<typeof ZReviewRequestBody>;

export const SLA_DAYS_MAX = 3650;
export const ZSlaPeriod = z
  .strictObject({
    /** Days from the day a finding was found; null leaves the severity without an SLA. */
    days: z.number().int().min(1).max(SLA_DAYS_MAX).nullable(),
    enforced: z.boolean(),
  })
  .refine((p) => !p.enforced || p.days !== null, { message: 'an enforced SLA needs a number of days', path: ['days'] });
export type TSlaPeriod = z.infer<typeof ZSlaPeriod>;

export const ZSlaPeriods = z.strictObject({
  Critical: ZSlaPeriod,
  High: ZSlaPeriod,
  Medium: ZSlaPeriod,
  Low: ZSlaPeriod,
  Info: ZSlaPeriod,
});
export type TSlaPeriods = z.infer<typeof ZSlaPeriods>;

/** DefectDojo's default SLA configuration; it has no SLA for Info. */
export const DEFAULT_SLA_PERIODS: TSlaPeriods = {
  Critical: { days: 7, enforced: true },
  High: { days: 30, enforced: true },
  Medium: { days: 90, enforced: true },
  Low: { days: 120, enforced: true },
  Info: { days: null, enforced: false },
};

/** Body of POST /api/sla-configurations and PUT /api/sla-configurations/:id. */
export const ZSlaConfigurationBody = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name').max(128),
  description: z.string().trim().max(512).default(''),
  periods: ZSlaPeriods,
});
export type TSlaConfigurationBody = z.input<typeof ZSlaConfigurationBody>;

/** DefectDojo's risk acceptance decisions. */
export const RISK_DECISIONS = ['accept', 'avoid', 'mitigate', 'fix', 'transfer'] as const;
export const RISK_DECISION_LABELS: Record<(typeof RISK_DECISIONS)[number], string> = {
  accept: 'Accept (the risk is acknowledged, yet remains)',
  avoid: 'Avoid (do not engage with whatever creates the risk)',
  mitigate: 'Mitigate (the risk still exists, yet compensating controls make it less of a threat)',
  fix: 'Fix (the risk is eradicated)',
  transfer: 'Transfer (the risk is transferred to a third party)',
};

/** Body of POST /api/engagements/:id/risk-acceptances. Whether expires_on lies ahead is checked by the service, which knows today. */
export const ZCreateRiskAcceptanceBody = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name').max(300),
  finding_ids: z
    .array(z.number().int().positive())
    .min(1, 'Choose at least one finding')
    .max(10_000)
    .refine((ids) => new Set(ids).size === ids.length, 'lists a finding twice'),
  owner_id: z.number().int().positive(),
  decision: z.enum(RISK_DECISIONS).default('accept'),
  decision_details: z.string().trim().max(10_000).optional(),
  accepted_by: z.string().trim().max(200).optional(),
  /** null: the acceptance never expires. */
  expires_on: ZCalendarDate.nullable(),
  /** On expiry, make the accepted findings active again (DefectDojo's default). */
  reactivate_expired: z.boolean().default(true),
  /** On expiry, restart the findings' SLA from that day. */
  restart_sla_expired: z.boolean().default(false),
});
export type TCreateRiskAcceptanceBody = z.input<typeof ZCreateRiskAcceptanceBody>;
