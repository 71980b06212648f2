/**
 * What every route and service receives: the database, the bus, the parsed env, a clock, this instance's id and
 * the secret box that seals stored secrets.
 */
import type { Database } from './db/database';
import type { users } from './db/schema';
import type { TResolveHost } from './delivery/outbound';
import type { Env } from './env';
import type { TSecretBox } from './lib/secret-box';
import type { Bus } from './notifications/bus';

export type UserRow = typeof users.$inferSelect;

export type Deps = {
  db: Database;
  bus: Bus;
  env: Env;
  /** Unix ms; tests may replace it. */
  now: () => number;
  /** This process, on delivery leases: a restarted instance takes its own leases back at once. */
  instanceId: string;
  /** Seals secrets before they are stored and opens them when they are used (lib/secret-box.ts). */
  secretBox: TSecretBox;
  /** DNS for outbound connections (delivery/outbound.ts); the system resolver when unset. Tests inject one. */
  resolveHost?: TResolveHost;
};

/** The API token a request came with: who it acts for is `Auth.user`; what else it may do is here. */
export type TTokenAuth = {
  id: number;
  name: string;
  kind: 'personal' | 'integration';
  /** An integration token a (still active) superuser made with permission to raise events without product context. */
  canRaiseContextFree: boolean;
};

export type Auth = {
  user: UserRow;
  via: 'session' | 'token';
  /** Set when via is 'token'. */
  token: TTokenAuth | null;
  sessionId: string | null;
  csrfToken: string | null;
  /** When the session ends (unix ms); live streams close then. Null for API tokens. */
  sessionExpiresAt: number | null;
};

export type AppEnv = { Variables: { deps: Deps; auth: Auth | null } };

/** The same deps with `db` replaced by a transaction, for services called inside it. */
export const withDb = (deps: Deps, db: Database): Deps => (db === deps.db ? deps : { ...deps, db });
