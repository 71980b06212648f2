/**
 * The bus: what one part of Tocsin tells the others, typed, and delivered only once the change it announces is
 * committed. On SQLite (one process) it is in-process; on PostgreSQL it is LISTEN/NOTIFY on one channel, so a
 * change on one replica reaches the streams and workers of every replica (NOTIFY inside a transaction is sent
 * at commit, and never after a rollback).
 *
 * A message for many users is split into several notifications (NOTIFY payloads are limited to 8000 bytes).
 * Each process fans a message out to its own subscribers by user id: constant time per user, whatever the
 * number of open streams.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Database } from '../db/database';

export type TBusMessage =
  /** These users' alert lists changed (new, removed, trimmed). */
  | { type: 'alerts-changed'; userIds: number[] }
  /** New or re-scheduled deliveries are due: workers should claim. */
  | { type: 'deliveries-queued' }
  /** These sessions ended (logout, expiry, deactivation, password change): their live streams close. */
  | { type: 'sessions-ended'; userIds: number[] };

export type TBusMessageType = TBusMessage['type'];
type TMessageOf<K extends TBusMessageType> = Extract<TBusMessage, { type: K }>;

export type Bus = {
  /** Announce `message` once `db`'s transaction commits (at once outside a transaction). */
  publish(db: Database, message: TBusMessage): Promise<void>;
  subscribe<K extends TBusMessageType>(type: K, listener: (message: TMessageOf<K>) => void): () => void;
  /** Called for each alerts-changed message that names this user. */
  subscribeUser(userId: number, listener: () => void): () => void;
  close(): Promise<void>;
};

/** The local side shared by both implementations: typed listeners and per-user listeners. */
class LocalFanout {
  private readonly byType = new Map<TBusMessageType, Set<(message: TBusMessage) => void>>();
  private readonly byUser = new Map<number, Set<() => void>>();

  deliver(message: TBusMessage): void {
    for (const listener of this.byType.get(message.type) ?? []) {
      try {
        listener(message);
      } catch (err) {
        console.error(`[bus] a ${message.type} listener failed:`, err);
      }
    }
    if (message.type !== 'alerts-changed' || this.byUser.size === 0) return;
    for (const userId of message.userIds) {
      for (const listener of this.byUser.get(userId) ?? []) listener();
    }
  }

  subscribe<K extends TBusMessageType>(type: K, listener: (message: TMessageOf<K>) => void): () => void {
    let set = this.byType.get(type);
    if (!set) {
      set = new Set();
      this.byType.set(type, set);
    }
    const wrapped = listener as (message: TBusMessage) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  subscribeUser(userId: number, listener: () => void): () => void {
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byUser.delete(userId);
    };
  }
}

export function createInProcessBus(): Bus {
  const local = new LocalFanout();
  return {
    async publish(db, message) {
      if (message.type !== 'deliveries-queued' && message.userIds.length === 0) return;
      db.afterCommit(() => local.deliver(message));
    },
    subscribe: (type, listener) => local.subscribe(type, listener),
    subscribeUser: (userId, listener) => local.subscribeUser(userId, listener),
    async close() {},
  };
}

export const BUS_CHANNEL = 'tocsin_bus';
/** Below PostgreSQL's 8000-byte NOTIFY payload limit, with room for the envelope. */
const MAX_PAYLOAD_BYTES = 7000;

/** Split a message into payloads that each fit one NOTIFY. */
export function encodeBusMessage(message: TBusMessage): string[] {
  if (message.type === 'deliveries-queued') return [JSON.stringify(message)];
  const payloads: string[] = [];
  let ids: number[] = [];
  let size = 0;
  for (const id of message.userIds) {
    const cost = String(id).length + 1;
    if (size + cost > MAX_PAYLOAD_BYTES && ids.length > 0) {
      payloads.push(JSON.stringify({ type: message.type, userIds: ids }));
      ids = [];
      size = 0;
    }
    ids.push(id);
    size += cost;
  }
  if (ids.length > 0) payloads.push(JSON.stringify({ type: message.type, userIds: ids }));
  return payloads;
}

export function decodeBusMessage(payload: string): TBusMessage | null {
  try {
    const message = JSON.parse(payload) as TBusMessage;
    if (message.type === 'deliveries-queued') return message;
    if ((message.type === 'alerts-changed' || message.type === 'sessions-ended') && Array.isArray(message.userIds)) return message;
  } catch {
    // fall through: not ours
  }
  return null;
}

/**
 * LISTEN on a dedicated connection (reconnecting with back-off when it drops); publish with pg_notify through
 * the caller's database, so the notification is part of its transaction.
 */
export async function createPostgresBus(url: string): Promise<Bus> {
  const local = new LocalFanout();
  let client: pg.Client | null = null;
  let isClosed = false;
  let retryMs = 250;
  let reconnectTimer: NodeJS.Timeout | null = null;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url, application_name: 'tocsin-bus' });
    next.on('notification', (n) => {
      if (n.channel !== BUS_CHANNEL || !n.payload) return;
      const message = decodeBusMessage(n.payload);
      if (message) local.deliver(message);
    });
    next.on('error', (err) => {
      console.error(`[bus] LISTEN connection lost: ${err.message}`);
      scheduleReconnect();
    });
    next.on('end', () => scheduleReconnect());
    await next.connect();
    await next.query(`LISTEN ${BUS_CHANNEL}`);
    client = next;
    retryMs = 250;
  }

  function scheduleReconnect() {
    if (isClosed || reconnectTimer) return;
    client = null;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect().then(
        // Whatever was announced while we were away is lost to this replica: wake everything once.
        () => local.deliver({ type: 'deliveries-queued' }),
        (err: Error) => {
          console.error(`[bus] reconnecting LISTEN failed: ${err.message}`);
          retryMs = Math.min(retryMs * 2, 10_000);
          scheduleReconnect();
        },
      );
    }, retryMs);
    reconnectTimer.unref();
  }

  await connect();
  return {
    async publish(db, message) {
      if (message.type !== 'deliveries-queued' && message.userIds.length === 0) return;
      for (const payload of encodeBusMessage(message)) {
        await db.run(sql`select pg_notify(${BUS_CHANNEL}, ${payload})`);
      }
    },
    subscribe: (type, listener) => local.subscribe(type, listener),
    subscribeUser: (userId, listener) => local.subscribeUser(userId, listener),
    async close() {
      isClosed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await client?.end().catch(() => undefined);
    },
  };
}
