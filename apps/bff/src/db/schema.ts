/**
 * The SQLite schema. Times are unix milliseconds (integer); booleans are 0/1 integers.
 * Channel sets are bitmasks (CHANNEL_BITS in @tocsin/contract/catalogue).
 * Migrations are generated from this file by drizzle-kit (`pnpm --filter @tocsin/bff db:generate`).
 */
import { sql } from 'drizzle-orm';
import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    email: text('email').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
    isSuperuser: integer('is_superuser', { mode: 'boolean' }).notNull().default(false),
    /** Reader/Writer/Maintainer/Owner on everything, or null. */
    globalRole: text('global_role'),
    slackEmail: text('slack_email'),
    /** Slack user id found by users.lookupByEmail for slackUserIdEmail; stale when the Slack email changes. */
    slackUserId: text('slack_user_id'),
    slackUserIdEmail: text('slack_user_id_email'),
    /** A service account for integrations: it holds integration tokens and cannot log in with a password. */
    isService: integer('is_service', { mode: 'boolean' }).notNull().default(false),
    /** IANA time zone of the user's digests and quiet hours (issue 10 §4). */
    timeZone: text('time_zone').notNull().default('UTC'),
    /** Quiet hours (HH:MM in timeZone; both null: none): personal external deliveries wait until the end. */
    quietHoursStart: text('quiet_hours_start'),
    quietHoursEnd: text('quiet_hours_end'),
    /** Let notices about Critical findings through quiet hours. */
    quietHoursCriticalPasses: integer('quiet_hours_critical_passes', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('users_username_nocase').on(sql`${t.username} collate nocase`)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** sha256 of the cookie value; the value itself is never stored. */
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull().default(now),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** sha256 of the key (keys are 32 random bytes, so a fast hash is enough). */
    keyHash: text('key_hash').notNull().unique(),
    /** personal (made by its owner on the profile page) | integration (made by a superuser for an owner). */
    kind: text('kind').notNull().default('personal'),
    /** Integration tokens only: may raise events without product context (checked with the creator still a superuser). */
    canRaiseContextFree: integer('can_raise_context_free', { mode: 'boolean' }).notNull().default(false),
    /**
     * Who made the token: the owner for personal tokens, a superuser for integration tokens. No foreign key:
     * SQLite cannot add a column with ON DELETE SET NULL, and ids are never reused, so a stale id names nobody.
     */
    createdById: integer('created_by_id'),
    /** Last calendar day (YYYY-MM-DD, in TIME_ZONE) on which the token works; null: no expiry. */
    expiresOn: text('expires_on'),
    createdAt: integer('created_at').notNull().default(now),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

export const productTypes = sqliteTable(
  'product_types',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('product_types_name_nocase').on(sql`${t.name} collate nocase`)],
);

