/**
 * Server-side request forgery, tried at every door a person can open through the API: adding a webhook (as a
 * superuser and as a user without any access), changing a webhook's URL, the Test button of a stored webhook, the
 * Teams Workflows URL (saved and tested), the SMTP host (saved and tested) and the Slack API base. Each internal
 * address form of issue 6 §1 is tried as written and as a DNS name that resolves to it (the outbound module's
 * resolver injection). Live loopback peers stand behind the loopback forms: they must see nothing. OUTBOUND_ALLOW
 * is empty here, except where the redirect test allowlists one receiver by name.
 */
import type { TTestResult } from '@tocsin/contract/system-settings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TResolveHost } from '../delivery/outbound';
import { getDelivery, getWebhook, insertDelivery, insertEvent, insertWebhook, updateSystemSettings } from '../delivery/test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from '../delivery/test-peers/http-receiver';
import { startSmtpReceiver, type TSmtpReceiver } from '../delivery/test-peers/smtp';
import { runDueDeliveries } from '../delivery/worker';
import { parseEnv } from '../env';
import { createTestApp, createUser, loginAs, type TTestClient } from '../test-utils';
import { ok } from './world';

type TErrorBody = { error: { code: string; message: string } };

/** [how it is written in a URL (port added for loopback forms), the address it means, why it is refused]. */
const FORMS: { label: string; host: (port: number) => string; smtpHost: string; address: string; reason: RegExp }[] = [
  { label: '127.0.0.1', host: (p) => `127.0.0.1:${p}`, smtpHost: '127.0.0.1', address: '127.0.0.1', reason: /loopback/ },
  { label: 'localhost', host: (p) => `localhost:${p}`, smtpHost: 'localhost', address: '127.0.0.1', reason: /loopback/ },
  { label: '127.1', host: (p) => `127.1:${p}`, smtpHost: '127.1', address: '127.0.0.1', reason: /loopback/ },
  { label: '2130706433', host: (p) => `2130706433:${p}`, smtpHost: '2130706433', address: '127.0.0.1', reason: /loopback/ },
  { label: '0x7f.0.0.1', host: (p) => `0x7f.0.0.1:${p}`, smtpHost: '0x7f.0.0.1', address: '127.0.0.1', reason: /loopback/ },
  {
    label: '[::ffff:127.0.0.1]',
    host: (p) => `[::ffff:127.0.0.1]:${p}`,
    smtpHost: '[::ffff:127.0.0.1]',
    address: '::ffff:127.0.0.1',
    reason: /loopback/,
  },
  {
    label: '169.254.169.254',
    host: () => '169.254.169.254',
    smtpHost: '169.254.169.254',
    address: '169.254.169.254',
    reason: /link-local|cloud/,
  },
  {
    label: '[fd00:ec2::254]',
    host: () => '[fd00:ec2::254]',
    smtpHost: '[fd00:ec2::254]',
    address: 'fd00:ec2::254',
    reason: /unique-local|cloud/,
  },
  { label: '10.0.0.8 (10/8)', host: () => '10.0.0.8', smtpHost: '10.0.0.8', address: '10.0.0.8', reason: /private/ },
  { label: '172.16.0.5 (172.16/12)', host: () => '172.16.0.5', smtpHost: '172.16.0.5', address: '172.16.0.5', reason: /private/ },
  {
    label: '172.31.255.254 (172.16/12)',
    host: () => '172.31.255.254',
    smtpHost: '172.31.255.254',
    address: '172.31.255.254',
    reason: /private/,
  },
  { label: '192.168.1.1 (192.168/16)', host: () => '192.168.1.1', smtpHost: '192.168.1.1', address: '192.168.1.1', reason: /private/ },
  { label: '100.64.0.1 (100.64/10)', host: () => '100.64.0.1', smtpHost: '100.64.0.1', address: '100.64.0.1', reason: /shared/ },
  { label: '[fc00::1] (fc00::/7)', host: () => '[fc00::1]', smtpHost: '[fc00::1]', address: 'fc00::1', reason: /unique-local/ },
  { label: '[fdff:1::1] (fc00::/7)', host: () => '[fdff:1::1]', smtpHost: '[fdff:1::1]', address: 'fdff:1::1', reason: /unique-local/ },
  { label: '224.0.0.1 (multicast)', host: () => '224.0.0.1', smtpHost: '224.0.0.1', address: '224.0.0.1', reason: /multicast/ },
  { label: '[ff02::1] (multicast)', host: () => '[ff02::1]', smtpHost: '[ff02::1]', address: 'ff02::1', reason: /multicast/ },
  { label: '0.0.0.0', host: (p) => `0.0.0.0:${p}`, smtpHost: '0.0.0.0', address: '0.0.0.0', reason: /unspecified/ },
  { label: '[::]', host: (p) => `[::]:${p}`, smtpHost: '[::]', address: '::', reason: /unspecified/ },
];

