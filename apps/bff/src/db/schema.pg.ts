/**
 * The PostgreSQL schema: the same tables, columns and indexes as schema.ts (SQLite), so that one body of
 * portable SQL serves both (db/schema-parity.test.ts compares them). Types are chosen for that portability:
 * times are unix milliseconds in bigint, booleans are 0/1 integers (as in SQLite), ids are identities.
 * Migrations: `pnpm --filter @tocsin/bff db:generate:pg` (drizzle.pg.config.ts) into migrations/pg.
 */
import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigint, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

const now = sql`((extract(epoch from clock_timestamp()) * 1000)::bigint)`;
const ms = (name: string) => bigint(name, { mode: 'number' });
const flag = (name: string) => integer(name);
const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();
const bigId = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();

export const users = pgTable(
  'users',
  {
    id: id(),
    username: text('username').notNull(),
    email: text('email').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    isActive: flag('is_active').notNull().default(1),
    isSuperuser: flag('is_superuser').notNull().default(0),
    globalRole: text('global_role'),
    slackEmail: text('slack_email'),
    slackUserId: text('slack_user_id'),
    slackUserIdEmail: text('slack_user_id_email'),
    isService: flag('is_service').notNull().default(0),
    /** IANA time zone of the user's digests and quiet hours (issue 10 §4). */
    timeZone: text('time_zone').notNull().default('UTC'),
    /** Quiet hours (HH:MM in timeZone; both null: none): personal external deliveries wait until the end. */
    quietHoursStart: text('quiet_hours_start'),
    quietHoursEnd: text('quiet_hours_end'),
    /** Let notices about Critical findings through quiet hours. */
    quietHoursCriticalPasses: flag('quiet_hours_critical_passes').notNull().default(0),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('users_username_nocase').on(sql`lower(${t.username})`)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: ms('created_at').notNull().default(now),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    kind: text('kind').notNull().default('personal'),
    canRaiseContextFree: flag('can_raise_context_free').notNull().default(0),
    createdById: integer('created_by_id'),
    expiresOn: text('expires_on'),
    createdAt: ms('created_at').notNull().default(now),
    lastUsedAt: ms('last_used_at'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

export const productTypes = pgTable(
  'product_types',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('product_types_name_nocase').on(sql`lower(${t.name})`)],
);

export const products = pgTable(
  'products',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    productTypeId: integer('product_type_id')
      .notNull()
      .references(() => productTypes.id),
    createdAt: ms('created_at').notNull().default(now),
    slaConfigurationId: integer('sla_configuration_id'),
    slaNotifications: flag('sla_notifications').notNull().default(1),
  },
  (t) => [uniqueIndex('products_name_nocase').on(sql`lower(${t.name})`), index('products_type').on(t.productTypeId)],
);

export const engagements = pgTable(
  'engagements',
  {
    id: id(),
    name: text('name').notNull(),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    leadId: integer('lead_id').references(() => users.id, { onDelete: 'set null' }),
    targetStart: text('target_start').notNull(),
    targetEnd: text('target_end').notNull(),
    status: text('status').notNull().default('Not Started'),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [index('engagements_product').on(t.productId)],
);

export const productTypeMembers = pgTable(
  'product_type_members',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    productTypeId: integer('product_type_id')
      .notNull()
      .references(() => productTypes.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.productTypeId] }), index('ptm_product_type').on(t.productTypeId)],
);

export const productMembers = pgTable(
  'product_members',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.productId] }), index('pm_product').on(t.productId)],
);

