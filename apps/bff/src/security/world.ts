/**
 * One of everything, for the security suite: a product type and product with a Reader, a Writer and a Maintainer,
 * a user with no access, a superuser, and for each kind of object the API names by id (engagement, test, finding,
 * note, review, risk acceptance, webhook, token, alert, delivery, SLA configuration, job, personal rule, system
 * rule, destination) a real one, made through the API where the API makes it. Every role gets a logged-in client (cookie session plus CSRF header).
 *
 * Accounts are inserted with one precomputed password hash (scrypt is slow on purpose; the route matrix builds a
 * fresh world for every write operation), and sessions are made by the session service the login route uses.
 */
import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import type { UserRow } from '../app-context';
import { hashPassword } from '../auth/passwords';
import { CSRF_HEADER, createSession, SESSION_COOKIE } from '../auth/sessions';
import { insertRow } from '../db/rows';
import { alerts } from '../db/schema';
import { startHttpReceiver, type THttpReceiver } from '../delivery/test-peers/http-receiver';
import type { Env } from '../env';
import { sessionAuth, uploadScan } from '../findings/test-helpers';
import { insertUserWithTemplate } from '../services/users';
import { addProductMember, createTestApp, sendJson, TEST_PASSWORD, type TTestClient } from '../test-utils';

export const SLA_PERIODS = {
  Critical: { days: 1, enforced: true },
  High: { days: 7, enforced: true },
  Medium: { days: 30, enforced: true },
  Low: { days: 90, enforced: true },
  Info: { days: null, enforced: false },
};

export const ROLES = ['anonymous', 'stranger', 'reader', 'writer', 'maintainer', 'superuser'] as const;
export type TRoleName = (typeof ROLES)[number];
export type TLoggedInRole = Exclude<TRoleName, 'anonymous'>;

let passwordHash: Promise<string> | undefined;
const testPasswordHash = () => {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return passwordHash;
};

export type TWorld = Awaited<ReturnType<typeof createWorld>>;

type TApp = Awaited<ReturnType<typeof createTestApp>>['app'];

/** A client of one user with a session made directly (what POST /api/auth/login makes). */
async function sessionClient(app: TApp, deps: Awaited<ReturnType<typeof createTestApp>>['deps'], user: UserRow): Promise<TTestClient> {
  const { cookieValue, csrfToken } = await createSession(deps, user.id);
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    sendJson(app, method, path, body, { cookie: `${SESSION_COOKIE}=${cookieValue}`, [CSRF_HEADER]: csrfToken, ...headers });
  return {
    user: { id: user.id, username: user.username } as TTestClient['user'],
    cookie: cookieValue,
    csrfToken,
    request,
    get: (path, headers) => request('GET', path, undefined, headers),
    post: (path, body, headers) => request('POST', path, body, headers),
    put: (path, body, headers) => request('PUT', path, body, headers),
    patch: (path, body, headers) => request('PATCH', path, body, headers),
    delete: (path, headers) => request('DELETE', path, undefined, headers),
  };
}

/** The JSON answer of a request that must succeed. */
export async function ok<T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  const text = await r.text();
  if (r.status >= 300) throw new Error(`seeding request failed with ${r.status}: ${text}`);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

