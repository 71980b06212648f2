/**
 * The outbound policy at every door a person can open: adding a webhook, pinging a stored one, the Teams test
 * and the SMTP test (and saving the Teams URL or the SMTP host). Each internal spelling is tried against a real
 * loopback peer that would answer if Tocsin connected: the peer must see nothing, and the answer must say why
 * and how (OUTBOUND_ALLOW). A redirect from an allowlisted receiver to an internal address is not followed.
 */
import type { TTestResult } from '@tocsin/contract/system-settings';
import type { TWebhookList } from '@tocsin/contract/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Env } from '../env';
import { parseEnv } from '../env';
import { createTestApp, createUser, loginAs, type TTestClient } from '../test-utils';
import type { TResolveHost } from './outbound';
import { getDelivery, insertDelivery, insertEvent, insertWebhook, updateSystemSettings } from './test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from './test-peers/http-receiver';
import { startSlackStandIn } from './test-peers/slack';
import { startSmtpReceiver, type TSmtpReceiver } from './test-peers/smtp';
import { runDueDeliveries } from './worker';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await ctx?.deps.cleanup();
  ctx = undefined;
});

type TErrorBody = { error: { code: string; message: string } };

/** A resolver that knows the test's names and nothing else. */
const resolverFor =
  (names: Record<string, string>): TResolveHost =>
  async (hostname) => {
    const address = names[hostname.toLowerCase()];
    if (!address) throw Object.assign(new Error(`${hostname} not found`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };

async function setup(env: Partial<Env> = {}) {
  ctx = await createTestApp(env);
  ctx.deps.resolveHost = resolverFor({ 'internal.evil.test': '127.0.0.1', 'hooks.corp.test': '127.0.0.1' });
  await createUser(ctx.deps, { username: 'admin', isSuperuser: true });
  await createUser(ctx.deps, { username: 'alice' });
  const admin = await loginAs(ctx.app, 'admin');
  const alice = await loginAs(ctx.app, 'alice');
  await updateSystemSettings(ctx.deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
  return { deps: ctx.deps, admin, alice };
}

async function receiver(): Promise<THttpReceiver> {
  const r = await startHttpReceiver({ respond: { status: 200, body: 'would have answered' } });
  closers.push(r.close);
  return r;
}

async function smtpReceiver(): Promise<TSmtpReceiver> {
  const s = await startSmtpReceiver();
  closers.push(s.close);
  return s;
}

/** Every spelling of "this machine" (or the metadata service) a URL parser accepts, as host[:port]. */
const INTERNAL_HOSTS: [label: string, host: (port: number) => string][] = [
  ['127.0.0.1', (port) => `127.0.0.1:${port}`],
  ['localhost', (port) => `localhost:${port}`],
  ['127.1', (port) => `127.1:${port}`],
  ['2130706433', (port) => `2130706433:${port}`],
  ['0x7f.0.0.1', (port) => `0x7f.0.0.1:${port}`],
  ['[::ffff:127.0.0.1]', (port) => `[::ffff:127.0.0.1]:${port}`],
  ['169.254.169.254', () => '169.254.169.254'],
  ['a DNS name resolving to 127.0.0.1', (port) => `internal.evil.test:${port}`],
];

/** The SMTP host field has no port: the port is its own field. */
const INTERNAL_SMTP_HOSTS: [label: string, host: string][] = [
  ['127.0.0.1', '127.0.0.1'],
  ['localhost', 'localhost'],
  ['127.1', '127.1'],
  ['2130706433', '2130706433'],
  ['0x7f.0.0.1', '0x7f.0.0.1'],
  ['[::ffff:127.0.0.1]', '[::ffff:127.0.0.1]'],
  ['169.254.169.254', '169.254.169.254'],
  ['a DNS name resolving to 127.0.0.1', 'internal.evil.test'],
];

const expectPolicyRefusal = (message: string) => {
  expect(message).toMatch(/loopback|link-local|metadata|this machine/);
  expect(message).toContain('OUTBOUND_ALLOW');
};

describe.each(INTERNAL_HOSTS)('an internal destination written as %s', (_label, hostOf) => {
  it('is refused when a webhook is added: 400 naming OUTBOUND_ALLOW, nothing sent, nothing saved', async () => {
    const { admin, alice } = await setup();
    const peer = await receiver();
    for (const client of [admin, alice] as TTestClient[]) {
      const res = await client.post('/api/webhooks', { name: `Hook of ${client.user.username}`, url: `http://${hostOf(peer.port)}/hook` });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as TErrorBody;
      expect(error.message).toMatch(/^url: /);
      expectPolicyRefusal(error.message);
    }
    expect(peer.requests).toHaveLength(0);
    expect(((await (await admin.get('/api/webhooks')).json()) as TWebhookList).items).toEqual([]);
  });

  it('is refused when a stored webhook is pinged (the Test button): not ok, and nothing sent', async () => {
    const { deps, admin } = await setup();
    const peer = await receiver();
    // Written directly: the API would not have saved it.
    const hook = await insertWebhook(deps, { name: 'Old', url: `http://${hostOf(peer.port)}/hook` });
    const res = await admin.post(`/api/webhooks/${hook.id}/test`);
    expect(res.status).toBe(200);
    const result = (await res.json()) as TTestResult;
    expect(result.ok).toBe(false);
    expectPolicyRefusal(result.message);
    expect(peer.requests).toHaveLength(0);
  });

  it('is refused as the Teams Workflows URL, when saved and when tested', async () => {
    const { deps, admin } = await setup();
    const peer = await receiver();
    const saved = await admin.put('/api/system-settings', { msteams_url: `https://${hostOf(peer.port)}/workflows/x?sig=abc` });
    expect(saved.status).toBe(400);
    const { error } = (await saved.json()) as TErrorBody;
    expect(error.message).toMatch(/^msteams_url: /);
    expectPolicyRefusal(error.message);

    await updateSystemSettings(deps, { msteamsEnabled: true, msteamsUrl: `http://${hostOf(peer.port)}/workflows/x?sig=abc` });
    const result = (await (await admin.post('/api/system-settings/test/msteams')).json()) as TTestResult;
    expect(result.ok).toBe(false);
    expectPolicyRefusal(result.message);
    expect(peer.requests).toHaveLength(0);
  });
});

describe.each(INTERNAL_SMTP_HOSTS)('an internal SMTP host written as %s', (_label, host) => {
  it('is refused when saved (400 naming OUTBOUND_ALLOW) and by the SMTP test (no mail sent)', async () => {
    const { deps, admin } = await setup();
    const smtp = await smtpReceiver();
    const saved = await admin.put('/api/system-settings', { smtp_host: host, smtp_port: smtp.port });
    expect(saved.status).toBe(400);
    const { error } = (await saved.json()) as TErrorBody;
    expect(error.message).toMatch(/^smtp_host: /);
    expectPolicyRefusal(error.message);

    await updateSystemSettings(deps, {
      mailEnabled: true,
      mailTo: 'security@example.test',
      mailFrom: 'tocsin@example.test',
      smtpHost: host,
      smtpPort: smtp.port,
    });
    const result = (await (await admin.post('/api/system-settings/test/mail')).json()) as TTestResult;
    expect(result.ok).toBe(false);
    expectPolicyRefusal(result.message);
    expect(smtp.messages).toHaveLength(0);
  });
});

describe('listed in OUTBOUND_ALLOW', () => {
  it('the same loopback peers are reached: the refusals above are the policy, not a dead port', async () => {
    const { deps, admin } = await setup({ OUTBOUND_ALLOW: '127.0.0.1' });
    const peer = await receiver();
    expect((await admin.post('/api/webhooks', { name: 'Allowed', url: `http://127.1:${peer.port}/hook` })).status).toBe(201);
    const smtp = await smtpReceiver();
    expect((await admin.put('/api/system-settings', { smtp_host: '127.0.0.1', smtp_port: smtp.port })).status).toBe(200);
    await updateSystemSettings(deps, { mailEnabled: true, mailTo: 'security@example.test', mailFrom: 'tocsin@example.test' });
    expect(((await (await admin.post('/api/system-settings/test/mail')).json()) as TTestResult).ok).toBe(true);
    expect(peer.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
  });
});

describe('a redirect from an allowlisted receiver to an internal address', () => {
  async function redirecting() {
    const env = await setup({ OUTBOUND_ALLOW: 'hooks.corp.test' });
    const inside = await receiver();
    const peer = await receiver();
    peer.respondWith({ status: 302, headers: { location: `http://127.0.0.1:${inside.port}/latest/meta-data/iam` } });
    return { ...env, inside, peer, url: `http://hooks.corp.test:${peer.port}/hook` };
  }

  it('is not followed when a webhook is added: the ping fails, nothing reaches the inside', async () => {
    const { admin, alice, inside, peer, url } = await redirecting();
    for (const client of [admin, alice]) {
      const res = await client.post('/api/webhooks', { name: `Hook of ${client.user.username}`, url });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as TErrorBody;
      expect(error.code).toBe('ping_failed');
      expect(error.message).toContain('does not follow redirects');
      // Where it pointed is the receiver's answer: superusers read it, the owner does not.
      if (client === admin) expect(error.message).toContain(`127.0.0.1:${inside.port}/latest/meta-data/iam`);
      else expect(error.message).not.toContain(String(inside.port));
    }
    expect(peer.requests).toHaveLength(2);
    expect(inside.requests).toHaveLength(0);
  });

  it('is not followed by the Test button of a stored webhook, nor by the Teams test', async () => {
    const { deps, admin, alice, inside, peer, url } = await redirecting();
    const hook = await insertWebhook(deps, { name: 'Alice', url, ownerId: alice.user.id });
    const ping = (await (await alice.post(`/api/webhooks/${hook.id}/test`)).json()) as TTestResult;
    expect(ping).toMatchObject({ ok: false, response_code: 302 });
    expect(ping.message).toContain('does not follow redirects');
    expect(ping.message).not.toContain(String(inside.port));

    await updateSystemSettings(deps, { msteamsEnabled: true, msteamsUrl: url });
    const teams = (await (await admin.post('/api/system-settings/test/msteams')).json()) as TTestResult;
    expect(teams).toMatchObject({ ok: false, response_code: 302 });
    expect(teams.message).toContain('does not follow redirects');
    expect(peer.requests).toHaveLength(2);
    expect(inside.requests).toHaveLength(0);
  });
});

describe('Slack through the policy', () => {
  it('a Slack API base on an internal address is refused for lookups and posts alike; nothing reaches it', async () => {
    const { deps } = await setup();
    const slack = await startSlackStandIn({ users: { 'alice@slack.test': 'U0ALICE' }, channels: ['#security'] });
    closers.push(slack.close);
    // Set past the start-up check (below), as a changed DNS answer would: the name now resolves inside.
    deps.env.SLACK_API_URL = slack.url.replace('127.0.0.1', 'internal.evil.test');
    await updateSystemSettings(deps, { slackEnabled: true, slackToken: slack.token, slackChannel: '#security' });
    const alice = await createUser(deps, { username: 'alice-slack', slackEmail: 'alice@slack.test' });
    const event = await insertEvent(deps);
    const dm = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'user', userId: alice.id });
    const system = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'system' });
    await runDueDeliveries(deps);
    for (const d of [dm, system]) {
      const row = await getDelivery(deps, d.id);
      expect(row.status).toBe('failed');
      expectPolicyRefusal(row.lastError ?? '');
    }
    expect(slack.calls).toHaveLength(0);
  });

  it('SLACK_API_URL on an internal address stops the start, naming it and OUTBOUND_ALLOW', () => {
    expect(() => parseEnv({ SLACK_API_URL: 'http://127.0.0.1:9/api' })).toThrow(/SLACK_API_URL: .*OUTBOUND_ALLOW/);
    expect(() => parseEnv({ SLACK_API_URL: 'http://169.254.169.254/api' })).toThrow(/SLACK_API_URL/);
    expect(parseEnv({ SLACK_API_URL: 'http://127.0.0.1:9/api', OUTBOUND_ALLOW: '127.0.0.1' }).SLACK_API_URL).toBe('http://127.0.0.1:9/api');
    expect(parseEnv({}).SLACK_API_URL).toBe('https://slack.com/api');
  });
});