/** Each form also as a DNS name that resolves to it. */
const dnsName = (i: number) => `internal-${i}.evil.test`;
const NAMES: Record<string, string> = Object.fromEntries(FORMS.map((f, i) => [dnsName(i), f.address]));
const resolveTestNames: TResolveHost = async (hostname) => {
  const address = NAMES[hostname.toLowerCase()] ?? (hostname.toLowerCase() === 'hooks.corp.test' ? '127.0.0.1' : undefined);
  if (!address) throw Object.assign(new Error(`${hostname} not found`), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

/** Every form as written, then every form as a name: [label, URL host with port, SMTP host, reason]. */
function variants(port: number): [string, string, string, RegExp][] {
  return [
    ...FORMS.map((f): [string, string, string, RegExp] => [f.label, f.host(port), f.smtpHost, f.reason]),
    ...FORMS.map((f, i): [string, string, string, RegExp] => [
      `${dnsName(i)} → ${f.address}`,
      `${dnsName(i)}:${port}`,
      dnsName(i),
      f.reason,
    ]),
  ];
}

const expectPolicyRefusal = (message: string, reason: RegExp, what: string) => {
  expect(message, what).toMatch(reason);
  expect(message, what).toContain('OUTBOUND_ALLOW');
};

let ctx: Awaited<ReturnType<typeof createTestApp>>;
let admin: TTestClient;
let alice: TTestClient;
let peer: THttpReceiver;
let smtp: TSmtpReceiver;

beforeAll(async () => {
  ctx = await createTestApp();
  ctx.deps.resolveHost = resolveTestNames;
  await createUser(ctx.deps, { username: 'admin', isSuperuser: true });
  await createUser(ctx.deps, { username: 'alice' });
  admin = await loginAs(ctx.app, 'admin');
  alice = await loginAs(ctx.app, 'alice');
  await updateSystemSettings(ctx.deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
  peer = await startHttpReceiver({ respond: { status: 200, body: 'the inside answered' } });
  smtp = await startSmtpReceiver();
});

afterAll(async () => {
  // Nothing ever reached the peers behind the loopback forms.
  expect(peer.requests).toHaveLength(0);
  expect(smtp.messages).toHaveLength(0);
  await peer.close();
  await smtp.close();
  await ctx.deps.cleanup();
});

describe('webhooks', () => {
  it('adding one to an internal address is refused for a superuser and for a user without access; nothing is saved', async () => {
    for (const [label, host, , reason] of variants(peer.port)) {
      for (const client of [admin, alice]) {
        const res = await client.post('/api/webhooks', { name: 'Inside', url: `http://${host}/hook` });
        const what = `${label} by ${client.user.username}`;
        expect(res.status, what).toBe(400);
        const { error } = (await res.json()) as TErrorBody;
        expect(error.message, what).toMatch(/^url: /);
        expectPolicyRefusal(error.message, reason, what);
      }
    }
    expect((await ok<{ items: unknown[] }>(admin.get('/api/webhooks'))).items).toEqual([]);
  });

  it("changing a webhook's URL to an internal address is refused, and the stored URL stays", async () => {
    // Written directly: a public endpoint the API would have pinged on the way in.
    const hook = await insertWebhook(ctx.deps, { name: 'Alice public', url: 'https://hooks.example.com/alice', ownerId: alice.user.id });
    for (const [label, host, , reason] of variants(peer.port)) {
      const res = await alice.patch(`/api/webhooks/${hook.id}`, { url: `https://${host}/hook` });
      expect(res.status, label).toBe(400);
      expectPolicyRefusal(((await res.json()) as TErrorBody).error.message, reason, label);
    }
    expect((await getWebhook(ctx.deps, hook.id)).url).toBe('https://hooks.example.com/alice');
  });

  it('the Test button of a webhook stored with an internal address sends nothing and says why', async () => {
    for (const [label, host, , reason] of variants(peer.port)) {
      // Written directly, as a row from before the policy would be.
      const hook = await insertWebhook(ctx.deps, { url: `http://${host}/hook`, ownerId: alice.user.id });
      const result = await ok<TTestResult>(alice.post(`/api/webhooks/${hook.id}/test`));
      expect(result.ok, label).toBe(false);
      expectPolicyRefusal(result.message, reason, label);
    }
  });
});

describe('system channels', () => {
  it('the Teams Workflows URL on an internal address is refused when saved, and its test sends nothing', async () => {
    for (const [label, host, , reason] of variants(peer.port)) {
      const url = `https://${host}/workflows/x/triggers/manual/paths/invoke?sig=abc`;
      const saved = await admin.put('/api/system-settings', { msteams_url: url });
      expect(saved.status, label).toBe(400);
      const { error } = (await saved.json()) as TErrorBody;
      expect(error.message, label).toMatch(/^msteams_url: /);
      expectPolicyRefusal(error.message, reason, label);
      await updateSystemSettings(ctx.deps, { msteamsEnabled: true, msteamsUrl: url.replace('https:', 'http:') });
      const result = await ok<TTestResult>(admin.post('/api/system-settings/test/msteams'));
      expect(result.ok, label).toBe(false);
      expectPolicyRefusal(result.message, reason, label);
    }
  });

  it('the SMTP host on an internal address is refused when saved, and the mail test sends nothing', async () => {
    for (const [label, , smtpHost, reason] of variants(smtp.port)) {
      const saved = await admin.put('/api/system-settings', { smtp_host: smtpHost, smtp_port: smtp.port });
      expect(saved.status, label).toBe(400);
      const { error } = (await saved.json()) as TErrorBody;
      expect(error.message, label).toMatch(/^smtp_host: /);
      expectPolicyRefusal(error.message, reason, label);
      await updateSystemSettings(ctx.deps, {
        mailEnabled: true,
        mailTo: 'security@example.test',
        mailFrom: 'tocsin@example.test',
        smtpHost,
        smtpPort: smtp.port,
      });
      const result = await ok<TTestResult>(admin.post('/api/system-settings/test/mail'));
      expect(result.ok, label).toBe(false);
      expectPolicyRefusal(result.message, reason, label);
    }
  });

  it('a Slack API base on an internal address stops the start, naming SLACK_API_URL and OUTBOUND_ALLOW', () => {
    for (const f of FORMS) {
      expect(() => parseEnv({ SLACK_API_URL: `http://${f.host(9)}/api` }), f.label).toThrow(/SLACK_API_URL: .*OUTBOUND_ALLOW/);
    }
  });

  it('a Slack API base whose name resolves inside is refused when Slack is tested; nothing is sent', async () => {
    for (const [i, f] of FORMS.entries()) {
      ctx.deps.env.SLACK_API_URL = `http://${dnsName(i)}:${peer.port}/api`;
      await updateSystemSettings(ctx.deps, { slackEnabled: true, slackToken: 'xoxb-test', slackChannel: '#security' });
      const result = await ok<TTestResult>(admin.post('/api/system-settings/test/slack'));
      expect(result.ok, f.label).toBe(false);
      expectPolicyRefusal(result.message, f.reason, f.label);
    }
  });
});

describe('a redirect from an allowlisted receiver to a refused address', () => {
  it('is followed neither by the ping before saving, nor by the Test button, nor by the worker', async () => {
    const allowed = await createTestApp({ OUTBOUND_ALLOW: 'hooks.corp.test', DELIVERY_MAX_ATTEMPTS: 1 });
    allowed.deps.resolveHost = resolveTestNames;
    const inside = await startHttpReceiver({ respond: { status: 200, body: 'metadata' } });
    const outside = await startHttpReceiver({
      respond: { status: 302, headers: { location: `http://127.0.0.1:${inside.port}/latest/meta-data/iam` } },
    });
    try {
      await createUser(allowed.deps, { username: 'bob' });
      const bob = await loginAs(allowed.app, 'bob');
      const url = `http://hooks.corp.test:${outside.port}/hook`;
      const res = await bob.post('/api/webhooks', { name: 'Corp', url });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as TErrorBody;
      expect(error.code).toBe('ping_failed');
      expect(error.message).toContain('does not follow redirects');
      // Where it pointed is the receiver's answer: the owner, not a superuser, never reads it.
      expect(error.message).not.toContain(String(inside.port));

      const hook = await insertWebhook(allowed.deps, { name: 'Corp', url, ownerId: bob.user.id });
      const ping = await ok<TTestResult>(bob.post(`/api/webhooks/${hook.id}/test`));
      expect(ping).toMatchObject({ ok: false, response_code: 302 });
      expect(ping.message).not.toContain(String(inside.port));

      await updateSystemSettings(allowed.deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
      const event = await insertEvent(allowed.deps);
      const d = await insertDelivery(allowed.deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
      await runDueDeliveries(allowed.deps);
      expect((await getDelivery(allowed.deps, d.id)).status).toBe('failed');
      expect(outside.requests).toHaveLength(3);
      expect(inside.requests).toHaveLength(0);
    } finally {
      await inside.close();
      await outside.close();
      await allowed.deps.cleanup();
    }
  });
});

describe('what a receiver answered', () => {
  it('is shown to superusers only: the owner of a personal webhook sees the status, never the body', async () => {
    const allowed = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1', DELIVERY_MAX_ATTEMPTS: 1 });
    const BODY = 'stack trace at db01.internal:5432 (receiver body)';
    const receiver = await startHttpReceiver({
      respond: (req) => (/"ping"/.test(req.body) ? { status: 204 } : { status: 500, body: BODY }),
    });
    try {
      await createUser(allowed.deps, { username: 'root', isSuperuser: true });
      await createUser(allowed.deps, { username: 'carol' });
      const root = await loginAs(allowed.app, 'root');
      const carol = await loginAs(allowed.app, 'carol');
      await updateSystemSettings(allowed.deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
      const hook = await ok<{ id: number }>(carol.post('/api/webhooks', { name: 'Mine', url: `${receiver.url}/hook` }));
      await ok(carol.put('/api/notifications/settings/personal', { settings: { other: ['alert', 'webhooks'] } }));
      // A superuser's event that names carol: her personal webhook gets it, and its receiver fails with a body.
      await ok(root.post('/api/events', { event: 'other', title: 'Hello', recipients: ['carol'] }));
      await runDueDeliveries(allowed.deps);
      receiver.respondWith({ status: 500, body: BODY });
      const pingResult = await ok<TTestResult>(carol.post(`/api/webhooks/${hook.id}/test`));
      expect(pingResult).toMatchObject({ ok: false, response_code: 500 });
      const list = await ok<{ items: { id: number }[] }>(carol.get('/api/deliveries'));
      expect(list.items.length).toBeGreaterThan(0);
      const seenByCarol = [
        JSON.stringify(pingResult),
        JSON.stringify(list),
        await (await carol.get(`/api/deliveries/${list.items[0]?.id}`)).text(),
        await (await carol.get('/api/webhooks')).text(),
        await (await carol.get('/api/alerts')).text(),
      ].join('\n');
      expect(seenByCarol).not.toContain('db01.internal');
      expect(seenByCarol).toContain('500');
      const seenByRoot = await (await root.get(`/api/deliveries/${list.items[0]?.id}`)).text();
      expect(seenByRoot).toContain('db01.internal');
    } finally {
      await receiver.close();
      await allowed.deps.cleanup();
    }
  });
});
