/**
 * Test helpers of the findings domain (imports, findings, notes, reviews, SLA, risk acceptances): one world of
 * products and people with every kind of access, scan uploads through POST /api/imports with a session or a
 * token, and readers for the events and alerts they raise.
 */
import { readFileSync } from 'node:fs';
import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import type { TImportScanResult } from '@tocsin/contract/findings';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Deps, UserRow } from '../app-context';
import { CSRF_HEADER, generateApiKey, SESSION_COOKIE } from '../auth/sessions';
import { insertRow } from '../db/rows';
import { apiTokens } from '../db/schema';
import type { Env } from '../env';
import { FIXTURES } from '../imports/test-helpers';
import { createTestApp, createUser, insertEngagement, insertProduct, insertProductType, loginAs, type TTestClient } from '../test-utils';

export { FIXTURES };

export type TWorld = Awaited<ReturnType<typeof createFindingsWorld>>;

/**
 * Web (product type): Payments API and Shop; Infra: VPN. The system record alerts on every event.
 * admin: superuser. alice: Maintainer of Web. bob: Writer on Payments API. erin: Reader on Payments API.
 * carol: global Reader. dave: no access. gone: inactive Writer on Payments API. Each has a logged-in client.
 */
export async function createFindingsWorld(env: Partial<Env> = {}) {
  const { app, deps } = await createTestApp(env);
  for (const event of EVENT_NAMES) {
    await deps.db.run(sql`insert into notification_settings (scope, event, channels) values ('system', ${event}, 1)`);
  }
  const web = await insertProductType(deps, 'Web');
  const infra = await insertProductType(deps, 'Infra');
  const payments = await insertProduct(deps, 'Payments API', web.id);
  const shop = await insertProduct(deps, 'Shop', web.id);
  const vpn = await insertProduct(deps, 'VPN', infra.id);
  const users = {
    admin: await createUser(deps, { username: 'admin', isSuperuser: true }),
    alice: await createUser(deps, {
      username: 'alice',
      firstName: 'Alice',
      lastName: 'Archer',
      productTypes: [{ id: web.id, role: 'Maintainer' }],
    }),
    bob: await createUser(deps, { username: 'bob', products: [{ id: payments.id, role: 'Writer' }] }),
    erin: await createUser(deps, { username: 'erin', products: [{ id: payments.id, role: 'Reader' }] }),
    carol: await createUser(deps, { username: 'carol', globalRole: 'Reader' }),
    dave: await createUser(deps, { username: 'dave' }),
    gone: await createUser(deps, { username: 'gone', isActive: false, products: [{ id: payments.id, role: 'Writer' }] }),
  };
  const clients: Record<Exclude<keyof typeof users, 'gone'>, TTestClient> = {
    admin: await loginAs(app, 'admin'),
    alice: await loginAs(app, 'alice'),
    bob: await loginAs(app, 'bob'),
    erin: await loginAs(app, 'erin'),
    carol: await loginAs(app, 'carol'),
    dave: await loginAs(app, 'dave'),
  };
  const ci = await insertEngagement(deps, { name: 'CI', productId: payments.id, status: 'In Progress' });
  const vpnAudit = await insertEngagement(deps, { name: 'Audit', productId: vpn.id, status: 'In Progress' });
  return { app, deps, web, infra, payments, shop, vpn, users, clients, ci, vpnAudit };
}

export type TAuth = { kind: 'session'; client: TTestClient } | { kind: 'token'; key: string };

export async function createToken(deps: Deps, user: UserRow): Promise<TAuth> {
  const { key, prefix, keyHash } = generateApiKey();
  await insertRow(deps.db, apiTokens, { userId: user.id, name: 'ci', prefix, keyHash, createdAt: deps.now() });
  return { kind: 'token', key };
}

export const sessionAuth = (client: TTestClient): TAuth => ({ kind: 'session', client });

function authHeaders(auth: TAuth): Record<string, string> {
  return auth.kind === 'token'
    ? { authorization: `Token ${auth.key}` }
    : { cookie: `${SESSION_COOKIE}=${auth.client.cookie}`, [CSRF_HEADER]: auth.client.csrfToken };
}

type TApp = { request: (input: string, init?: RequestInit) => Response | Promise<Response> };

export type TUploadFile = { name: string; content: string | Uint8Array } | { fixture: string };

/** POST /api/imports as multipart/form-data: `fields` as form fields (arrays repeat the field), then the file. */
export async function uploadScan(
  app: TApp,
  auth: TAuth,
  fields: Record<string, string | number | boolean | string[]>,
  file?: TUploadFile,
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, String(v));
  }
  if (file) {
    const { name, content } = 'fixture' in file ? { name: file.fixture, content: readFileSync(`${FIXTURES}${file.fixture}`) } : file;
    form.append('file', new Blob([content]), name);
  }
  return app.request('http://localhost/api/imports', { method: 'POST', body: form, headers: authHeaders(auth) });
}

/** An import that must succeed: its answer. */
export async function importOk(
  app: TApp,
  auth: TAuth,
  fields: Record<string, string | number | boolean | string[]>,
  file: TUploadFile,
): Promise<TImportScanResult> {
  const res = await uploadScan(app, auth, fields, file);
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body as TImportScanResult;
}

export const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error;

export type TEventRow = {
  id: number;
  name: string;
  title: string;
  description: string;
  url: string;
  productId: number | null;
  engagementId: number | null;
  recipients: string | null;
  createdBy: number | null;
  idempotencyKey: string | null;
  payload: string | null;
};

export const eventRows = (deps: Deps, where = sql`1 = 1`) =>
  deps.db.all<TEventRow>(sql`select id, name, title, description, url, product_id as "productId", engagement_id as "engagementId",
      recipients, created_by as "createdBy", idempotency_key as "idempotencyKey", payload
    from events where ${where} order by id`);

export const alertTitles = async (deps: Deps, userId: number) =>
  (await deps.db.all<{ title: string }>(sql`select title from alerts where user_id = ${userId} order by id`)).map((r) => r.title);

export const countRows = async (deps: Deps, table: string) =>
  Number((await deps.db.get<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)}`))?.n ?? 0);

/** Counts of every table an import writes, to show a refused import changed nothing. */
export async function importFootprint(deps: Deps) {
  const footprint: Record<string, number> = {};
  for (const t of ['tests', 'test_imports', 'findings', 'finding_tags', 'finding_status_history', 'events', 'alerts', 'engagements']) {
    footprint[t] = await countRows(deps, t);
  }
  return footprint;
}
