/**
 * Test helpers: every test gets its own database — a fresh SQLite file in a temp folder, or, when the suite runs
 * on PostgreSQL (TEST_DATABASE_URL, set by the test command), a fresh database cloned from a migrated template
 * (see test-setup/postgres.ts). The same tests run on both.
 */
import type { TSession, TUser } from '@tocsin/contract/auth';
import type { TRole } from '@tocsin/contract/catalogue';
import { createApp, createDeps } from './app';
import type { Deps, UserRow } from './app-context';
import { CSRF_HEADER, generateApiKey, SESSION_COOKIE } from './auth/sessions';
import type { TStore } from './db/open';
import { insertRow } from './db/rows';
import { apiTokens, engagements, productMembers, products, productTypeMembers, productTypes } from './db/schema';
import { type Env, testEnv } from './env';
import { createUser as createUserAccount, toUserDto } from './services/users';
import { openTestStore } from './test-setup/store';

type ProductTypeRow = typeof productTypes.$inferSelect;
type ProductRow = typeof products.$inferSelect;
type EngagementRow = typeof engagements.$inferSelect;

export type TTestDeps = Deps & { cleanup: () => Promise<void>; store: Pick<TStore, 'db' | 'bus' | 'location'> };

export async function createTestDeps(overrides: Partial<Env> = {}): Promise<TTestDeps> {
  const { store, cleanup } = await openTestStore();
  const deps = createDeps(store, testEnv(overrides));
  return { ...deps, store, cleanup };
}

export async function createTestApp(overrides: Partial<Env> = {}) {
  const deps = await createTestDeps(overrides);
  const app = createApp(deps);
  return { app, deps };
}

// ---------------------------------------------------------------------------
// Accounts and logged-in clients (shared by every feature's API tests).

export const TEST_PASSWORD = 'test-password-123';

export type TTestUserInput = {
  username: string;
  password?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  isActive?: boolean;
  isSuperuser?: boolean;
  globalRole?: TRole | null;
  slackEmail?: string | null;
  /** Memberships to add: product type ids or product ids with a role (Reader when omitted). */
  productTypes?: { id: number; role?: TRole }[];
  products?: { id: number; role?: TRole }[];
};

/** Create a user through the real service (so the notification template is copied). Password defaults to TEST_PASSWORD. */
export async function createUser(deps: Deps, input: TTestUserInput): Promise<UserRow> {
  const user = await createUserAccount(deps, {
    username: input.username,
    email: input.email ?? `${input.username}@example.test`,
    password: input.password ?? TEST_PASSWORD,
    firstName: input.firstName,
    lastName: input.lastName,
    isActive: input.isActive,
    isSuperuser: input.isSuperuser,
    globalRole: input.globalRole,
    slackEmail: input.slackEmail,
  });
  for (const m of input.productTypes ?? []) await addProductTypeMember(deps, user.id, m.id, m.role);
  for (const m of input.products ?? []) await addProductMember(deps, user.id, m.id, m.role);
  return user;
}

export async function addProductTypeMember(deps: Deps, userId: number, productTypeId: number, role: TRole = 'Reader') {
  await insertRow(deps.db, productTypeMembers, { userId, productTypeId, role });
}

export async function addProductMember(deps: Deps, userId: number, productId: number, role: TRole = 'Reader') {
  await insertRow(deps.db, productMembers, { userId, productId, role });
}

/** Insert a product type directly (no event is emitted). */
export function insertProductType(deps: Deps, name: string, description = ''): Promise<ProductTypeRow> {
  return insertRow(deps.db, productTypes, { name, description, createdAt: deps.now() });
}

/** Insert a product directly (no event is emitted). */
export function insertProduct(deps: Deps, name: string, productTypeId: number, description = ''): Promise<ProductRow> {
  return insertRow(deps.db, products, { name, description, productTypeId, createdAt: deps.now() });
}

/** Insert an engagement directly (no event is emitted). */
export function insertEngagement(
  deps: Deps,
  input: { name: string; productId: number; leadId?: number | null; targetStart?: string; targetEnd?: string; status?: string },
): Promise<EngagementRow> {
  return insertRow(deps.db, engagements, {
    name: input.name,
    productId: input.productId,
    leadId: input.leadId ?? null,
    targetStart: input.targetStart ?? '2026-01-01',
    targetEnd: input.targetEnd ?? '2026-01-31',
    status: input.status ?? 'Not Started',
    createdAt: deps.now(),
  });
}

type TTestApp = { request: (input: string, init?: RequestInit) => Response | Promise<Response> };

export type TTestClient = {
  user: TUser;
  /** The raw session cookie value (for tests that need it) and the CSRF token the client sends on writes. */
  cookie: string;
  csrfToken: string;
  request: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  get: (path: string, headers?: Record<string, string>) => Promise<Response>;
  post: (path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  put: (path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  patch: (path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  delete: (path: string, headers?: Record<string, string>) => Promise<Response>;
};

/** Send a JSON request to the test app; body objects are JSON-encoded. */
export async function sendJson(
  app: TTestApp,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  return await app.request(`http://localhost${path}`, init);
}

function buildClient(
  app: TTestApp,
  user: TUser,
  cookie: string,
  csrfToken: string,
  auth: (headers: Record<string, string>) => Record<string, string>,
): TTestClient {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    sendJson(app, method, path, body, auth(headers));
  return {
    user,
    cookie,
    csrfToken,
    request,
    get: (path, headers) => request('GET', path, undefined, headers),
    post: (path, body, headers) => request('POST', path, body, headers),
    put: (path, body, headers) => request('PUT', path, body, headers),
    patch: (path, body, headers) => request('PATCH', path, body, headers),
    delete: (path, headers) => request('DELETE', path, undefined, headers),
  };
}

/**
 * Log in through POST /api/auth/login and return a client that sends the session cookie and,
 * on every request, the X-CSRF-Token header (pass `{ 'x-csrf-token': '' }` to test the check).
 */
export async function loginAs(app: TTestApp, username: string, password: string = TEST_PASSWORD): Promise<TTestClient> {
  const res = await sendJson(app, 'POST', '/api/auth/login', { username, password });
  if (res.status !== 200) throw new Error(`loginAs(${username}) failed with ${res.status}: ${await res.text()}`);
  const session = (await res.json()) as TSession;
  const setCookieHeader = res.headers.get('set-cookie') ?? '';
  const match = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookieHeader);
  if (!match?.[1]) throw new Error(`loginAs(${username}): no ${SESSION_COOKIE} cookie in the response`);
  const cookie = match[1];
  return buildClient(app, session.user, cookie, session.csrf_token, (headers) => ({
    cookie: `${SESSION_COOKIE}=${cookie}`,
    [CSRF_HEADER]: session.csrf_token,
    ...headers,
  }));
}

/** A client authenticated with `Authorization: Token <key>` (no cookie, no CSRF token). */
export function tokenClient(app: TTestApp, user: UserRow, key: string): TTestClient {
  return buildClient(app, toUserDto(user), '', '', (headers) => ({ authorization: `Token ${key}`, ...headers }));
}

/** Create an API token for a user directly and return a client using it. */
export async function createTokenClient(app: TTestApp, deps: Deps, user: UserRow, name = 'test'): Promise<TTestClient> {
  const { key, prefix, keyHash } = generateApiKey();
  await insertRow(deps.db, apiTokens, { userId: user.id, name, prefix, keyHash, createdAt: deps.now() });
  return tokenClient(app, user, key);
}
