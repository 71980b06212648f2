/**
 * Text that came from someone else stays inert on its way out, and secrets never leave: a failing webhook whose
 * name is a markdown link, an event title that would open a heading, and receivers echoing what Tocsin sent them
 * (a header value, the SMTP password, the Slack token, the Teams Workflows URL), with secrets that hold double
 * spaces, so redaction is proved to run before any respacing or cutting. Checked where the text goes: the
 * superusers' alerts, the delivery log (both roles), and the console.
 */
import type { AddressInfo } from 'node:net';
import type { TDeliveryDetail, TDeliveryPage } from '@tocsin/contract/deliveries';
import { eq, sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findRows } from '../db/rows';
import { alerts } from '../db/schema';
import { createTestApp, createUser, loginAs } from '../test-utils';
import { getDelivery, insertDelivery, insertEvent, insertWebhook, updateSystemSettings } from './test-peers/fixtures';
import { startHttpReceiver } from './test-peers/http-receiver';
import { startSlackStandIn } from './test-peers/slack';
import { runDueDeliveries } from './worker';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of closers.splice(0)) await close();
  await ctx?.deps.cleanup();
  ctx = undefined;
});

/** Double spaces inside: a respacing before redaction would turn it into a form the plain comparison misses. */
const HEADER_SECRET = 'hv  secret  with  double  spaces';
const EVIL_NAME = '[x](https://evil.example)';
const EVIL_TITLE = 'Scan done\n# heading [y](https://evil.example) <b>bold</b>';

async function setup() {
  // The receivers listen on loopback, which the outbound policy refuses unless it is listed.
  ctx = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1', DELIVERY_MAX_ATTEMPTS: 1 });
  const root = await createUser(ctx.deps, { username: 'root', isSuperuser: true });
  const admin = await createUser(ctx.deps, { username: 'admin', isSuperuser: true });
  const alice = await createUser(ctx.deps, { username: 'alice' });
  return { deps: ctx.deps, app: ctx.app, root, admin, alice };
}

/** Every form a reader could find the secret in: as is, and with its white space collapsed. */
const expectNoSecret = (text: string, secret: string) => {
  expect(text).not.toContain(secret);
  expect(text).not.toContain(secret.replace(/\s+/g, ' '));
  expect(text).not.toContain(encodeURIComponent(secret));
};

