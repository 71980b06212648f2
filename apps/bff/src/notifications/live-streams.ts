/**
 * Live alert streams (Server-Sent Events) of this process, and the one place that feeds them.
 *
 * - Fan-out cost: an alerts-changed message only marks its users dirty. One flush then reads the messages of
 *   all dirty users that have a stream here with one query per chunk of users, writes them, and yields to the
 *   event loop between chunks, so a fan-out to thousands of open streams never stalls other requests.
 * - Memory: a stream is a pull-based ReadableStream holding at most one pending message (the latest count
 *   wins), so a slow client never accumulates a queue; one that stops reading for STALL_MS is closed.
 * - Limits across replicas: each open stream has a row in live_streams (refreshed by its replica while open);
 *   a user may hold at most STREAM_LIMIT_PER_USER of them, wherever they are.
 * - Ending: a stream closes when its session ends (logout, deactivation, password change: the sessions-ended
 *   bus message; expiry: a timer), and all close on shutdown so browsers reconnect to another replica.
 */
import { randomUUID } from 'node:crypto';
import type { TAlertStreamMessage } from '@tocsin/contract/alerts';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { HttpError } from '../lib/errors';
import { findAlertStreamMessages } from './alerts';

/**
 * Proxies close idle connections after about a minute; every 25 s a comment line keeps the stream open, and a
 * named `ping` event (which EventSource, unlike a comment, reports) tells the SPA the stream is alive.
 */
export const PING_MS = 25_000;
export const KEEP_ALIVE_TEXT = ': ping\n\nevent: ping\ndata: {}\n\n';
/** A client that has not taken a message for this long is gone (or stuck): its stream is closed. */
export const STALL_MS = 60_000;
/** How long a stream's row lives without a refresh; refreshed every PING_MS by its replica. */
const ROW_TTL_MS = 3 * PING_MS;
/** Users whose messages one query reads. */
const FLUSH_CHUNK = 250;
/**
 * Streams written before yielding to the event loop: each write wakes a reader whose socket write runs in the
 * same turn, so a group of streams is a turn of the event loop that other requests (the bell) wait behind, and
 * a request waits behind one group at each of its steps (reading it, its queries' answers, its response).
 * Measured on 2 cores with 2,000 streams (bench/streams.ts), a stream costs 0.1–0.2 ms of the loop: 50 held it
 * for 5–10 ms and another user's bell p99 reached 13–21 ms; 20 hold it for 2–4 ms and the p99 is 9–12 ms, for a
 * fan-out that ends later because the other requests now get their turns.
 */
export const WRITE_GROUP = 20;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export type TStreamAuth = { userId: number; sessionId: string | null; expiresAt: number | null };

const encoder = new TextEncoder();

class LiveStream {
  readonly id = randomUUID();
  private pending: string | null = null;
  private pendingSince = 0;
  private wakeReader: (() => void) | null = null;
  private isClosed = false;
  private expiryTimer: NodeJS.Timeout | null = null;
  readonly body: ReadableStream<Uint8Array>;

  constructor(
    readonly auth: TStreamAuth,
    private readonly onClose: (stream: LiveStream) => void,
    now: number,
  ) {
    this.body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          while (this.pending === null && !this.isClosed) {
            await new Promise<void>((resolve) => {
              this.wakeReader = resolve;
            });
            this.wakeReader = null;
          }
          if (this.pending !== null) {
            controller.enqueue(encoder.encode(this.pending));
            this.pending = null;
          }
          if (this.isClosed) controller.close();
        },
        cancel: () => this.close(),
      },
      { highWaterMark: 0 },
    );
    if (auth.expiresAt !== null) {
      // setTimeout holds at most ~24.8 days; sessions are hours long.
      this.expiryTimer = setTimeout(() => this.close(), Math.max(0, Math.min(auth.expiresAt - now, 2 ** 31 - 1)));
      this.expiryTimer.unref();
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Queue text for the client; an alerts message replaces one not yet taken (the latest count is what matters). */
  push(text: string, now: number, replaces: boolean): void {
    if (this.isClosed) return;
    if (this.pending === null) {
      this.pending = text;
      this.pendingSince = now;
    } else {
      this.pending = replaces ? text : this.pending + text;
    }
    this.wakeReader?.();
  }

  isStalled(now: number): boolean {
    return this.pending !== null && now - this.pendingSince > STALL_MS;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.wakeReader?.();
    this.onClose(this);
  }
}