export const products = sqliteTable(
  'products',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    productTypeId: integer('product_type_id')
      .notNull()
      .references(() => productTypes.id),
    createdAt: integer('created_at').notNull().default(now),
    /** The SLA configuration of its findings; null: the default configuration (sla_configurations.is_default). */
    slaConfigurationId: integer('sla_configuration_id'),
    /** Off: the SLA job raises no sla_breach notices about this product's findings. */
    slaNotifications: integer('sla_notifications', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [uniqueIndex('products_name_nocase').on(sql`${t.name} collate nocase`), index('products_type').on(t.productTypeId)],
);

export const engagements = sqliteTable(
  'engagements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    leadId: integer('lead_id').references(() => users.id, { onDelete: 'set null' }),
    targetStart: text('target_start').notNull(),
    targetEnd: text('target_end').notNull(),
    status: text('status').notNull().default('Not Started'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('engagements_product').on(t.productId)],
);

export const productTypeMembers = sqliteTable(
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

export const productMembers = sqliteTable(
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

/**
 * One row per (record, event). scope: system | template (userId and productId null),
 * personal (userId set), product (userId and productId set). channels: bitmask.
 */
export const notificationSettings = sqliteTable(
  'notification_settings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scope: text('scope').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    productId: integer('product_id').references(() => products.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    channels: integer('channels').notNull().default(0),
    // NULLs are distinct in SQLite unique indexes, so the record key uses 0 for "none".
    userKey: integer('user_key').generatedAlwaysAs(sql`coalesce(user_id, 0)`, { mode: 'stored' }),
    productKey: integer('product_key').generatedAlwaysAs(sql`coalesce(product_id, 0)`, { mode: 'stored' }),
  },
  (t) => [
    uniqueIndex('notification_settings_record_event').on(t.scope, t.userKey, t.productKey, t.event),
    index('notification_settings_event').on(t.event, t.scope),
  ],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The name as sent. */
    name: text('name').notNull(),
    /** The catalogue event whose settings routed it. */
    routedAs: text('routed_as').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    url: text('url').notNull(),
    icon: text('icon').notNull(),
    source: text('source').notNull(),
    productTypeId: integer('product_type_id'),
    productId: integer('product_id'),
    engagementId: integer('engagement_id'),
    /** JSON array of user ids, or null for a broadcast. */
    recipients: text('recipients'),
    alertOnly: integer('alert_only', { mode: 'boolean' }).notNull().default(false),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    /**
     * Who raised it through the API (user, and token when a token was used); both null for Tocsin's own code.
     * No foreign keys (as api_tokens.created_by_id): revoking a token must not touch the events it raised.
     */
    raisedByUserId: integer('raised_by_user_id'),
    raisedByTokenId: integer('raised_by_token_id'),
    /** "alice", "alice via token 'GitLab CI'" or "Tocsin": kept as written, so it survives a revoked token or removed user. */
    raisedByLabel: text('raised_by_label').notNull().default('Tocsin'),
    idempotencyKey: text('idempotency_key'),
    /** Coalescing key as sent (POST /api/events dedupe_key) or set by Tocsin's own sources, e.g. `sla:finding:42`. */
    dedupeKey: text('dedupe_key'),
    alertsCreated: integer('alerts_created').notNull().default(0),
    deliveriesCreated: integer('deliveries_created').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
    /** JSON of the domain blocks webhooks carry (test, findings, finding, note, review, sla, risk_acceptance), or null. */
    payload: text('payload'),
  },
  (t) => [
    // Keys of Tocsin's own events (no creator) must be unique too: NULLs are distinct in a plain unique index, so
    // the index is on coalesce(created_by, 0) — two replicas running one job at once then insert the key once.
    uniqueIndex('events_idempotency_key').on(sql`coalesce(${t.createdBy}, 0)`, t.idempotencyKey),
    index('events_created').on(t.createdAt),
  ],
);

export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    eventId: integer('event_id'),
    /** The event's catalogue name (routed_as) and product, copied from the event so that filters need no join. */
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
    lastSeenAt: integer('last_seen_at'),
    createdAt: integer('created_at').notNull().default(now),
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

/**
 * Alerts a user removed moments ago, kept with their ids so that Undo can put them back exactly as they were.
 * Out of `alerts`, so the list, its indexes and the count triggers only ever see live alerts; the retention
 * job purges rows older than ALERT_UNDO_SECONDS.
 */
export const removedAlerts = sqliteTable(
  'removed_alerts',
  {
    id: integer('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    eventId: integer('event_id'),
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
    lastSeenAt: integer('last_seen_at'),
    createdAt: integer('created_at').notNull(),
    removedAt: integer('removed_at').notNull(),
  },
  (t) => [index('removed_alerts_user').on(t.userId, t.removedAt), index('removed_alerts_removed').on(t.removedAt)],
);

/** The newest alert id each user had seen when they last opened the bell or the Alerts page ("new since you last looked"). */
export const alertReads = sqliteTable('alert_reads', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  seenThroughId: integer('seen_through_id').notNull().default(0),
  updatedAt: integer('updated_at').notNull().default(now),
});

/**
 * Number of alerts in each user's list, kept by triggers on alerts (migration 0001), so the bell count is a
 * primary-key lookup rather than counting up to hundreds of thousands of index entries on every request.
 */
export const alertCounts = sqliteTable('alert_counts', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  n: integer('n').notNull().default(0),
});

