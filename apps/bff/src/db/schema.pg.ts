/**
 * The PostgreSQL schema: the same tables, columns and indexes as schema.ts (SQLite), so that one body of
 * portable SQL serves both (db/schema-parity.test.ts compares them). Types are chosen for that portability:
 * times are unix milliseconds in bigint, booleans are 0/1 integers (as in SQLite), ids are identities.
 * Migrations: `pnpm --filter @tocsin/bff db:generate:pg` (drizzle.pg.config.ts) into migrations/pg.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

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
    alertsCreated: integer('alerts_created').notNull().default(0),
    deliveriesCreated: integer('deliveries_created').notNull().default(0),
    createdAt: ms('created_at').notNull().default(now),
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
    productId: integer('product_id'),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    url: text('url').notNull(),
    source: text('source').notNull(),
    icon: text('icon').notNull(),
    createdAt: ms('created_at').notNull().default(now),
  },
  (t) => [
    index('alerts_user_id').on(t.userId, t.id),
    index('alerts_user_event').on(t.userId, t.event, t.id),
    index('alerts_user_product').on(t.userId, t.productId, t.id),
    index('alerts_user_created').on(t.userId, t.createdAt),
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
    productId: integer('product_id'),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    url: text('url').notNull(),
    source: text('source').notNull(),
    icon: text('icon').notNull(),
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
