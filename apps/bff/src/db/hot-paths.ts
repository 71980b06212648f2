/**
 * The operations whose best SQL differs between SQLite and PostgreSQL, as one interface with an implementation
 * per dialect side by side (hot-paths.sqlite.ts, hot-paths.pg.ts), both run by hot-paths.test.ts:
 * the set-based fan-out inserts, the delivery queue claim and the recording of an attempt. Everything else is
 * portable SQL.
 */
import type { SQL } from 'drizzle-orm';
import type { Database } from './database';

export type TAlertInsert = {
  /** null for alerts no event raised (a "delivery failed" notice). */
  eventId: number | null;
  /** The event's catalogue name and product, copied onto each alert for the Alerts page filters. */
  event: string | null;
  productId: number | null;
  title: string;
  description: string;
  url: string;
  source: string;
  icon: string;
  createdAt: number;
  /** Coalescing key (coalescing/coalesce.ts), `<raiser>:<dedupe key>`; absent or null for events without one. */
  dedupeKey?: string | null;
};

/** One delivery row of a fan-out: [uuid, channel, target kind, user id, webhook id, destination id (rules/)]. */
export type TDeliveryInsert = [
  uuid: string,
  channel: string,
  targetKind: string,
  userId: number | null,
  webhookId: number | null,
  destinationId?: number | null,
];
/** A delivery row with its event: [event id, uuid, channel, target kind, user id, webhook id, destination id]. */
export type TEventDeliveryInsert = [eventId: number, ...TDeliveryInsert];

export type TClaimRequest = {
  now: number;
  limit: number;
  /** Written on the lease, so a restarted instance can take back its own rows at once. */
  owner: string;
  /** How long each channel's rows stay leased (unknown channels get `defaultLeaseMs`). */
  leaseMs: Record<string, number>;
  defaultLeaseMs: number;
  /** Webhook endpoints that already have their share of sends in flight here: their rows stay for later. */
  skipWebhookIds: readonly number[];
  /** Channel services (rows without a webhook: SMTP, Slack, Teams) at their cap here: their rows stay for later. */
  skipChannels: readonly string[];
};

export type THotPaths = {
  /** One alert per user id, all with the same fields. Returns how many were inserted. */
  insertAlerts(db: Database, alert: TAlertInsert, userIds: readonly number[]): Promise<number>;
  /** The delivery rows of one event, queued and due at `now`. Returns how many were inserted. */
  insertDeliveries(db: Database, eventId: number, now: number, rows: readonly TDeliveryInsert[]): Promise<number>;
  /**
   * The alerts of several events in one statement (notifications/dispatch-batch.ts): each alert to its users, inserted
   * in the order given (alert by alert, user by user), so ids grow as with one insertAlerts per event.
   */
  insertAlertBatch(db: Database, alerts: readonly { alert: TAlertInsert; userIds: readonly number[] }[]): Promise<number>;
  /**
   * The delivery rows of several events in one statement, queued and due at `now`, in the order given. Rows of an
   * event in `dedupeKeys` (event id → coalescing key) carry that key, as markDeliveries would set it afterwards.
   */
  insertDeliveryBatch(
    db: Database,
    now: number,
    rows: readonly TEventDeliveryInsert[],
    dedupeKeys?: ReadonlyMap<number, string>,
  ): Promise<number>;
  /**
   * Lease up to `limit` due deliveries (queued or retrying and due, or 'sending' with a lapsed lease), oldest due
   * first, and return their ids. Two claimers never get the same row. Run it inside a transaction.
   */
  claimDueDeliveries(db: Database, request: TClaimRequest): Promise<number[]>;
  /**
   * Record one attempt and the row's new state together: insert the attempt (always: the log keeps it) and apply
   * `change` to the row only while `leased` still holds. Returns whether the row changed. The statements are
   * queue.ts's; this only decides how they reach the database (PostgreSQL: one round trip instead of four).
   */
  recordDeliveryAttempt(db: Database, attempt: TAttemptInsert, change: SQL, leased: SQL): Promise<boolean>;
  /**
   * Record several successful attempts at once (the worker's group commit): `sql.change` is applied to each row
   * while `sql.leased` holds, and every attempt is logged either way, as recordDeliveryAttempt does one by one.
   * The SQL is queue.ts's, given the row's values as SQL (columns of a batch, or bound values). Returns, in the
   * order given, whether each row changed. PostgreSQL: one statement; SQLite: one transaction.
   */
  recordSentAttempts(db: Database, rows: readonly TSentAttempt[], sql: TSentAttemptSql): Promise<boolean[]>;
  /** Store the rendered content of several claimed rows (PostgreSQL: one statement). */
  storeDeliveryContents(db: Database, rows: readonly { id: number; content: string }[]): Promise<void>;
};

export type TSentAttemptSql = {
  /** The row's new columns for an answer `code` received at `at`. */
  change(code: SQL, at: SQL): SQL;
  /** The row `id` is still held under the lease `leaseUntil`. */
  leased(id: SQL, leaseUntil: SQL): SQL;
};

export type TSentAttempt = { deliveryId: number; leaseUntil: number; startedAt: number; finishedAt: number; responseCode: number | null };

export type TAttemptInsert = {
  deliveryId: number;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  responseCode: number | null;
  error: string | null;
  errorSummary: string | null;
};