export const systemSettings = sqliteTable('system_settings', {
  id: integer('id').primaryKey(),
  mailEnabled: integer('mail_enabled', { mode: 'boolean' }).notNull().default(false),
  mailTo: text('mail_to').notNull().default(''),
  mailFrom: text('mail_from').notNull().default('tocsin@localhost'),
  teamName: text('team_name').notNull().default('Tocsin'),
  smtpHost: text('smtp_host').notNull().default(''),
  smtpPort: integer('smtp_port').notNull().default(25),
  /** none | starttls | tls */
  smtpTlsMode: text('smtp_tls_mode').notNull().default('none'),
  smtpUser: text('smtp_user').notNull().default(''),
  smtpPassword: text('smtp_password').notNull().default(''),
  slackEnabled: integer('slack_enabled', { mode: 'boolean' }).notNull().default(false),
  slackToken: text('slack_token').notNull().default(''),
  slackChannel: text('slack_channel').notNull().default(''),
  slackUsername: text('slack_username').notNull().default(''),
  msteamsEnabled: integer('msteams_enabled', { mode: 'boolean' }).notNull().default(false),
  msteamsUrl: text('msteams_url').notNull().default(''),
  webhooksEnabled: integer('webhooks_enabled', { mode: 'boolean' }).notNull().default(false),
  webhooksTimeoutSeconds: integer('webhooks_timeout_seconds').notNull().default(10),
  disclaimer: text('disclaimer').notNull().default(''),
  updatedAt: integer('updated_at').notNull().default(now),
  /** SLA notices (the daily SLA job): on/off, which open findings, the windows around the expiry, back-off. */
  slaNotifyEnabled: integer('sla_notify_enabled', { mode: 'boolean' }).notNull().default(true),
  slaNotifyVerifiedOnly: integer('sla_notify_verified_only', { mode: 'boolean' }).notNull().default(false),
  slaPreBreachDays: integer('sla_pre_breach_days').notNull().default(3),
  slaPostBreachDays: integer('sla_post_breach_days').notNull().default(7),
  slaBackoff: integer('sla_backoff', { mode: 'boolean' }).notNull().default(false),
  /** Days before a risk acceptance expires that its heads-up goes out; 0: no heads-up. */
  riskAcceptanceHeadsUpDays: integer('risk_acceptance_heads_up_days').notNull().default(10),
  /** Events with the same dedupe key within this many seconds update one alert and send once (coalescing/). */
  coalesceWindowSeconds: integer('coalesce_window_seconds').notNull().default(600),
  /** Mail, Slack and Teams carry only the title and a link to Tocsin, no finding details. */
  /** Signs List-Unsubscribe tokens (unsubscribe/): random, made on first use, sealed at rest like the other secrets. */
  unsubscribeKey: text('unsubscribe_key').notNull().default(''),
  confidentialMode: integer('confidential_mode', { mode: 'boolean' }).notNull().default(false),
});

export const webhooks = sqliteTable(
  'webhooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    headerName: text('header_name'),
    headerValue: text('header_value'),
    signingSecret: text('signing_secret'),
    /** null: a system webhook; otherwise it receives that user's personal notifications. */
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    /** active | active_tmp | inactive_tmp | inactive_permanent */
    status: text('status').notNull().default('active'),
    firstErrorAt: integer('first_error_at'),
    lastErrorAt: integer('last_error_at'),
    note: text('note'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('webhooks_name_nocase').on(sql`${t.name} collate nocase`), index('webhooks_owner').on(t.ownerId)],
);