const formatMessage = (message: TAlertStreamMessage) => `event: alerts\ndata: ${JSON.stringify(message)}\n\n`;

export class LiveStreamHub {
  private readonly byUser = new Map<number, Set<LiveStream>>();
  private readonly dirty = new Set<number>();
  private isFlushScheduled = false;
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[];
  /** Streams written by the last flushes (for tests and the bench). */
  readonly stats = { flushes: 0, messages: 0 };

  constructor(private readonly deps: Deps) {
    this.unsubscribe = [
      deps.bus.subscribe('alerts-changed', (m) => this.markDirty(m.userIds)),
      deps.bus.subscribe('sessions-ended', (m) => void this.closeEndedSessions(m.userIds)),
    ];
    this.timer = setInterval(() => void this.sendKeepAlive(), PING_MS);
    this.timer.unref();
  }

  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /**
   * Open a stream for a user: refused with 429 when the user already holds the limit (on any replica).
   * The first message (the current count) is queued at once.
   */
  async open(auth: TStreamAuth): Promise<Response> {
    const { db, env, instanceId } = this.deps;
    const now = this.deps.now();
    const stream = new LiveStream(auth, (s) => this.forget(s), now);
    await db.transaction(async (tx) => {
      await tx.run(sql`delete from live_streams where user_id = ${auth.userId} and expires_at <= ${now}`);
      const open = await tx.get<{ n: number }>(sql`select count(*) as n from live_streams where user_id = ${auth.userId}`);
      if ((open?.n ?? 0) >= env.STREAM_LIMIT_PER_USER) {
        throw new HttpError(
          429,
          'too_many_streams',
          `You already have ${open?.n} live connections open (the limit is ${env.STREAM_LIMIT_PER_USER}). Close a tab, or wait a minute: this page will keep updating every 30 seconds meanwhile.`,
        );
      }
      await tx.run(sql`insert into live_streams (id, user_id, instance, opened_at, expires_at)
        values (${stream.id}, ${auth.userId}, ${instanceId}, ${now}, ${now + ROW_TTL_MS})`);
    });
    let set = this.byUser.get(auth.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(auth.userId, set);
    }
    set.add(stream);
    const first = (await findAlertStreamMessages(db, [auth.userId])).get(auth.userId) ?? { count: 0, latest_id: null, new_count: 0 };
    stream.push(formatMessage(first), now, true);
    return new Response(stream.body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // Tell nginx not to buffer the stream (see the README's reverse-proxy example).
        'x-accel-buffering': 'no',
      },
    });
  }

  private forget(stream: LiveStream): void {
    const set = this.byUser.get(stream.auth.userId);
    if (set) {
      set.delete(stream);
      if (set.size === 0) this.byUser.delete(stream.auth.userId);
    }
    this.deps.db.run(sql`delete from live_streams where id = ${stream.id}`).catch(() => {
      // The row lapses on its own within ROW_TTL_MS.
    });
  }

  private markDirty(userIds: readonly number[]): void {
    let any = false;
    for (const id of userIds) {
      if (this.byUser.has(id)) {
        this.dirty.add(id);
        any = true;
      }
    }
    if (any) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.isFlushScheduled) return;
    this.isFlushScheduled = true;
    setImmediate(() => {
      this.isFlushScheduled = false;
      // One flush at a time; users marked meanwhile wait for the next one.
      if (this.flushing) {
        this.flushing.finally(() => this.scheduleFlush());
        return;
      }
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
      });
    });
  }

  /** Send the current count to every dirty user's streams: one query per chunk of users, yielding in between. */
  async flush(): Promise<void> {
    const users = [...this.dirty];
    this.dirty.clear();
    this.stats.flushes += 1;
    for (let i = 0; i < users.length; i += FLUSH_CHUNK) {
      const chunk = users.slice(i, i + FLUSH_CHUNK).filter((id) => this.byUser.has(id));
      if (chunk.length === 0) continue;
      let messages: Map<number, TAlertStreamMessage>;
      try {
        messages = await findAlertStreamMessages(this.deps.db, chunk);
      } catch (err) {
        console.error('[streams] could not read alert counts; these users are retried at the next change:', err);
        continue;
      }
      const now = this.deps.now();
      let written = 0;
      for (const userId of chunk) {
        const message = messages.get(userId) ?? { count: 0, latest_id: null, new_count: 0 };
        const text = formatMessage(message);
        for (const stream of this.byUser.get(userId) ?? []) {
          stream.push(text, now, true);
          this.stats.messages += 1;
          if (++written % WRITE_GROUP === 0) await yieldToEventLoop();
        }
      }
      await yieldToEventLoop();
    }
  }

  /** Close the streams of these users whose session no longer exists or has expired. */
  private async closeEndedSessions(userIds: readonly number[]): Promise<void> {
    const streams = userIds.flatMap((id) => [...(this.byUser.get(id) ?? [])]);
    const sessionIds = [...new Set(streams.map((s) => s.auth.sessionId).filter((id): id is string => id !== null))];
    const valid = new Set<string>();
    if (sessionIds.length > 0) {
      const rows = await this.deps.db.all<{ id: string; userId: number }>(sql`
        select s.id, s.user_id as "userId" from sessions s join users u on u.id = s.user_id
        where s.id in (${sql.join(
          sessionIds.map((id) => sql`${id}`),
          sql`, `,
        )}) and s.expires_at > ${this.deps.now()} and u.is_active = 1`);
      for (const r of rows) valid.add(r.id);
    }
    const active = await this.findActiveUsers(userIds);
    for (const stream of streams) {
      const isValid = stream.auth.sessionId === null ? active.has(stream.auth.userId) : valid.has(stream.auth.sessionId);
      if (!isValid) stream.close();
    }
  }

  private async findActiveUsers(userIds: readonly number[]): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.deps.db.all<{ id: number }>(
      sql`select id from users where ${this.deps.db.fragments.inIds(sql`id`, userIds)} and is_active = 1`,
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Every PING_MS: keep connections open, close stalled clients, and refresh this replica's stream rows. */
  async sendKeepAlive(): Promise<void> {
    const now = this.deps.now();
    for (const set of this.byUser.values()) {
      for (const stream of [...set]) {
        if (stream.isStalled(now)) stream.close();
        else stream.push(KEEP_ALIVE_TEXT, now, false);
      }
    }
    if (this.byUser.size === 0) return;
    await this.deps.db
      .run(sql`update live_streams set expires_at = ${now + ROW_TTL_MS} where instance = ${this.deps.instanceId}`)
      .catch((err: Error) => console.error(`[streams] could not refresh stream rows: ${err.message}`));
  }

  /** Close every stream (shutdown): browsers reconnect, to another replica behind a load balancer. */
  async closeAll(): Promise<void> {
    clearInterval(this.timer);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const set of [...this.byUser.values()]) for (const stream of [...set]) stream.close();
    await this.deps.db.run(sql`delete from live_streams where instance = ${this.deps.instanceId}`).catch(() => undefined);
  }
}

/** At start: rows left by this instance's previous life (a crash) are not open streams. */
export async function forgetOwnStreams(deps: Deps): Promise<void> {
  await deps.db.run(sql`delete from live_streams where instance = ${deps.instanceId}`);
}

const hubs = new WeakMap<object, LiveStreamHub>();

/** The hub of this process for these deps' store (created on first use). */
export function getLiveStreamHub(deps: Deps): LiveStreamHub {
  let hub = hubs.get(deps.bus);
  if (!hub) {
    hub = new LiveStreamHub(deps);
    hubs.set(deps.bus, hub);
  }
  return hub;
}