export const notificationSettings = pgTable(
  'notification_settings',
  {
    id: id(),
    scope: text('scope').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    productId: integer('product_id').references(() => products.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    channels: integer('channels').notNull().default(0),
    userKey: integer('user_key').generatedAlwaysAs(sql`coalesce(user_id, 0)`),
    productKey: integer('product_key').generatedAlwaysAs(sql`coalesce(product_id, 0)`),
  },
  (t) => [
    uniqueIndex('notification_settings_record_event').on(t.scope, t.userKey, t.productKey, t.event),
    index('notification_settings_event').on(t.event, t.scope),
  ],
);

export const events = pgTable(
  'events',
  {
    id: bigId(),
    name: text('name').notNull(),
    routedAs: text('routed_as').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    url: text('url').notNull(),
    icon: text('icon').notNull(),
    source: text('source').notNull(),
    productTypeId: integer('product_type_id'),
    productId: integer('product_id'),
    engagementId: integer('engagement_id'),
    recipients: text('recipients'),
    alertOnly: flag('alert_only').notNull().default(0),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    raisedByUserId: integer('raised_by_user_id'),
    raisedByTokenId: integer('raised_by_token_id'),
    raisedByLabel: text('raised_by_label').notNull().default('Tocsin'),
    idempotencyKey: text('idempotency_key'),
    /** Coalescing key as sent (POST /api/events dedupe_key) or set by Tocsin's own sources, e.g. `sla:finding:42`. */
    dedupeKey: text('dedupe_key'),
    alertsCreated: integer('alerts_created').notNull().default(0),
    deliveriesCreated: integer('deliveries_created').notNull().default(0),
    createdAt: ms('created_at').notNull().default(now),
    payload: text('payload'),
  },
  (t) => [
    // Keys of Tocsin's own events (no creator) must be unique too: NULLs are distinct in a plain unique index, so
    // the index is on coalesce(created_by, 0) — two replicas running one job at once then insert the key once.
    uniqueIndex('events_idempotency_key').on(sql`coalesce(${t.createdBy}, 0)`, t.idempotencyKey),
    index('events_created').on(t.createdAt),
  ],
);

export const alerts = pgTable(
  'alerts',
  {
    id: bigId(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    eventId: bigint('event_id', { mode: 'number' }),
    event: text('event'),
    /** The event's catalogue name as a small number (db/event-codes.ts): the filter column in alerts_user. */
    eventCode: integer('event_code'),
    productId: integer('product_id'),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    url: text('url').notNull(),
    source: text('source').notNull(),
    icon: text('icon').notNull(),
    /**
     * Coalescing (coalescing/): the raiser scope and dedupe key (`<creator or 0>:<key>`), how many later events
     * were folded into this alert ("and N more like this") and when the latest came (null: none yet).
     */
    dedupeKey: text('dedupe_key'),
    coalescedCount: integer('coalesced_count').notNull().default(0),
    lastSeenAt: ms('last_seen_at'),
    createdAt: ms('created_at').notNull().default(now),
  },
  // One index per user, newest first: (user_id, id) serves the count, the list and its pages, and the filter
  // columns ride along, so a filter by event type, product or time is checked in the index without reading rows
  // (notifications/alert-filter.ts). A fan-out to N users writes N entries at N places of every index that starts
  // with user_id, so there is exactly one such index (bench: three more of them made fan-out three times slower).
  // Indexes that start with event_id or dedupe_key get the entries of one event side by side, so they cost little.
  (t) => [
    index('alerts_user').on(t.userId, t.id, t.eventCode, t.productId, t.createdAt),
    index('alerts_event').on(t.eventId, t.userId),
    index('alerts_dedupe').on(t.dedupeKey, t.createdAt).where(sql`${t.dedupeKey} is not null`),
    // Alerts without an event (delivery-failure notices): the text search reads them apart (events carry the text index).
    index('alerts_user_without_event').on(t.userId, t.id).where(sql`${t.eventId} is null`),
  ],
);

export const removedAlerts = pgTable(
  'removed_alerts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    eventId: bigint('event_id', { mode: 'number' }),
    event: text('event'),
    /** The event's catalogue name as a small number (db/event-codes.ts): the filter column in alerts_user. */
    eventCode: integer('event_code'),
    productId: integer('product_id'),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    url: text('url').notNull(),
    source: text('source').notNull(),
    icon: text('icon').notNull(),
    /**
     * Coalescing (coalescing/): the raiser scope and dedupe key (`<creator or 0>:<key>`), how many later events
     * were folded into this alert ("and N more like this") and when the latest came (null: none yet).
     */
    dedupeKey: text('dedupe_key'),
    coalescedCount: integer('coalesced_count').notNull().default(0),
    lastSeenAt: ms('last_seen_at'),
    createdAt: ms('created_at').notNull(),
    removedAt: ms('removed_at').notNull(),
  },
  (t) => [index('removed_alerts_user').on(t.userId, t.removedAt), index('removed_alerts_removed').on(t.removedAt)],
);

export const alertReads = pgTable('alert_reads', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  seenThroughId: ms('seen_through_id').notNull().default(0),
  updatedAt: ms('updated_at').notNull().default(now),
});

