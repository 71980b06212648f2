/** One-click unsubscribe (RFC 8058) and confidential mode, through the real SMTP and Slack loopback peers. */
import { CHANNEL_BITS, channelsToMask, type TChannel } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { updateSystemSettings } from '../delivery/test-peers/fixtures';
import { startSlackStandIn, type TSlackStandIn } from '../delivery/test-peers/slack';
import { startSmtpReceiver, type TSmtpReceiver } from '../delivery/test-peers/smtp';
import { runDueDeliveries } from '../delivery/worker';
import { dispatchEvent } from '../notifications/dispatch';
import { createTestDeps, createUser, insertProduct, insertProductType, loginAs, sendJson, type TTestDeps } from '../test-utils';
import { createUnsubscribeToken, getUnsubscribeKey, readUnsubscribeToken } from './tokens';

let deps: TTestDeps;
let smtp: TSmtpReceiver;
let slack: TSlackStandIn;

beforeEach(async () => {
  smtp = await startSmtpReceiver();
  slack = await startSlackStandIn({ channels: ['#security'] });
  deps = await createTestDeps({ OUTBOUND_ALLOW: '127.0.0.1', PUBLIC_URL: 'https://tocsin.test', SLACK_API_URL: slack.url });
  await updateSystemSettings(deps, {
    mailEnabled: true,
    mailTo: 'security@example.test',
    mailFrom: 'tocsin@example.test',
    teamName: 'Acme',
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpTlsMode: 'none',
    slackEnabled: true,
    slackToken: slack.token,
    slackChannel: '#security',
  });
});
afterEach(async () => {
  await smtp.close();
  await slack.close();
  await deps.cleanup();
});