/**
 * One row per (destination, channel) of an event, written with the event in one transaction.
 * targetKind: system (the system destination of the channel) | user (userId) | webhook (webhookId).
 * status: queued | sending | sent | retrying | failed.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Stable id sent as X-Tocsin-Delivery, the same on every retry. */
    uuid: text('uuid').notNull().unique(),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    targetKind: text('target_kind').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    webhookId: integer('webhook_id').references(() => webhooks.id, { onDelete: 'cascade' }),
    /** targetKind 'destination': the named destination a system rule routed the event to (rules/). */
    destinationId: integer('destination_id').references(() => destinations.id, { onDelete: 'cascade' }),
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull().default(now),
    leaseUntil: integer('lease_until'),
    /** The instance holding the lease (INSTANCE_ID): on restart it takes back its own rows at once. */
    leaseOwner: text('lease_owner'),
    /** The whole error, receiver's answer included (secrets redacted): what superusers see. */
    lastError: text('last_error'),
    /** The same error without the receiver's words (status code and reason): what everyone else sees. */
    lastErrorSummary: text('last_error_summary'),
    responseCode: integer('response_code'),
    /** JSON of the rendered message, filled by the worker on first attempt when null. */
    content: text('content'),
    /** As alerts.dedupe_key: the coalescing scope and key of the event(s) this row sends. */
    dedupeKey: text('dedupe_key'),
    /** Later events folded into this row (coalescing, pacing merges): the message says "and N more like this". */
    coalescedCount: integer('coalesced_count').notNull().default(0),
    /**
     * Status 'carried': this row's event rides in the merged chat post of that delivery (pacing merges, queue.ts),
     * and its state follows the carrier's; once sent or failed, it still names the post that carried it.
     */
    carriedBy: integer('carried_by').references((): AnySQLiteColumn => deliveries.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
    sentAt: integer('sent_at'),
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

export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at').notNull(),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    responseCode: integer('response_code'),
    /** As deliveries.last_error: full for superusers; error_summary for everyone else. */
    error: text('error'),
    errorSummary: text('error_summary'),
  },
  (t) => [index('delivery_attempts_delivery').on(t.deliveryId)],
);

/** Last time a "delivery failed" alert was raised for a destination, to raise it at most once an hour. */
export const failureNotices = sqliteTable('failure_notices', {
  destinationKey: text('destination_key').primaryKey(),
  lastRaisedAt: integer('last_raised_at').notNull(),
});

/** Failed-login throttle keyed by lower-cased username and client address, whether or not the user exists. */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: integer('locked_until'),
  updatedAt: integer('updated_at').notNull().default(now),
});

/**
 * Failed logins per client address across all usernames, in fixed windows (password spraying).
 * admitted: whether the latest counted attempt was let through (read back by the same atomic upsert).
 */