export const alertCounts = pgTable('alert_counts', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  n: integer('n').notNull().default(0),
});

export const systemSettings = pgTable('system_settings', {
  id: integer('id').primaryKey(),
  mailEnabled: flag('mail_enabled').notNull().default(0),
  mailTo: text('mail_to').notNull().default(''),
  mailFrom: text('mail_from').notNull().default('tocsin@localhost'),
  teamName: text('team_name').notNull().default('Tocsin'),
  smtpHost: text('smtp_host').notNull().default(''),
  smtpPort: integer('smtp_port').notNull().default(25),
  smtpTlsMode: text('smtp_tls_mode').notNull().default('none'),
  smtpUser: text('smtp_user').notNull().default(''),
  smtpPassword: text('smtp_password').notNull().default(''),
  slackEnabled: flag('slack_enabled').notNull().default(0),
  slackToken: text('slack_token').notNull().default(''),
  slackChannel: text('slack_channel').notNull().default(''),
  slackUsername: text('slack_username').notNull().default(''),
  msteamsEnabled: flag('msteams_enabled').notNull().default(0),
  msteamsUrl: text('msteams_url').notNull().default(''),
  webhooksEnabled: flag('webhooks_enabled').notNull().default(0),
  webhooksTimeoutSeconds: integer('webhooks_timeout_seconds').notNull().default(10),
  disclaimer: text('disclaimer').notNull().default(''),
  updatedAt: ms('updated_at').notNull().default(now),
  slaNotifyEnabled: flag('sla_notify_enabled').notNull().default(1),
  slaNotifyVerifiedOnly: flag('sla_notify_verified_only').notNull().default(0),
  slaPreBreachDays: integer('sla_pre_breach_days').notNull().default(3),
  slaPostBreachDays: integer('sla_post_breach_days').notNull().default(7),
  slaBackoff: flag('sla_backoff').notNull().default(0),
  riskAcceptanceHeadsUpDays: integer('risk_acceptance_heads_up_days').notNull().default(10),
  /** Events with the same dedupe key within this many seconds update one alert and send once (coalescing/). */
  coalesceWindowSeconds: integer('coalesce_window_seconds').notNull().default(600),
  /** Mail, Slack and Teams carry only the title and a link to Tocsin, no finding details. */
  /** Signs List-Unsubscribe tokens (unsubscribe/): random, made on first use, sealed at rest like the other secrets. */
  unsubscribeKey: text('unsubscribe_key').notNull().default(''),
  confidentialMode: flag('confidential_mode').notNull().default(0),
});

export const webhooks = pgTable(
  'webhooks',
  {
    id: id(),
    name: text('name').notNull(),
    url: text('url').notNull(),
    headerName: text('header_name'),
    headerValue: text('header_value'),
    signingSecret: text('signing_secret'),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').notNull().default('active'),
    firstErrorAt: ms('first_error_at'),
    lastErrorAt: ms('last_error_at'),
    note: text('note'),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('webhooks_name_nocase').on(sql`lower(${t.name})`), index('webhooks_owner').on(t.ownerId)],
);