async function setRecord(
  scope: 'system' | 'personal' | 'product',
  event: string,
  channels: TChannel[],
  userId?: number,
  productId?: number,
) {
  await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
    values (${scope}, ${userId ?? null}, ${productId ?? null}, ${event}, ${channelsToMask(channels)})
    on conflict (scope, user_key, product_key, event) do update set channels = excluded.channels`);
}

const maskOf = async (scope: string, userId: number | null, event: string, productId: number | null = null) =>
  (
    await deps.db.get<{ channels: number }>(sql`select channels from notification_settings
      where scope = ${scope} and user_key = ${userId ?? 0} and product_key = ${productId ?? 0} and event = ${event}`)
  )?.channels;

async function createWorld() {
  const pt = await insertProductType(deps, 'Web');
  const product = await insertProduct(deps, 'Payments API', pt.id);
  const alice = await createUser(deps, { username: 'alice', products: [{ id: product.id }] });
  const bob = await createUser(deps, { username: 'bob', products: [{ id: product.id }] });
  for (const user of [alice, bob]) {
    await setRecord('personal', 'scan_added', ['alert', 'mail'], user.id);
    await setRecord('personal', 'test_added', ['alert', 'mail'], user.id);
    await setRecord('product', 'scan_added', ['mail'], user.id, product.id);
  }
  await setRecord('system', 'scan_added', ['mail', 'slack']);
  return { product, alice, bob };
}

const scanEvent = (productId: number) => ({
  event: 'scan_added',
  title: 'Scan added: 3 findings',
  description: 'SQL injection in /login (CVE-2026-0001), secret key in config.py',
  productId,
});

function unsubscribeUrlOf(header: string | undefined): string {
  const match = /<(https:\/\/tocsin\.test\/api\/unsubscribe\?token=[^>]+)>/.exec((header ?? '').replace(/\s+/g, ''));
  if (!match?.[1]) throw new Error(`no one-click URL in List-Unsubscribe: ${header}`);
  return match[1];
}

describe('List-Unsubscribe', () => {
  it('puts one-click headers on personal mail only, and the POST turns off that event’s mail for that user only', async () => {
    const { product, alice, bob } = await createWorld();
    await dispatchEvent(deps, scanEvent(product.id));
    await runDueDeliveries(deps);
    expect(smtp.messages).toHaveLength(3);
    const toAlice = smtp.messages.find((m) => m.envelopeTo.includes(alice.email))!;
    const system = smtp.messages.find((m) => m.envelopeTo.includes('security@example.test'))!;
    expect(toAlice.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const header = toAlice.headers.get('list-unsubscribe');
    expect(header?.replace(/\s+/g, '')).toMatch(
      /^<https:\/\/tocsin\.test\/api\/unsubscribe\?token=[^>]+>,<mailto:security@example\.test\?subject=/,
    );
    expect(toAlice.text).toContain('https://tocsin.test/notifications');
    expect(system.headers.get('list-unsubscribe')).toBeUndefined();

    const url = unsubscribeUrlOf(header);
    const app = createApp(deps);
    // A mail scanner fetching the link changes nothing.
    const page = await app.request(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Scan Added');
    expect(await maskOf('personal', alice.id, 'scan_added')).toBe(channelsToMask(['alert', 'mail']));

    // The mail client's one-click POST, without any session.
    const res = await app.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await maskOf('personal', alice.id, 'scan_added')).toBe(CHANNEL_BITS.alert);
    expect(await maskOf('product', alice.id, 'scan_added', product.id)).toBe(0);
    // Other events, other users and the system record are untouched.
    expect(await maskOf('personal', alice.id, 'test_added')).toBe(channelsToMask(['alert', 'mail']));
    expect(await maskOf('personal', bob.id, 'scan_added')).toBe(channelsToMask(['alert', 'mail']));
    expect(await maskOf('system', null, 'scan_added')).toBe(channelsToMask(['mail', 'slack']));
    // Clicking again is fine.
    expect((await app.request(url, { method: 'POST' })).status).toBe(200);

    smtp.messages.length = 0;
    await dispatchEvent(deps, scanEvent(product.id));
    await runDueDeliveries(deps);
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual([bob.email, 'security@example.test'].sort());
  });

  it('works from a logged-in browser too (the token, not the session, decides)', async () => {
    const { alice } = await createWorld();
    const app = createApp(deps);
    const session = await loginAs(app, 'bob');
    const token = createUnsubscribeToken(await getUnsubscribeKey(deps), alice.id, 'scan_added');
    const res = await sendJson(app, 'POST', `/api/unsubscribe?token=${token}`, undefined, { cookie: `tocsin_session=${session.cookie}` });
    expect(res.status).toBe(200);
    expect(await maskOf('personal', alice.id, 'scan_added')).toBe(CHANNEL_BITS.alert);
  });

  it('refuses altered or foreign tokens with a message a person can act on', async () => {
    const { alice, bob } = await createWorld();
    const app = createApp(deps);
    const key = await getUnsubscribeKey(deps);
    const token = createUnsubscribeToken(key, alice.id, 'scan_added');
    const [, , sig] = token.split('.');
    // One character of the signature surely changed (replacing the last one with 'A' left it as it was once in 64 runs).
    const mid = Math.floor(sig!.length / 2);
    const altered = `${alice.id}.scan_added.${sig!.slice(0, mid)}${sig![mid] === 'A' ? 'B' : 'A'}${sig!.slice(mid + 1)}`;
    for (const bad of ['', 'nonsense', `${bob.id}.scan_added.${sig}`, `${alice.id}.test_added.${sig}`, altered]) {
      const res = await app.request(`/api/unsubscribe?token=${encodeURIComponent(bad)}`, { method: 'POST' });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.message).toMatch(/not valid.*notification settings/);
    }
    expect(await maskOf('personal', alice.id, 'scan_added')).toBe(channelsToMask(['alert', 'mail']));
    expect(await maskOf('personal', bob.id, 'scan_added')).toBe(channelsToMask(['alert', 'mail']));
  });

  it('reads back only what it signed, and the key is the same for every caller', async () => {
    const key = await getUnsubscribeKey(deps);
    expect((await getUnsubscribeKey(deps)).equals(key)).toBe(true);
    const stored = await deps.db.get<{ key: string }>(sql`select unsubscribe_key as key from system_settings where id = 1`);
    expect(stored?.key.startsWith('enc:')).toBe(true);
    expect(readUnsubscribeToken(key, createUnsubscribeToken(key, 42, 'sla_breach'))).toEqual({ userId: 42, event: 'sla_breach' });
    expect(readUnsubscribeToken(Buffer.alloc(32, 1), createUnsubscribeToken(key, 42, 'sla_breach'))).toBeNull();
  });
});

describe('List-Unsubscribe and personal rules', () => {
  type TRuleOut = { id: number; name: string; enabled: boolean; events: string[]; channels: string[]; conditions: { tool: string | null } };
  const rulesOf = async (app: ReturnType<typeof createApp>, username: string) =>
    ((await (await (await loginAs(app, username)).get('/api/rules')).json()) as { items: TRuleOut[] }).items;

  it('stops the rules that mail the event, only for that event, and says so; other events still mail', async () => {
    const { product, alice, bob } = await createWorld();
    // Mail about scan_added and test_added reaches alice through her rules alone.
    await setRecord('personal', 'scan_added', ['alert'], alice.id);
    await setRecord('personal', 'test_added', ['alert'], alice.id);
    await setRecord('product', 'scan_added', [], alice.id, product.id);
    await setRecord('system', 'scan_added', []);
    const app = createApp(deps);
    const asAlice = await loginAs(app, 'alice');
    const post = async (body: object) => expect((await asAlice.post('/api/rules', body)).status).toBe(201);
    // Several events, mail and Slack: split. Several events, mail only: narrowed. One event: mail removed, or off.
    await post({ name: 'Scans', events: ['scan_added', 'test_added'], channels: ['mail', 'slack'], conditions: { tool: 'Semgrep' } });
    await post({ name: 'Mail only', events: ['scan_added', 'test_added'], channels: ['mail'] });
    await post({ name: 'Scan mail and alert', events: ['scan_added'], channels: ['alert', 'mail'] });
    await post({ name: 'Scan mail', events: ['scan_added'], channels: ['mail'] });
    await post({ name: 'Tests', events: ['test_added'], channels: ['mail'] });
    // bob's rule is his own business.
    expect((await (await loginAs(app, 'bob')).post('/api/rules', { name: 'Bob', events: ['scan_added'], channels: ['mail'] })).status).toBe(
      201,
    );

    await dispatchEvent(deps, scanEvent(product.id));
    await runDueDeliveries(deps);
    const toAlice = smtp.messages.find((m) => m.envelopeTo.includes(alice.email));
    expect(toAlice?.subject).toContain('Scan added');
    const url = unsubscribeUrlOf(toAlice?.headers.get('list-unsubscribe'));

    // The page a mail scanner fetches changes nothing but says which rules the POST changes.
    const preview = await (await app.request(url)).text();
    expect(preview).toContain('“Mail only”, “Scan mail”, “Scan mail and alert”, “Scans” will stop emailing Scan Added too');
    expect((await rulesOf(app, 'alice')).find((r) => r.name === 'Scan mail')?.enabled).toBe(true);

    const res = await app.request(url, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('“Scans” no longer covers Scan Added; the new rule “Scans (Scan Added, no email)” keeps its other channels');
    expect(page).toContain('“Mail only” no longer covers Scan Added; it still emails the other events it covers.');
    expect(page).toContain('“Scan mail and alert” no longer sends email; its other channels stay.');
    expect(page).toContain('“Scan mail” is switched off: email about Scan Added was all it sent.');

    const rules = new Map((await rulesOf(app, 'alice')).map((r) => [r.name, r]));
    expect([...rules.keys()].sort()).toEqual([
      'Mail only',
      'Scan mail',
      'Scan mail and alert',
      'Scans',
      'Scans (Scan Added, no email)',
      'Tests',
    ]);
    expect(rules.get('Scans')).toMatchObject({ enabled: true, events: ['test_added'], channels: ['mail', 'slack'] });
    expect(rules.get('Scans (Scan Added, no email)')).toMatchObject({
      enabled: true,
      events: ['scan_added'],
      channels: ['slack'],
      conditions: { tool: 'Semgrep' },
    });
    expect(rules.get('Mail only')).toMatchObject({ enabled: true, events: ['test_added'], channels: ['mail'] });
    expect(rules.get('Scan mail and alert')).toMatchObject({ enabled: true, events: ['scan_added'], channels: ['alert'] });
    expect(rules.get('Scan mail')).toMatchObject({ enabled: false, events: ['scan_added'], channels: ['mail'] });
    expect(rules.get('Tests')).toMatchObject({ enabled: true, events: ['test_added'], channels: ['mail'] });
    expect((await rulesOf(app, 'bob'))[0]).toMatchObject({ enabled: true, channels: ['mail'] });
    // System settings are untouched.
    expect(await maskOf('system', null, 'scan_added')).toBe(0);

    // The next scan mails bob (his record and rule) but not alice; her alert (personal record) still arrives.
    smtp.messages.length = 0;
    const next = await dispatchEvent(deps, scanEvent(product.id));
    await runDueDeliveries(deps);
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual([bob.email]);
    const alerts = await deps.db.all<{ eventId: number }>(sql`select event_id as "eventId" from alerts where user_id = ${alice.id}`);
    expect(alerts.map((a) => a.eventId)).toContain(next.eventId);

    // Other events still mail her.
    await dispatchEvent(deps, { event: 'test_added', title: 'Test added: ZAP', productId: product.id });
    await runDueDeliveries(deps);
    expect(smtp.messages.filter((m) => m.envelopeTo.includes(alice.email)).map((m) => m.subject)).toEqual([
      expect.stringContaining('Test added: ZAP'),
    ]);

    // A second click changes nothing more.
    const again = await app.request(url, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await again.text()).not.toContain('Your rules were changed');
    expect((await rulesOf(app, 'alice')).length).toBe(6);
  });
});

describe('confidential mode', () => {
  it('sends only the title and a link by mail and Slack, no finding details', async () => {
    const { product, alice } = await createWorld();
    await updateSystemSettings(deps, { confidentialMode: true });
    await dispatchEvent(deps, scanEvent(product.id));
    await runDueDeliveries(deps);
    expect(smtp.messages).toHaveLength(3);
    for (const mail of smtp.messages) {
      expect(mail.text).toContain('Scan added: 3 findings');
      expect(mail.text).toContain('https://tocsin.test/');
      expect(mail.text).not.toContain('SQL injection');
      expect(mail.text).not.toContain('Payments API');
      expect(mail.html).not.toContain('SQL injection');
      expect(mail.html).not.toContain('Payments API');
    }
    expect(smtp.messages.some((m) => m.envelopeTo.includes(alice.email))).toBe(true);
    expect(slack.posts).toHaveLength(1);
    const post = JSON.stringify(slack.posts[0]);
    expect(post).toContain('Scan added: 3 findings');
    expect(post).not.toContain('SQL injection');
    expect(post).not.toContain('Payments API');
  });

  it('leaves messages whole when it is off', async () => {
    const { product } = await createWorld();
    await dispatchEvent(deps, scanEvent(product.id));
    await runDueDeliveries(deps);
    expect(smtp.messages.every((m) => (m.text ?? '').includes('SQL injection') && (m.text ?? '').includes('Payments API'))).toBe(true);
    expect(JSON.stringify(slack.posts[0])).toContain('SQL injection');
  });

  it('is a system setting only superusers change', async () => {
    await createWorld();
    await createUser(deps, { username: 'root', isSuperuser: true });
    const app = createApp(deps);
    const admin = await loginAs(app, 'root');
    const put = await admin.put('/api/system-settings', { confidential_mode: true, coalesce_window_seconds: 120 });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ confidential_mode: true, coalesce_window_seconds: 120 });
    const bad = await admin.put('/api/system-settings', { coalesce_window_seconds: -5 });
    expect(bad.status).toBe(400);
    const bob = await loginAs(app, 'bob');
    expect((await bob.put('/api/system-settings', { confidential_mode: false })).status).toBe(403);
  });
});
