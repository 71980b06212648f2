/** The only reader of process.env: parsed once, with zod, into a typed Env. */
import { IMPORT_FILE_MAX_BYTES } from '@tocsin/contract/findings';
import { z } from 'zod';
import { parseTrustProxy } from './auth/client-address';
import { SQLITE_CACHE_MIB } from './db/sqlite';
import { parseOutboundAllow } from './delivery/address-policy';
import { checkOutboundUrl } from './delivery/outbound';

const CACHE_MIB_RULE = 'must be a whole number of MiB from 1 to 4096';

const ZBool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

export const ZEnv = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Public base URL used in links inside notifications (emails, Slack, webhooks). */
    PUBLIC_URL: z.string().url().optional(),
    /** PostgreSQL (`postgres://user:pass@host:5432/db`) for replicas; when unset, the SQLite file at DATABASE_PATH. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//i, 'must be a postgres:// URL (leave it unset to use the SQLite file)')
      .optional(),
    /** Connections each replica may hold in its PostgreSQL pool (plus one for LISTEN). */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /** Prepare the hottest statements once per connection (PostgreSQL); off behind a PgBouncer older than 1.21. */
    DATABASE_PREPARED_STATEMENTS: ZBool.default(true),
    /** SQLite database file; created and migrated at start. */
    DATABASE_PATH: z.string().default('./data/tocsin.db'),
    /** SQLite: the page cache of the server's connection, in MiB (filled only as pages are read). */
    DATABASE_CACHE_MIB: z.coerce
      .number({ error: CACHE_MIB_RULE })
      .int(CACHE_MIB_RULE)
      .min(1, CACHE_MIB_RULE)
      .max(4096, CACHE_MIB_RULE)
      .default(SQLITE_CACHE_MIB),
    /** This instance's stable name (defaults to host:port): a restarted instance takes back its own delivery leases at once. */
    INSTANCE_ID: z.string().min(1).max(100).optional(),
    /** Built SPA to serve; empty disables static serving (API only). */
    WEB_DIST: z.string().default(''),
    /** Seed demo users, products and alerts on the first start of an empty database. */
    SEED_DEMO: ZBool.default(true),
    /** How long removed alerts can be restored (Undo) before the retention job purges them. */
    ALERT_UNDO_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    /** Each user keeps at most this many newest alerts; -1 keeps everything. */
    ALERT_RETENTION: z.coerce.number().int().min(-1).default(999),
    /** How often retention trims lists: often, so that lists stay near the cap. */
    ALERT_RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Live alert streams one user may hold open at once, across every replica (more tabs fall back to polling). */
    STREAM_LIMIT_PER_USER: z.coerce.number().int().min(1).max(100).default(5),
    SESSION_TTL_HOURS: z.coerce.number().int().min(1).default(12),
    /** Failed logins for one username from one client address before that pair is locked, and for how long. */
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(300),
    /** Failed logins from one client address, across all usernames, per window (password spraying). */
    LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
    LOGIN_ADDRESS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    /**
     * Proxies whose X-Forwarded-For is believed: IP addresses and CIDR ranges (e.g. 127.0.0.1, 10.0.0.0/8),
     * separated by commas or spaces. Empty: the socket's peer address is the client.
     */
    TRUST_PROXY: z
      .string()
      .default('')
      .superRefine((value, ctx) => {
        try {
          parseTrustProxy(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        }
      }),
    /** Set the Secure flag on cookies. Unset: on when PUBLIC_URL is https (see isCookieSecure). */
    COOKIE_SECURE: ZBool.optional(),
    /** SMTP connection defaults; when set they override the System Settings page. */
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    SMTP_TLS_MODE: z.enum(['none', 'starttls', 'tls']).optional(),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    /** Slack Web API base URL (tests and air-gapped installs point it at a stand-in). */
    SLACK_API_URL: z.string().url().default('https://slack.com/api'),
    /** Delivery worker. */
    WORKER_ENABLED: ZBool.default(true),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(32),
    WORKER_POLL_MS: z.coerce.number().int().min(10).default(500),
    WORKER_LEASE_SECONDS: z.coerce.number().int().min(1).default(60),
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
    DELIVERY_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(5000),
    DELIVERY_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
    /**
     * Pacing per destination (ms between two messages; 0: unpaced): a Slack channel or DM (Slack allows about one
     * post a second per channel), a Teams Workflows flow, each webhook endpoint. Bursts wait in the queue.
     */
    SLACK_PACE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    MSTEAMS_PACE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    WEBHOOK_PACE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /**
     * When a paced Slack channel, Slack DM or Teams flow's slot opens, up to this many waiting messages to it go out
     * as one post (the first 10 as sections, the rest as "+N more"); 1 sends them one by one. Webhooks never merge.
     */
    CHAT_MERGE_MAX: z.coerce.number().int().min(1).max(500).default(50),
    /** Run scheduled jobs in this process (each runs once per period across all replicas either way). */
    JOBS_ENABLED: ZBool.default(true),
    /** Time zone of daily jobs (SLA) and of dates in notices, e.g. Europe/Berlin. */
    TIME_ZONE: z
      .string()
      .default('UTC')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone name such as UTC or Europe/Berlin'),
    /** HTTP server limits: time to send headers / a whole request, open connections, and the drain on shutdown. */
    HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(15),
    HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
    HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(10).default(10_000),
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(10),
    /** Scheduler of time-based events: how often it runs, and the engagement rules it applies. */
    SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(3600),
    /** An open engagement starting within this many days raises upcoming_engagement (once). */
    ENGAGEMENT_UPCOMING_DAYS: z.coerce.number().int().min(0).default(3),
    /** Close engagements still open more than ENGAGEMENT_AUTO_CLOSE_DAYS after their end date. */
    ENGAGEMENT_AUTO_CLOSE: ZBool.default(false),
    ENGAGEMENT_AUTO_CLOSE_DAYS: z.coerce.number().int().min(0).default(3),
    /** Largest scan file POST /api/imports accepts, in bytes; a larger upload is cut off and answered 413. */
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1).default(IMPORT_FILE_MAX_BYTES),
    /** When the daily SLA job runs (HH:MM in TIME_ZONE). */
    SLA_JOB_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, such as 06:00')
      .default('06:00'),
    /** How often the risk acceptance job looks for acceptances to warn about or expire. */
    RISK_ACCEPTANCE_INTERVAL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(4 * 3600),
    /**
     * Internal hosts and addresses Tocsin may connect to (webhooks, Teams, Slack, SMTP): host names,
     * *.suffix wildcards, IP addresses and CIDR ranges, separated by commas or spaces. Empty: public
     * addresses only. Checked here so a bad entry stops the server at start, with the entry named.
     */
    OUTBOUND_ALLOW: z
      .string()
      .default('')
      .superRefine((value, ctx) => {
        try {
          parseOutboundAllow(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        }
      }),
    /** Name this installation sends in X-Tocsin-Instance. */
    INSTANCE_NAME: z.string().default('tocsin'),
    /**
     * Key that encrypts stored secrets (Slack token, SMTP password, webhook header values and signing
     * secrets, Teams URL): 32 random bytes as base64 or hex (openssl rand -base64 32). When unset, the
     * key is read from SECRET_KEY_FILE. Checked, with a readable message, by lib/secret-box.ts.
     */
    SECRET_KEY: z.string().optional(),
    /** File holding the key when SECRET_KEY is unset; created with mode 0600 at first start. Default: secret.key beside DATABASE_PATH. */
    SECRET_KEY_FILE: z.string().optional(),
    /** Earlier keys, comma-separated, that still decrypt values sealed before a rotation. */
    SECRET_KEY_PREVIOUS: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    // The Slack API base gets the bearer token: it obeys the outbound policy like every other destination.
    let policy: ReturnType<typeof parseOutboundAllow>;
    try {
      policy = parseOutboundAllow(env.OUTBOUND_ALLOW);
    } catch {
      return; // OUTBOUND_ALLOW's own issue names the bad entry.
    }
    const check = checkOutboundUrl(env.SLACK_API_URL, policy);
    if (!check.ok) ctx.addIssue({ code: 'custom', path: ['SLACK_API_URL'], message: check.message });
  });