export const deliveries = pgTable(
  'deliveries',
  {
    id: bigId(),
    uuid: text('uuid').notNull().unique(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    targetKind: text('target_kind').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    webhookId: integer('webhook_id').references(() => webhooks.id, { onDelete: 'cascade' }),
    destinationId: integer('destination_id').references(() => destinations.id, { onDelete: 'cascade' }),
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ms('next_attempt_at').notNull().default(now),
    leaseUntil: ms('lease_until'),
    /** The instance holding the lease (INSTANCE_ID): on restart it takes back its own rows at once. */
    leaseOwner: text('lease_owner'),
    /** The whole error, receiver's answer included (secrets redacted): what superusers see. */
    lastError: text('last_error'),
    /** The same error without the receiver's words (status code and reason): what everyone else sees. */
    lastErrorSummary: text('last_error_summary'),
    responseCode: integer('response_code'),
    content: text('content'),
    /** As alerts.dedupe_key: the coalescing scope and key of the event(s) this row sends. */
    dedupeKey: text('dedupe_key'),
    /** Later events folded into this row (coalescing, pacing merges): the message says "and N more like this". */
    coalescedCount: integer('coalesced_count').notNull().default(0),
    carriedBy: bigint('carried_by', { mode: 'number' }).references((): AnyPgColumn => deliveries.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull().default(now),
    updatedAt: ms('updated_at').notNull().default(now),
    sentAt: ms('sent_at'),
  },
  (t) => [
    // Due order within a state, ending with id so the claim's `order by next_attempt_at, id` is an index walk
    // on PostgreSQL too (SQLite's indexes end with the rowid anyway); lapsed leases have their own range.
    index('deliveries_due_order').on(t.status, t.nextAttemptAt, t.id),
    index('deliveries_leases').on(t.status, t.leaseUntil),
    index('deliveries_event').on(t.eventId),
    index('deliveries_user').on(t.userId),
    index('deliveries_created').on(t.createdAt),
    index('deliveries_destination').on(t.destinationId),
    index('deliveries_dedupe').on(t.dedupeKey, t.createdAt),
    index('deliveries_carried').on(t.carriedBy),
  ],
);

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: bigId(),
    deliveryId: bigint('delivery_id', { mode: 'number' })
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    startedAt: ms('started_at').notNull(),
    finishedAt: ms('finished_at').notNull(),
    ok: flag('ok').notNull(),
    responseCode: integer('response_code'),
    /** As deliveries.last_error: full for superusers; error_summary for everyone else. */
    error: text('error'),
    errorSummary: text('error_summary'),
  },
  (t) => [index('delivery_attempts_delivery').on(t.deliveryId)],
);

export const failureNotices = pgTable('failure_notices', {
  destinationKey: text('destination_key').primaryKey(),
  lastRaisedAt: ms('last_raised_at').notNull(),
});

export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: ms('locked_until'),
  updatedAt: ms('updated_at').notNull().default(now),
});

export const loginAddressThrottle = pgTable('login_address_throttle', {
  address: text('address').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: ms('window_start').notNull(),
  admitted: flag('admitted').notNull().default(1),
  updatedAt: ms('updated_at').notNull().default(now),
});

export const liveStreams = pgTable(
  'live_streams',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    instance: text('instance').notNull(),
    openedAt: ms('opened_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('live_streams_user').on(t.userId, t.expiresAt), index('live_streams_instance').on(t.instance)],
);

export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigId(),
    job: text('job').notNull(),
    period: text('period').notNull(),
    trigger: text('trigger').notNull(),
    instance: text('instance').notNull(),
    status: text('status').notNull(),
    startedAt: ms('started_at').notNull(),
    finishedAt: ms('finished_at'),
    eventsRaised: integer('events_raised').notNull().default(0),
    summary: text('summary'),
    error: text('error'),
    triggeredBy: integer('triggered_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('job_runs_job_period').on(t.job, t.period), index('job_runs_job_started').on(t.job, t.startedAt)],
);

// ---------------------------------------------------------------------------
// Findings and their event sources: tests and scan imports, findings, notes, review requests, SLA, risk acceptances.
// Dates without a time of day (date found, SLA expiry, mitigation, risk acceptance expiry) are YYYY-MM-DD text.

/** Days per severity; a null number of days or enforced = 0 gives that severity no SLA. One row is the default. */
export const slaConfigurations = pgTable(
  'sla_configurations',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    isDefault: flag('is_default').notNull().default(0),
    criticalDays: integer('critical_days'),
    criticalEnforced: flag('critical_enforced').notNull().default(1),
    highDays: integer('high_days'),
    highEnforced: flag('high_enforced').notNull().default(1),
    mediumDays: integer('medium_days'),
    mediumEnforced: flag('medium_enforced').notNull().default(1),
    lowDays: integer('low_days'),
    lowEnforced: flag('low_enforced').notNull().default(1),
    infoDays: integer('info_days'),
    infoEnforced: flag('info_enforced').notNull().default(0),
    createdAt: ms('created_at').notNull().default(now),
    updatedAt: ms('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('sla_configurations_name_nocase').on(sql`lower(${t.name})`)],
);

/** Tags of a product (lower-case), for filtering and, later, routing rules. */
export const productTags = pgTable(
  'product_tags',
  {
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.tag] }), index('product_tags_tag').on(t.tag)],
);