/** Markdown that a renderer would act on: a link or image, a heading line, raw HTML, a bare autolink. */
const expectNoMarkup = (markdown: string) => {
  expect(markdown).not.toMatch(/(^|[^\\])\[[^\]]*\]\(/);
  expect(markdown).not.toMatch(/^\s{0,3}#/m);
  expect(markdown).not.toMatch(/(^|[^\\])<[a-z/]/i);
  expect(markdown).not.toContain('https://evil.example');
};

describe('a failing webhook with a hostile name, title and echo', () => {
  it('alerts every superuser with inert text and no secret; the log redacts it for both roles', async () => {
    const { deps, app, root, admin, alice } = await setup();
    const receiver = await startHttpReceiver({
      // A receiver that quotes what it got: as is, and as an HTML page would (white space collapsed).
      respond: (req) => ({
        status: 400,
        body: `Bad key "${req.headers['x-api-key']}"; <p>${String(req.headers['x-api-key']).replace(/\s+/g, ' ')}</p>`,
      }),
    });
    closers.push(receiver.close);
    await updateSystemSettings(deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
    const hook = await insertWebhook(deps, {
      name: EVIL_NAME,
      url: `${receiver.url}/hook`,
      ownerId: alice.id,
      headerName: 'X-Api-Key',
      headerValue: deps.secretBox.seal(HEADER_SECRET),
    });
    const event = await insertEvent(deps, { title: EVIL_TITLE });
    const d = await insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      userId: alice.id,
    });
    await runDueDeliveries(deps);
    expect(receiver.requests[0]?.headers['x-api-key']).toBe(HEADER_SECRET);

    const row = await getDelivery(deps, d.id);
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('[redacted]');
    expectNoSecret(row.lastError ?? '', HEADER_SECRET);

    const notices = await findRows(deps.db, alerts, eq(alerts.source, 'Webhook Notification'), { orderBy: sql`${alerts.userId}` });
    expect(notices.map((a) => a.userId)).toEqual([root.id, admin.id].sort((x, y) => x - y));
    for (const notice of notices) {
      expect(notice.title).not.toMatch(/[\r\n]/);
      expect(notice.title).toContain(EVIL_NAME); // plain text, shown as text
      expectNoMarkup(notice.description);
      expect(notice.description).toContain('Scan done \\# heading');
      expect(notice.description).toContain('redacted');
      expectNoSecret(`${notice.title} ${notice.description}`, HEADER_SECRET);
    }

    // The delivery log: the superuser reads the receiver's words, redacted; the owner the status only.
    for (const [user, isSuperuser] of [
      ['admin', true],
      ['alice', false],
    ] as const) {
      const client = await loginAs(app, user);
      const list = await (await client.get('/api/deliveries')).text();
      const detail = await (await client.get(`/api/deliveries/${d.id}`)).text();
      for (const text of [list, detail]) expectNoSecret(text, HEADER_SECRET);
      const item = (JSON.parse(list) as TDeliveryPage).items[0]!;
      if (isSuperuser) expect(item.last_error).toMatch(/HTTP 400 Bad Request: Bad key "\[redacted\]"/);
      else expect(item.last_error).toBe('The webhook answered HTTP 400 Bad Request.');
      expect((JSON.parse(detail) as TDeliveryDetail).attempt_list[0]?.error).toBe(item.last_error);
    }
  });

  it('an unexpected error is logged to the console and kept without the secret', async () => {
    const { deps } = await setup();
    const receiver = await startHttpReceiver({ respond: { status: 500 } });
    closers.push(receiver.close);
    await updateSystemSettings(deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
    // A host name, so the (injected) resolver runs during the request: it arms the fault below.
    const hook = await insertWebhook(deps, {
      url: `http://hooks.test:${receiver.port}/`,
      headerName: 'X-Api-Key',
      headerValue: deps.secretBox.seal(HEADER_SECRET),
    });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
    // A fault inside the adapter, after the answer, whose text quotes the secret (as a library's error might).
    const realNow = deps.now;
    let armed = false;
    deps.resolveHost = async () => {
      armed = true;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    deps.now = () => {
      if (armed) {
        armed = false;
        throw new Error(`failed while handling a request with X-Api-Key: ${HEADER_SECRET}`);
      }
      return realNow();
    };
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
    await runDueDeliveries(deps);
    expect(receiver.requests).toHaveLength(1);
    expect(logged.join('\n')).toContain(`unexpected error while sending delivery ${d.id}`);
    expect(logged.join('\n')).toContain('[redacted]');
    expectNoSecret(logged.join('\n'), HEADER_SECRET);
    const row = await getDelivery(deps, d.id);
    expect(row.lastError).toContain('Unexpected error in Tocsin while sending');
    expectNoSecret(row.lastError ?? '', HEADER_SECRET);
  });
});

describe('providers echoing the credentials of the system channels', () => {
  it('the SMTP password, echoed by the server, is redacted from the log', async () => {
    const { deps } = await setup();
    const password = 'smtp  pass  word  1';
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error(`5.7.1 relaying denied; your password was ${password}`), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
    await updateSystemSettings(deps, {
      mailEnabled: true,
      mailTo: 'security@example.test',
      mailFrom: 'tocsin@example.test',
      smtpHost: '127.0.0.1',
      smtpPort: (smtp.server.address() as AddressInfo).port,
      smtpPassword: deps.secretBox.seal(password),
    });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'failed', responseCode: 550 });
    expect(row.lastError).toContain('relaying denied; your password was [redacted]');
    expect(row.lastErrorSummary).toBe('The SMTP server refused the message (550).');
    expectNoSecret(row.lastError ?? '', password);
    const notices = await findRows(deps.db, alerts, eq(alerts.source, 'Email Notification'));
    expect(notices.length).toBeGreaterThan(0);
    for (const n of notices) expectNoSecret(n.description, password);
  });

  it('the Slack token, echoed in an error field, is redacted from the log', async () => {
    const { deps } = await setup();
    const slack = await startSlackStandIn({ token: 'xoxb-111  222  333', channels: ['#security'] });
    closers.push(slack.close);
    deps.env.SLACK_API_URL = slack.url;
    await updateSystemSettings(deps, {
      slackEnabled: true,
      slackToken: deps.secretBox.seal(slack.token),
      slackChannel: '#security',
    });
    slack.failNext('chat.postMessage', { kind: 'error', error: `token ${slack.token} is not allowed here` });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'system' });
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, d.id);
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('[redacted]');
    expect(row.lastErrorSummary).toBe('Slack chat.postMessage answered ok:false with an error.');
    expectNoSecret(row.lastError ?? '', slack.token);
  });

  it('the Teams Workflows URL and its sig, echoed by the receiver, are redacted from the log', async () => {
    const { deps } = await setup();
    const teams = await startHttpReceiver({ respond: (req) => ({ status: 500, body: `cannot run flow for ${req.path}` }) });
    closers.push(teams.close);
    const sig = 'S1gnatureCredential-abc123';
    const url = `${teams.url}/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${sig}`;
    await updateSystemSettings(deps, { msteamsEnabled: true, msteamsUrl: deps.secretBox.seal(url) });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'msteams', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect(teams.requests[0]?.path).toContain(sig);
    const row = await getDelivery(deps, d.id);
    expect(row.lastError).toContain('cannot run flow for');
    expect(row.lastError).not.toContain(sig);
    expect(row.lastError).toContain('[redacted]');
  });
});
