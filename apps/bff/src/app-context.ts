/** What every route and service receives: the database, the parsed env, the alert bus and a clock. */
import type { EventEmitter } from 'node:events';
import type { Db, Sqlite } from './db/client';
import type { users } from './db/schema';
import type { Env } from './env';

export type UserRow = typeof users.$inferSelect;

/** In-process bus: 'alerts-changed' (see notifications/alert-bus.ts) and 'deliveries-queued' (wakes the worker). */
export type AlertBus = EventEmitter;

export type Deps = {
  db: Db;
  sqlite: Sqlite;
  env: Env;
  bus: AlertBus;
  /** Unix ms; tests may replace it. */
  now: () => number;
};

export type Auth = {
  user: UserRow;
  via: 'session' | 'token';
  sessionId: string | null;
  csrfToken: string | null;
};

export type AppEnv = { Variables: { deps: Deps; auth: Auth | null } };