/** A test: the findings of one tool in one engagement, filled and refreshed by scan imports. */
export const tests = pgTable(
  'tests',
  {
    id: id(),
    engagementId: integer('engagement_id')
      .notNull()
      .references(() => engagements.id, { onDelete: 'cascade' }),
    /** The engagement's product, kept here so product pages and RBAC need no join through engagements. */
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    /** The tool (test type) name, e.g. "Semgrep". */
    title: text('title').notNull(),
    /** sarif | generic */
    format: text('format').notNull(),
    toolVersion: text('tool_version'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull().default(now),
    updatedAt: ms('updated_at').notNull().default(now),
  },
  (t) => [index('tests_engagement').on(t.engagementId), index('tests_product').on(t.productId)],
);

/** One import or re-import of a scan file into a test, with what it changed. */
export const testImports = pgTable(
  'test_imports',
  {
    id: id(),
    testId: integer('test_id')
      .notNull()
      .references(() => tests.id, { onDelete: 'cascade' }),
    isReimport: flag('is_reimport').notNull(),
    format: text('format').notNull(),
    tool: text('tool').notNull(),
    toolVersion: text('tool_version'),
    scanDate: text('scan_date').notNull(),
    fileName: text('file_name').notNull().default(''),
    fileBytes: integer('file_bytes').notNull().default(0),
    /** Findings the file reported (each fingerprint once), after minimum_severity. */
    fileFindings: integer('file_findings').notNull().default(0),
    newCount: integer('new_count').notNull().default(0),
    reactivatedCount: integer('reactivated_count').notNull().default(0),
    mitigatedCount: integer('mitigated_count').notNull().default(0),
    untouchedCount: integer('untouched_count').notNull().default(0),
    /** Triaged findings (false positive, out of scope, risk accepted, duplicate) the file reported again: left as they are. */
    keptTriagedCount: integer('kept_triaged_count').notNull().default(0),
    skippedCount: integer('skipped_count').notNull().default(0),
    closeOldFindings: flag('close_old_findings').notNull().default(0),
    minimumSeverity: text('minimum_severity').notNull().default('Info'),
    /** JSON array of the tags given with the import. */
    tags: text('tags').notNull().default('[]'),
    importedBy: integer('imported_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [index('test_imports_test').on(t.testId, t.id)],
);

export const findings = pgTable(
  'findings',
  {
    id: id(),
    testId: integer('test_id')
      .notNull()
      .references(() => tests.id, { onDelete: 'cascade' }),
    /** The test's engagement and product, kept here for product pages, RBAC and the SLA job without joins. */
    engagementId: integer('engagement_id')
      .notNull()
      .references(() => engagements.id, { onDelete: 'cascade' }),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    /** The import that created it. */
    importId: integer('import_id').references(() => testImports.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    /** Critical | High | Medium | Low | Info */
    severity: text('severity').notNull(),
    /** Markdown written by the tool: rendered sanitised. */
    description: text('description').notNull().default(''),
    mitigation: text('mitigation'),
    impact: text('impact'),
    references: text('reference_text'),
    tool: text('tool').notNull(),
    toolVersion: text('tool_version'),
    ruleId: text('rule_id'),
    cwe: integer('cwe'),
    filePath: text('file_path'),
    line: integer('line'),
    component: text('component'),
    componentVersion: text('component_version'),
    locationUrl: text('location_url'),
    /** 64 hex characters: the identity of the finding across scans of the same tool. */
    fingerprint: text('fingerprint').notNull(),
    /** JSON array of CVE, GHSA and other advisory ids. */
    vulnerabilityIds: text('vulnerability_ids').notNull().default('[]'),
    dateFound: text('date_found').notNull(),
    /** The day the SLA counts from: the date found, or the day a risk acceptance that restarts the SLA expired. */
    slaStartDate: text('sla_start_date').notNull(),
    /** sla_start_date + the days of its severity in the product's SLA configuration; null: no SLA. Kept by sla/configurations.ts. */
    slaExpiresOn: text('sla_expires_on'),
    /** active | verified | false_positive | out_of_scope | risk_accepted | mitigated | duplicate */
    status: text('status').notNull(),
    mitigatedOn: text('mitigated_on'),
    mitigatedBy: integer('mitigated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull().default(now),
    updatedAt: ms('updated_at').notNull().default(now),
  },
  (t) => [
    // The SLA job's window: open findings whose expiry falls within a few days of today.
    index('findings_status_sla').on(t.status, t.slaExpiresOn),
    index('findings_test_fingerprint').on(t.testId, t.fingerprint),
    index('findings_product_status').on(t.productId, t.status),
    index('findings_engagement').on(t.engagementId),
    index('findings_import').on(t.importId),
  ],
);

/** Tags of a finding: the tool's own (lower-cased) and those given with the import. */
export const findingTags = pgTable(
  'finding_tags',
  {
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.findingId, t.tag] }), index('finding_tags_tag').on(t.tag)],
);

/** Every status a finding has had: who (null for the system) changed it, when, and through what. */
export const findingStatusHistory = pgTable(
  'finding_status_history',
  {
    id: id(),
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    /** null for the first status. */
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    changedBy: integer('changed_by').references(() => users.id, { onDelete: 'set null' }),
    /** import | reimport | manual | risk_acceptance | risk_acceptance_expired */
    source: text('source').notNull(),
    importId: integer('import_id').references(() => testImports.id, { onDelete: 'set null' }),
    riskAcceptanceId: integer('risk_acceptance_id').references(() => riskAcceptances.id, { onDelete: 'set null' }),
    note: text('note'),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [index('finding_status_history_finding').on(t.findingId, t.id)],
);

/**
 * A person's corrections of a finding's severity (PATCH /api/findings/:id): who, when, from → to, why, and the SLA
 * expiry before and after (the correction recomputes it).
 */
export const findingSeverityHistory = pgTable(
  'finding_severity_history',
  {
    id: id(),
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    fromSeverity: text('from_severity').notNull(),
    toSeverity: text('to_severity').notNull(),
    /** The SLA expiry before and after (YYYY-MM-DD); null: no SLA for that severity. */
    fromSlaExpiresOn: text('from_sla_expires_on'),
    toSlaExpiresOn: text('to_sla_expires_on'),
    changedBy: integer('changed_by').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason').notNull(),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [index('finding_severity_history_finding').on(t.findingId, t.id)],
);

/** Notes on a finding (finding_id set) or on an engagement (finding_id null). Private notes: the author and superusers only. */
export const notes = pgTable(
  'notes',
  {
    id: id(),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    engagementId: integer('engagement_id')
      .notNull()
      .references(() => engagements.id, { onDelete: 'cascade' }),
    findingId: integer('finding_id').references(() => findings.id, { onDelete: 'cascade' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    entry: text('entry').notNull(),
    isPrivate: flag('is_private').notNull().default(0),
    createdAt: ms('created_at').notNull().default(now),
    updatedAt: ms('updated_at').notNull().default(now),
    editedAt: ms('edited_at'),
  },
  (t) => [index('notes_finding').on(t.findingId, t.id), index('notes_engagement').on(t.engagementId, t.id)],
);

/** A review request to one reviewer: pending until the reviewer marks it reviewed. */
export const findingReviews = pgTable(
  'finding_reviews',
  {
    id: id(),
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    requestedBy: integer('requested_by').references(() => users.id, { onDelete: 'set null' }),
    reviewerId: integer('reviewer_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    /** pending | reviewed */
    status: text('status').notNull().default('pending'),
    comment: text('comment'),
    createdAt: ms('created_at').notNull().default(now),
    reviewedAt: ms('reviewed_at'),
  },
  (t) => [index('finding_reviews_finding').on(t.findingId, t.id), index('finding_reviews_reviewer').on(t.reviewerId, t.status)],
);

export const riskAcceptances = pgTable(
  'risk_acceptances',
  {
    id: id(),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    engagementId: integer('engagement_id').references(() => engagements.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null' }),
    /** accept | avoid | mitigate | fix | transfer */
    decision: text('decision').notNull(),
    decisionDetails: text('decision_details').notNull().default(''),
    acceptedBy: text('accepted_by').notNull().default(''),
    /** Last day of the acceptance; null: it never expires. */
    expiresOn: text('expires_on'),
    reactivateExpired: flag('reactivate_expired').notNull().default(1),
    restartSlaExpired: flag('restart_sla_expired').notNull().default(0),
    /** When the heads-up went out, and when the expiry was handled and announced (each exactly once). */
    headsUpSentAt: ms('heads_up_sent_at'),
    expiredAt: ms('expired_at'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ms('created_at').notNull().default(now),
    updatedAt: ms('updated_at').notNull().default(now),
  },
  (t) => [index('risk_acceptances_product').on(t.productId), index('risk_acceptances_expiry').on(t.expiredAt, t.expiresOn)],
);

export const riskAcceptanceFindings = pgTable(
  'risk_acceptance_findings',
  {
    riskAcceptanceId: integer('risk_acceptance_id')
      .notNull()
      .references(() => riskAcceptances.id, { onDelete: 'cascade' }),
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    /** The status before the acceptance (active or verified): what reactivation restores. */
    previousStatus: text('previous_status').notNull(),
  },
  (t) => [primaryKey({ columns: [t.riskAcceptanceId, t.findingId] }), index('risk_acceptance_findings_finding').on(t.findingId)],
);

/**
 * Notices a scheduled job has sent, by key (e.g. `sla_breach:<finding>:<date>`): inserting the key in the
 * transaction of the dispatch is what makes each notice go out once, across re-runs, restarts and replicas.
 */
export const sentNotices = pgTable(
  'sent_notices',
  {
    key: text('key').primaryKey(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('sent_notices_created').on(t.createdAt)],
);

/**
 * Changes to a user's personal (or per-product) notification settings made by someone else: a superuser editing
 * them, or the template applied to existing users. One row per event whose channels changed, with the channel
 * bitmasks before and after; rows written by one action share `changeSetId`. Shown to the user.
 */
export const notificationSettingChanges = pgTable(
  'notification_setting_changes',
  {
    id: bigId(),
    changeSetId: text('change_set_id').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The superuser who made the change; null once that account is deleted. */
    changedById: integer('changed_by_id').references(() => users.id, { onDelete: 'set null' }),
    /** admin (edited by a superuser) or template (applied to existing users). */
    source: text('source').notNull(),
    /** personal, product, or rule (one of the user's personal rules: the rows are the events it touches). */
    scope: text('scope').notNull(),
    productId: integer('product_id').references(() => products.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** For a rule: the channels the rule added for this event before and after (0 where disabled or not about it). */
    channelsBefore: integer('channels_before').notNull(),
    channelsAfter: integer('channels_after').notNull(),
    /** scope rule: the rule's id (no reference: the history outlives a deleted rule). */
    ruleId: integer('rule_id'),
    /** scope rule: the rule as the API showed it before and after (JSON); null before a creation, after a deletion. */
    ruleBefore: text('rule_before'),
    ruleAfter: text('rule_after'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('notification_setting_changes_user').on(t.userId, t.createdAt)],
);

/** Routing rules (rules/); see schema.ts. */
export const rules = pgTable(
  'rules',
  {
    id: id(),
    scope: text('scope').notNull(),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    enabled: flag('enabled').notNull().default(1),
    channels: integer('channels').notNull().default(0),
    conditions: text('conditions').notNull(),
    hasProductTypes: flag('has_product_types').notNull().default(0),
    hasProducts: flag('has_products').notNull().default(0),
    hasTags: flag('has_tags').notNull().default(0),
    minSeverity: integer('min_severity'),
    minCount: integer('min_count'),
    countSeverity: integer('count_severity'),
    tool: text('tool'),
    onlyNew: flag('only_new').notNull().default(0),
    createdAt: ms('created_at').notNull().default(now),
    updatedAt: ms('updated_at').notNull().default(now),
  },
  (t) => [index('rules_owner').on(t.ownerId), index('rules_scope').on(t.scope)],
);

export const ruleEvents = pgTable(
  'rule_events',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.event] }), index('rule_events_event').on(t.event, t.ruleId)],
);

export const ruleScopes = pgTable(
  'rule_scopes',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.kind, t.value] })],
);

export const destinations = pgTable(
  'destinations',
  {
    id: id(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    slackChannel: text('slack_channel'),
    addresses: text('addresses'),
    url: text('url'),
    headerName: text('header_name'),
    headerValue: text('header_value'),
    signingSecret: text('signing_secret'),
    lastSuccessAt: ms('last_success_at'),
    lastFailureAt: ms('last_failure_at'),
    lastError: text('last_error'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    digestMode: text('digest_mode').notNull().default('immediate'),
    digestDailyAt: text('digest_daily_at').notNull().default('08:00'),
    digestTimeZone: text('digest_time_zone').notNull().default('UTC'),
    createdAt: ms('created_at').notNull().default(now),
    updatedAt: ms('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('destinations_name_nocase').on(sql`lower(${t.name})`)],
);

export const ruleDestinations = pgTable(
  'rule_destinations',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    destinationId: integer('destination_id')
      .notNull()
      .references(() => destinations.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.destinationId] }), index('rule_destinations_destination').on(t.destinationId)],
);

export const eventFacts = pgTable('event_facts', {
  eventId: bigint('event_id', { mode: 'number' })
    .primaryKey()
    .references(() => events.id, { onDelete: 'cascade' }),
  facts: text('facts').notNull(),
});

// ---------------------------------------------------------------------------
// Digests (digests/): per user and external channel, immediate or a digest; system destinations too (user_id null).

/** mode: immediate | hourly | daily; dailyAt: HH:MM in the user's time zone (system destinations: TIME_ZONE). */
export const digestSettings = pgTable(
  'digest_settings',
  {
    id: id(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    mode: text('mode').notNull().default('immediate'),
    dailyAt: text('daily_at').notNull().default('08:00'),
    userKey: integer('user_key').generatedAlwaysAs(sql`coalesce(user_id, 0)`),
  },
  (t) => [uniqueIndex('digest_settings_target').on(t.userKey, t.channel)],
);

/**
 * An event waiting for its digest: one row per delivery it would have made. The digest job turns every group
 * (destination, due time) that is due into one delivery and records it in deliveryId.
 */
export const digestItems = pgTable(
  'digest_items',
  {
    id: bigId(),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    targetKind: text('target_kind').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    webhookId: integer('webhook_id').references(() => webhooks.id, { onDelete: 'cascade' }),
    destinationId: integer('destination_id').references(() => destinations.id, { onDelete: 'cascade' }),
    dueAt: ms('due_at').notNull(),
    createdAt: ms('created_at').notNull(),
    deliveryId: bigint('delivery_id', { mode: 'number' }).references(() => deliveries.id, { onDelete: 'set null' }),
  },
  (t) => [index('digest_items_due').on(t.deliveryId, t.dueAt), index('digest_items_event').on(t.eventId)],
);

/**
 * Pacing per destination (delivery/pacing.ts): the earliest time the next message may go to it. Claims reserve
 * slots here atomically, so every replica keeps to one shared pace (a Slack channel: about one post a second).
 */
export const deliveryPace = pgTable('delivery_pace', {
  destination: text('destination').primaryKey(),
  nextAt: ms('next_at').notNull(),
});