export async function createWorld(env: Partial<Env> = {}) {
  const receiver: THttpReceiver = await startHttpReceiver({ respond: { status: 204 } });
  // The loopback receiver stands for a webhook endpoint; the policy refuses loopback unless it is listed.
  const { app, deps } = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1', ...env });
  const hash = await testPasswordHash();
  const insertUser = (username: string, extra: Partial<UserRow> = {}) =>
    deps.db.transaction((tx) =>
      insertUserWithTemplate(tx, {
        username,
        email: `${username}@example.test`,
        firstName: '',
        lastName: '',
        passwordHash: hash,
        isActive: true,
        isSuperuser: false,
        globalRole: null,
        isService: false,
        createdAt: deps.now(),
        ...extra,
      }),
    );
  const users = {
    superuser: await insertUser('root', { isSuperuser: true }),
    stranger: await insertUser('stranger'),
    reader: await insertUser('reader'),
    writer: await insertUser('writer'),
    maintainer: await insertUser('maintainer'),
    /** Someone the user-administration routes act on. */
    victim: await insertUser('victim'),
  };
  const clients: Record<TLoggedInRole, TTestClient> = {
    superuser: await sessionClient(app, deps, users.superuser),
    stranger: await sessionClient(app, deps, users.stranger),
    reader: await sessionClient(app, deps, users.reader),
    writer: await sessionClient(app, deps, users.writer),
    maintainer: await sessionClient(app, deps, users.maintainer),
  };
  const root = clients.superuser;
  // Every event alerts in-app and goes to the system webhooks.
  for (const event of EVENT_NAMES) {
    await deps.db.run(sql`insert into notification_settings (scope, event, channels) values ('system', ${event}, 17)`);
  }

  await ok(root.put('/api/system-settings', { webhooks_enabled: true }));
  const productType = await ok<{ id: number }>(root.post('/api/product-types', { name: 'Web' }));
  const product = await ok<{ id: number }>(root.post('/api/products', { name: 'Payments API', product_type_id: productType.id }));
  await addProductMember(deps, users.reader.id, product.id, 'Reader');
  await addProductMember(deps, users.writer.id, product.id, 'Writer');
  await addProductMember(deps, users.maintainer.id, product.id, 'Maintainer');
  const engagement = await ok<{ id: number }>(
    root.post('/api/engagements', {
      name: 'CI',
      product_id: product.id,
      target_start: '2026-01-01',
      target_end: '2026-12-31',
      status: 'In Progress',
    }),
  );
  const closedEngagement = await ok<{ id: number }>(
    root.post('/api/engagements', {
      name: 'Last year',
      product_id: product.id,
      target_start: '2025-01-01',
      target_end: '2025-12-31',
      status: 'Completed',
    }),
  );
  const imported = await uploadScan(app, sessionAuth(root), { engagement_id: engagement.id }, { fixture: 'generic.json' });
  const importBody = (await imported.json()) as { test_id: number };
  if (imported.status !== 201) throw new Error(`seeding import failed: ${JSON.stringify(importBody)}`);
  const findingRows = await deps.db.all<{ id: number }>(sql`select id from findings where test_id = ${importBody.test_id} order by id`);
  if (findingRows.length < 2) throw new Error('the generic fixture must hold at least two findings');
  const finding = findingRows[0] as { id: number };
  const otherFinding = findingRows[1] as { id: number };
  const { note } = await ok<{ note: { id: number } }>(root.post(`/api/findings/${finding.id}/notes`, { entry: 'Looked at it.' }));
  const reviews = await ok<{ items: { id: number }[] }>(
    root.post(`/api/findings/${finding.id}/review-requests`, { reviewer_ids: [users.writer.id], note: 'Please check' }),
  );
  const review = reviews.items[0] as { id: number };
  const riskAcceptance = await ok<{ id: number }>(
    root.post(`/api/products/${product.id}/risk-acceptances`, {
      name: 'Accepted for now',
      finding_ids: [otherFinding.id],
      owner_id: users.superuser.id,
      expires_on: null,
    }),
  );
  const webhook = await ok<{ id: number }>(root.post('/api/webhooks', { name: 'SIEM', url: `${receiver.url}/hook` }));
  const slaConfiguration = await ok<{ id: number }>(
    root.post('/api/sla-configurations', {
      name: 'Strict',
      periods: SLA_PERIODS,
    }),
  );
  const integrationToken = await ok<{ token: { id: number }; key: string }>(
    root.post('/api/users/integration-tokens', { name: 'CI', owner_id: users.superuser.id }),
  );
  const jobs = await ok<{ items?: { name: string }[] } | { name: string }[]>(root.get('/api/jobs'));
  const jobList = Array.isArray(jobs) ? jobs : (jobs.items ?? []);
  const job = jobList.find((j) => j.name === 'alert_retention') ?? jobList[0];
  if (!job) throw new Error('no scheduled job to name');

  // A webhook destination to the loopback receiver (allowlisted; "Send a test" pings it) and a system rule to it.
  const destination = await ok<{ id: number }>(
    root.post('/api/destinations', { kind: 'webhook', name: 'Security SIEM', url: `${receiver.url}/destination` }),
  );
  const systemRule = await ok<{ id: number }>(
    root.post('/api/system-rules', { name: 'Breaches to the SIEM', events: ['sla_breach'], destination_ids: [destination.id] }),
  );

  // Each logged-in role owns a personal token, an alert and a personal rule of its own (the stranger cannot hear
  // about the product).
  const rules = {} as Record<TLoggedInRole, number>;
  const tokens = {} as Record<TLoggedInRole, number>;
  const tokenKeys = {} as Record<TLoggedInRole, string>;
  const alertIds = {} as Record<TLoggedInRole, number>;
  for (const role of Object.keys(clients) as TLoggedInRole[]) {
    const created = await ok<{ token: { id: number }; key: string }>(clients[role].post('/api/me/tokens', { name: `${role} laptop` }));
    tokens[role] = created.token.id;
    tokenKeys[role] = created.key;
    const alert = await insertRow(deps.db, alerts, {
      userId: users[role].id,
      title: `Hello ${role}`,
      url: '/alerts',
      source: 'Other',
      icon: 'info',
      createdAt: deps.now(),
    });
    alertIds[role] = alert.id;
    const rule = await ok<{ id: number }>(
      clients[role].post('/api/rules', { name: `Breaches for ${role}`, events: ['sla_breach'], channels: ['alert'] }),
    );
    rules[role] = rule.id;
  }
  // A delivery to the system webhook, from an event the superuser raised about the product.
  await ok(root.post('/api/events', { event: 'other', title: 'Seeded', product_id: product.id }));
  const delivery = await deps.db.get<{ id: number }>(sql`select id from deliveries where webhook_id = ${webhook.id} order by id limit 1`);
  if (!delivery) throw new Error('the seeded event made no webhook delivery');
  // As the worker leaves a delivery that finally failed (so that it can be retried).
  await deps.db.run(sql`update deliveries set status = 'failed', attempts = 1, last_error = 'HTTP 500: receiver down',
      last_error_summary = 'HTTP 500 Internal Server Error' where id = ${delivery.id}`);

  return {
    app,
    deps,
    receiver,
    users,
    clients,
    ids: {
      productType: productType.id,
      product: product.id,
      engagement: engagement.id,
      closedEngagement: closedEngagement.id,
      test: importBody.test_id,
      finding: finding.id,
      otherFinding: otherFinding.id,
      note: note.id,
      review: review.id,
      riskAcceptance: riskAcceptance.id,
      webhook: webhook.id,
      slaConfiguration: slaConfiguration.id,
      integrationToken: integrationToken.token.id,
      delivery: delivery.id,
      job: job.name,
      destination: destination.id,
      systemRule: systemRule.id,
      tokens,
      alerts: alertIds,
      rules,
    },
    /** Keys shown once at creation: no later answer may contain them. */
    keys: { tokens: tokenKeys, integrationToken: integrationToken.key },
    /** Send a request as a role (anonymous sends no credentials). */
    send(role: TRoleName, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      if (role === 'anonymous') return sendJson(app, method, path, body, headers);
      return clients[role].request(method, path, body, headers);
    },
    async close() {
      await receiver.close();
      await deps.cleanup();
    },
  };
}