export type Env = z.infer<typeof ZEnv>;

/** Cookies are Secure when COOKIE_SECURE says so, otherwise when the public address is https. */
export function isCookieSecure(env: Pick<Env, 'COOKIE_SECURE' | 'PUBLIC_URL'>): boolean {
  return env.COOKIE_SECURE ?? env.PUBLIC_URL?.toLowerCase().startsWith('https://') ?? false;
}

/** Parse an environment (process.env by default); throws one readable error naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env, overrides: Partial<Env> = {}): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, ...overrides };
}

/** The fixed key tests seal secrets with (no key file lands beside a test database). Never use it elsewhere. */
export const TEST_SECRET_KEY = 'dGVzdC1vbmx5LXNlY3JldC1rZXktMzItYnl0ZXMhISE=';

/** Env for tests: defaults only, nothing read from process.env. */
export function testEnv(overrides: Partial<Env> = {}): Env {
  // Unpaced unless a test asks for pacing: most tests send several messages to one channel at once.
  return parseEnv(
    { NODE_ENV: 'test' },
    { SEED_DEMO: false, WORKER_ENABLED: false, SECRET_KEY: TEST_SECRET_KEY, SLACK_PACE_MS: 0, MSTEAMS_PACE_MS: 0, ...overrides },
  );
}
