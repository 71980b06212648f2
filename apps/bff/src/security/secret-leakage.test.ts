/**
 * No answer gives a secret away. Distinctive secrets are planted in every kind there is (a webhook's header value
 * and signing secret, the Slack token, the SMTP password, the Teams Workflows URL, API token keys and their hashes,
 * password hashes, session ids), receivers that echo everything Tocsin sent them make deliveries fail (so their
 * words reach the delivery log and the superusers' failure notices), and then every GET operation of the OpenAPI
 * document is called by every role with real ids, and every delivery, alert and webhook by id. No body may hold
 * a secret, its respaced form, its sealed form or its SHA-256; nor may anything the process logged.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startHttpReceiver, type THttpReceiver } from '../delivery/test-peers/http-receiver';
import { runDueDeliveries } from '../delivery/worker';
import { EXPECTATIONS } from './expectations';
import { readOperations, sendOperation } from './openapi';
import { createWorld, ok, ROLES, type TRoleName, type TWorld } from './world';

const HEADER_SECRET = 'hdr-Secret  with  double  spaces-7f3a';
const SYSTEM_HEADER_SECRET = 'sys-hdr-Secret-91c2e0';
const SIGNING_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const SLACK_TOKEN = 'xoxb-leak-probe-5e8d1c0b';
const SMTP_PASSWORD = 'smtp-Pass  word-3b7c';
const TEAMS_SIG = 'TeamsSigLeakProbe4d2a9e';
const DESTINATION_HEADER_SECRET = 'dest-hdr-Secret  spaced-2c9d41';
const DESTINATION_SIGNING_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const DESTINATION_TEAMS_SIG = 'DestTeamsSigLeakProbe8b1f07';

let w: TWorld;
let echo: THttpReceiver;
const logged: string[] = [];
const secrets = new Set<string>();

/** The forms a secret could leave in: as is, respaced, and its SHA-256 in hex and base64. */
function addSecret(value: string) {
  if (!value) return;
  secrets.add(value);
  secrets.add(value.replace(/\s+/g, ' '));
  secrets.add(createHash('sha256').update(value).digest('hex'));
  secrets.add(createHash('sha256').update(value).digest('base64'));
}

function findLeaks(text: string): string[] {
  return [...secrets].filter((s) => text.includes(s));
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(
        args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '),
      );
    });
  }
  // Accepts pings (a webhook is saved only after one), and answers anything else with 500 quoting every header,
  // the path and the body it was sent: a receiver that echoes credentials.
  echo = await startHttpReceiver({
    respond: (req) =>
      /"ping"/.test(req.body)
        ? { status: 204 }
        : { status: 500, body: `rejected ${req.method} ${req.path} ${JSON.stringify(req.headers)} ${req.body}` },
  });
  w = await createWorld({ SLACK_API_URL: `${echo.url}/slack-api`, DELIVERY_MAX_ATTEMPTS: 1 });
  const root = w.clients.superuser;
  await ok(
    root.put('/api/system-settings', {
      slack_enabled: true,
      slack_token: SLACK_TOKEN,
      slack_channel: '#security',
      smtp_host: 'smtp.example.test',
      smtp_port: 587,
      smtp_user: 'tocsin',
      smtp_password: SMTP_PASSWORD,
      msteams_enabled: true,
      msteams_url: `${echo.url}/workflows/w1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${TEAMS_SIG}`,
    }),
  );
  // A personal webhook of the Writer and a system webhook, both with secrets, both to the echoing receiver.
  await ok(
    w.clients.writer.post('/api/webhooks', {
      name: 'Writer hook',
      url: `${echo.url}/writer`,
      header_name: 'X-Api-Key',
      header_value: HEADER_SECRET,
      signing_secret: SIGNING_SECRET,
    }),
  );
  await ok(
    root.post('/api/webhooks', {
      name: 'System hook',
      url: `${echo.url}/system`,
      header_name: 'X-Api-Key',
      header_value: SYSTEM_HEADER_SECRET,
    }),
  );
  // Named destinations with secrets, to the same echoing receiver, and a system rule that routes the scan to them.
  const hookDestination = await ok<{ id: number }>(
    root.post('/api/destinations', {
      kind: 'webhook',
      name: 'Echoing SIEM',
      url: `${echo.url}/destination`,
      header_name: 'X-Api-Key',
      header_value: DESTINATION_HEADER_SECRET,
      signing_secret: DESTINATION_SIGNING_SECRET,
    }),
  );
  const teamsDestination = await ok<{ id: number }>(
    root.post('/api/destinations', {
      kind: 'msteams',
      name: 'Echoing Teams',
      url: `${echo.url}/workflows/w2/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${DESTINATION_TEAMS_SIG}`,
    }),
  );
  await ok(
    root.post('/api/system-rules', {
      name: 'Scans to the echoing destinations',
      events: ['scan_added'],
      destination_ids: [hookDestination.id, teamsDestination.id],
    }),
  );
  await ok(w.clients.writer.put('/api/notifications/settings/personal', { settings: { scan_added: ['alert', 'webhooks'] } }));
  await ok(root.put('/api/notifications/settings/system', { settings: { scan_added: ['alert', 'slack', 'msteams', 'webhooks'] } }));
  await ok(w.clients.writer.post('/api/events', { event: 'scan_added', title: 'Nightly scan', product_id: w.ids.product }));
  await runDueDeliveries(w.deps);

  for (const s of [
    HEADER_SECRET,
    SYSTEM_HEADER_SECRET,
    SIGNING_SECRET,
    SLACK_TOKEN,
    SMTP_PASSWORD,
    TEAMS_SIG,
    DESTINATION_HEADER_SECRET,
    DESTINATION_SIGNING_SECRET,
    DESTINATION_TEAMS_SIG,
  ]) {
    addSecret(s);
  }
  for (const key of [...Object.values(w.keys.tokens), w.keys.integrationToken]) addSecret(key);
  for (const c of Object.values(w.clients)) addSecret(c.cookie);
  const stored = await w.deps.db.all<{ value: string | null }>(sql`
    select password_hash as value from users
    union all select key_hash from api_tokens
    union all select id from sessions
    union all select header_value from webhooks
    union all select signing_secret from webhooks
    union all select slack_token from system_settings
    union all select smtp_password from system_settings
    union all select msteams_url from system_settings
    union all select header_value from destinations
    union all select signing_secret from destinations
    union all select url from destinations where kind = 'msteams'`);
  for (const row of stored) if (row.value) secrets.add(row.value);
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await echo?.close();
  await w?.close();
});