export const loginAddressThrottle = sqliteTable('login_address_throttle', {
  address: text('address').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: integer('window_start').notNull(),
  admitted: integer('admitted', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at').notNull().default(now),
});

/**
 * Open live alert streams, across every replica: the per-user limit counts these. A replica refreshes the
 * expiry of its own rows while they are open, so the rows of a replica that died lapse on their own.
 */
export const liveStreams = sqliteTable(
  'live_streams',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    instance: text('instance').notNull(),
    openedAt: integer('opened_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('live_streams_user').on(t.userId, t.expiresAt), index('live_streams_instance').on(t.instance)],
);

/**
 * One row per scheduled job and period: inserting it is how one replica (and only one) wins the period.
 * Manual runs ("Run now") get a period of their own. status: running | ok | failed.
 */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    job: text('job').notNull(),
    period: text('period').notNull(),
    /** schedule | manual */
    trigger: text('trigger').notNull(),
    instance: text('instance').notNull(),
    status: text('status').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
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
export const slaConfigurations = sqliteTable(
  'sla_configurations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
    criticalDays: integer('critical_days'),
    criticalEnforced: integer('critical_enforced', { mode: 'boolean' }).notNull().default(true),
    highDays: integer('high_days'),
    highEnforced: integer('high_enforced', { mode: 'boolean' }).notNull().default(true),
    mediumDays: integer('medium_days'),
    mediumEnforced: integer('medium_enforced', { mode: 'boolean' }).notNull().default(true),
    lowDays: integer('low_days'),
    lowEnforced: integer('low_enforced', { mode: 'boolean' }).notNull().default(true),
    infoDays: integer('info_days'),
    infoEnforced: integer('info_enforced', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('sla_configurations_name_nocase').on(sql`${t.name} collate nocase`)],
);

/** Tags of a product (lower-case), for filtering and, later, routing rules. */
export const productTags = sqliteTable(
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
export const tests = sqliteTable(
  'tests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('tests_engagement').on(t.engagementId), index('tests_product').on(t.productId)],
);

/** One import or re-import of a scan file into a test, with what it changed. */
export const testImports = sqliteTable(
  'test_imports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    testId: integer('test_id')
      .notNull()
      .references(() => tests.id, { onDelete: 'cascade' }),
    isReimport: integer('is_reimport', { mode: 'boolean' }).notNull(),
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
    closeOldFindings: integer('close_old_findings', { mode: 'boolean' }).notNull().default(false),
    minimumSeverity: text('minimum_severity').notNull().default('Info'),
    /** JSON array of the tags given with the import. */
    tags: text('tags').notNull().default('[]'),
    importedBy: integer('imported_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('test_imports_test').on(t.testId, t.id)],
);

export const findings = sqliteTable(
  'findings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
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
export const findingTags = sqliteTable(
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
export const findingStatusHistory = sqliteTable(
  'finding_status_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('finding_status_history_finding').on(t.findingId, t.id)],
);

/**
 * A person's corrections of a finding's severity (PATCH /api/findings/:id): who, when, from → to, why, and the SLA
 * expiry before and after (the correction recomputes it).
 */
export const findingSeverityHistory = sqliteTable(
  'finding_severity_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('finding_severity_history_finding').on(t.findingId, t.id)],
);

/** Notes on a finding (finding_id set) or on an engagement (finding_id null). Private notes: the author and superusers only. */
export const notes = sqliteTable(
  'notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    engagementId: integer('engagement_id')
      .notNull()
      .references(() => engagements.id, { onDelete: 'cascade' }),
    findingId: integer('finding_id').references(() => findings.id, { onDelete: 'cascade' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    entry: text('entry').notNull(),
    isPrivate: integer('is_private', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
    editedAt: integer('edited_at'),
  },
  (t) => [index('notes_finding').on(t.findingId, t.id), index('notes_engagement').on(t.engagementId, t.id)],
);

/** A review request to one reviewer: pending until the reviewer marks it reviewed. */
export const findingReviews = sqliteTable(
  'finding_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    createdAt: integer('created_at').notNull().default(now),
    reviewedAt: integer('reviewed_at'),
  },
  (t) => [index('finding_reviews_finding').on(t.findingId, t.id), index('finding_reviews_reviewer').on(t.reviewerId, t.status)],
);

export const riskAcceptances = sqliteTable(
  'risk_acceptances',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    reactivateExpired: integer('reactivate_expired', { mode: 'boolean' }).notNull().default(true),
    restartSlaExpired: integer('restart_sla_expired', { mode: 'boolean' }).notNull().default(false),
    /** When the heads-up went out, and when the expiry was handled and announced (each exactly once). */
    headsUpSentAt: integer('heads_up_sent_at'),
    expiredAt: integer('expired_at'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('risk_acceptances_product').on(t.productId), index('risk_acceptances_expiry').on(t.expiredAt, t.expiresOn)],
);

export const riskAcceptanceFindings = sqliteTable(
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
export const sentNotices = sqliteTable(
  'sent_notices',
  {
    key: text('key').primaryKey(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('sent_notices_created').on(t.createdAt)],
);

/**
 * Changes to a user's personal (or per-product) notification settings made by someone else: a superuser editing
 * them, or the template applied to existing users. One row per event whose channels changed, with the channel
 * bitmasks before and after; rows written by one action share `changeSetId`. Shown to the user.
 */
export const notificationSettingChanges = sqliteTable(
  'notification_setting_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('notification_setting_changes_user').on(t.userId, t.createdAt)],
);

/**
 * Routing rules (rules/): a personal rule (owner_id) adds channels for matching events on top of its owner's
 * personal record; a system rule (owner_id null) sends matching events to named destinations. `conditions` is
 * the rule as the API took it (JSON); the columns after it are the same conditions in the form the fan-out's
 * SQL reads (rules/conditions.ts writes both).
 */
export const rules = sqliteTable(
  'rules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** personal | system */
    scope: text('scope').notNull(),
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Personal rules: the channels added (CHANNEL_BITS). */
    channels: integer('channels').notNull().default(0),
    conditions: text('conditions').notNull(),
    hasProductTypes: integer('has_product_types', { mode: 'boolean' }).notNull().default(false),
    hasProducts: integer('has_products', { mode: 'boolean' }).notNull().default(false),
    hasTags: integer('has_tags', { mode: 'boolean' }).notNull().default(false),
    /** Severity rank (Info 1 … Critical 5) or null. */
    minSeverity: integer('min_severity'),
    minCount: integer('min_count'),
    countSeverity: integer('count_severity'),
    /** Lower-case tool name or null. */
    tool: text('tool'),
    onlyNew: integer('only_new', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [index('rules_owner').on(t.ownerId), index('rules_scope').on(t.scope)],
);

/** The events a rule is about, one row each: the fan-out finds a rule by its event through this index. */
export const ruleEvents = sqliteTable(
  'rule_events',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.event] }), index('rule_events_event').on(t.event, t.ruleId)],
);

/** A rule's sets: kind product_type | product (value: the id as text) | tag (value: the tag). */
export const ruleScopes = sqliteTable(
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

/** Named destinations (superusers): a Slack channel, a Teams Workflows URL, an email list or a webhook endpoint. */
export const destinations = sqliteTable(
  'destinations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** slack | msteams | mail | webhook */
    kind: text('kind').notNull(),
    slackChannel: text('slack_channel'),
    /** mail: JSON array of addresses. */
    addresses: text('addresses'),
    /** webhook: the endpoint; msteams: the Workflows URL, sealed (it carries its credential). */
    url: text('url'),
    headerName: text('header_name'),
    /** Sealed. */
    headerValue: text('header_value'),
    /** Sealed. */
    signingSecret: text('signing_secret'),
    lastSuccessAt: integer('last_success_at'),
    lastFailureAt: integer('last_failure_at'),
    lastError: text('last_error'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** immediate | hourly | daily (digests/): daily at digest_daily_at (HH:MM) in digest_time_zone. */
    digestMode: text('digest_mode').notNull().default('immediate'),
    digestDailyAt: text('digest_daily_at').notNull().default('08:00'),
    digestTimeZone: text('digest_time_zone').notNull().default('UTC'),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('destinations_name_nocase').on(sql`lower(${t.name})`)],
);

export const ruleDestinations = sqliteTable(
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

/**
 * What rule conditions read of an event, computed once when it is dispatched (rules/facts.ts): product tags
 * at that moment, severities, counts, tool, new findings. The rules preview reads it back.
 */
export const eventFacts = sqliteTable('event_facts', {
  eventId: integer('event_id')
    .primaryKey()
    .references(() => events.id, { onDelete: 'cascade' }),
  facts: text('facts').notNull(),
});

// ---------------------------------------------------------------------------
// Digests (digests/): per user and external channel, immediate or a digest; system destinations too (user_id null).

/** mode: immediate | hourly | daily; dailyAt: HH:MM in the user's time zone (system destinations: TIME_ZONE). */
export const digestSettings = sqliteTable(
  'digest_settings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    mode: text('mode').notNull().default('immediate'),
    dailyAt: text('daily_at').notNull().default('08:00'),
    userKey: integer('user_key').generatedAlwaysAs(sql`coalesce(user_id, 0)`, { mode: 'stored' }),
  },
  (t) => [uniqueIndex('digest_settings_target').on(t.userKey, t.channel)],
);

/**
 * An event waiting for its digest: one row per delivery it would have made. The digest job turns every group
 * (destination, due time) that is due into one delivery and records it in deliveryId.
 */
export const digestItems = sqliteTable(
  'digest_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    targetKind: text('target_kind').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    webhookId: integer('webhook_id').references(() => webhooks.id, { onDelete: 'cascade' }),
    /** target_kind 'destination': the named destination on a digest. */
    destinationId: integer('destination_id').references(() => destinations.id, { onDelete: 'cascade' }),
    dueAt: integer('due_at').notNull(),
    createdAt: integer('created_at').notNull(),
    deliveryId: integer('delivery_id').references(() => deliveries.id, { onDelete: 'set null' }),
  },
  (t) => [index('digest_items_due').on(t.deliveryId, t.dueAt), index('digest_items_event').on(t.eventId)],
);

/**
 * Pacing per destination (delivery/pacing.ts): the earliest time the next message may go to it. Claims reserve
 * slots here atomically, so every replica keeps to one shared pace (a Slack channel: about one post a second).
 */
export const deliveryPace = sqliteTable('delivery_pace', {
  destination: text('destination').primaryKey(),
  nextAt: integer('next_at').notNull(),
});