it('the receivers were sent the secrets and answered with them, and the deliveries failed', async () => {
  const quoted = echo.requests.map((r) => JSON.stringify(r.headers) + r.path).join('\n');
  for (const s of [HEADER_SECRET, SYSTEM_HEADER_SECRET, SLACK_TOKEN, TEAMS_SIG, DESTINATION_HEADER_SECRET, DESTINATION_TEAMS_SIG]) {
    expect(quoted).toContain(s);
  }
  // Six roles' sessions and tokens, seven password hashes, the channel secrets: each in several forms.
  expect(secrets.size).toBeGreaterThan(60);
  const failed = await w.deps.db.all<{ channel: string }>(sql`select channel from deliveries where status = 'failed' order by channel`);
  expect(new Set(failed.map((d) => d.channel))).toEqual(new Set(['msteams', 'slack', 'webhooks']));
  const toDestinations = await w.deps.db.get<{ n: number }>(
    sql`select count(*) as n from deliveries where destination_id is not null and status = 'failed'`,
  );
  expect(Number(toDestinations?.n)).toBe(2);
  const notices = await w.deps.db.get<{ n: number }>(
    sql`select count(*) as n from alerts where user_id = ${w.users.superuser.id} and title like '%fail%'`,
  );
  expect(Number(notices?.n)).toBeGreaterThan(0);
});

it('no GET of the OpenAPI document, for any role, answers with a secret', async () => {
  const operations = (await readOperations(w.app)).filter((op) => op.method === 'GET');
  expect(operations.length).toBeGreaterThan(40);
  const leaks: string[] = [];
  let answered = 0;
  for (const op of operations) {
    const exp = EXPECTATIONS[op.key];
    if (!exp) throw new Error(`route ${op.key} has no expected access; add it to security/expectations.ts`);
    for (const role of ROLES) {
      const { status, text } = await sendOperation(w, op, role, exp);
      if (status === 200) answered++;
      for (const leak of findLeaks(text)) leaks.push(`${op.key} as ${role} (${status}) shows ${leak.slice(0, 12)}…`);
    }
  }
  expect(leaks).toEqual([]);
  expect(answered).toBeGreaterThan(150);
});

it('no delivery, alert or webhook, fetched by id by any role, answers with a secret', async () => {
  const ids = async (table: string) =>
    (await w.deps.db.all<{ id: number }>(sql`select id from ${sql.identifier(table)} order by id`)).map((r) => r.id);
  const paths = [
    ...(await ids('deliveries')).map((id) => `/api/deliveries/${id}`),
    ...(await ids('alerts')).map((id) => `/api/alerts/${id}`),
    '/api/webhooks',
    '/api/destinations',
    ...(await ids('destinations')).map((id) => `/api/destinations/${id}`),
    ...(await ids('destinations')).map((id) => `/api/deliveries?destination_id=${id}`),
    '/api/deliveries?status=failed',
    '/api/alerts?limit=100',
  ];
  const leaks: string[] = [];
  let answered = 0;
  for (const path of paths) {
    for (const role of ROLES.filter((r): r is Exclude<TRoleName, 'anonymous'> => r !== 'anonymous')) {
      const res = await w.send(role, 'GET', path);
      const text = await res.text();
      if (res.status === 200) answered++;
      for (const leak of findLeaks(text)) leaks.push(`GET ${path} as ${role} (${res.status}) shows ${leak.slice(0, 12)}…`);
    }
  }
  expect(leaks).toEqual([]);
  // The superuser reads every failed delivery with the receiver's (redacted) words.
  const failedIds = await w.deps.db.all<{ id: number }>(sql`select id from deliveries where status = 'failed' and attempts > 0`);
  const errors: string[] = [];
  for (const { id } of failedIds) {
    const detail = await ok<{ last_error: string | null }>(w.clients.superuser.get(`/api/deliveries/${id}`));
    errors.push(detail.last_error ?? '');
  }
  // Each echoing receiver's words are there for the superuser, with its secret cut out (the destinations' too).
  expect(errors.filter((e) => e.includes('rejected') && e.includes('[redacted]')).length).toBeGreaterThanOrEqual(5);
  expect(answered).toBeGreaterThan(10);
});

it('nothing the process logged holds a secret', () => {
  const leaks = logged.flatMap((line) => findLeaks(line).map((s) => `${s.slice(0, 12)}… in ${line.slice(0, 200)}`));
  expect(leaks).toEqual([]);
});
