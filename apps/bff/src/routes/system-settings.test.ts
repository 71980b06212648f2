import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHANNEL_BITS } from '@tocsin/contract/catalogue';
import type { TDeliveryDetail } from '@tocsin/contract/deliveries';
import type { TSystemSettings, TTestResult } from '@tocsin/contract/system-settings';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { insertDelivery, insertEvent } from '../delivery/test-peers/fixtures';
import { startHttpReceiver } from '../delivery/test-peers/http-receiver';
import { startSmtpReceiver } from '../delivery/test-peers/smtp';
import { runDueDeliveries } from '../delivery/worker';
import type { Env } from '../env';
import { createTestApp, createUser, loginAs } from '../test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await ctx?.deps.cleanup();
  ctx = undefined;
});

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

async function setup(env: Partial<Env> = {}) {
  // The receivers listen on loopback, which the outbound policy refuses unless it is listed.
  ctx = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1', ...env });
  const { app, deps } = ctx;
  await createUser(deps, { username: 'admin', isSuperuser: true });
  await createUser(deps, { username: 'olivia', globalRole: 'Owner' });
  const admin = await loginAs(app, 'admin');
  return { app, deps, admin };
}

/** A loopback HTTP receiver answering `status`; records every request. */
async function startReceiver(status: number, body = status < 400 ? '1' : 'receiver exploded') {
  const requests: { method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', headers: req.headers, body: text });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/incoming`, requests };
}

describe('GET/PUT /api/system-settings', () => {
  it('answers 401 to anonymous callers and 403 to non-superusers (even a global Owner) on every route', async () => {
    const { app } = await setup();
    expect((await app.request('/api/system-settings')).status).toBe(401);
    const olivia = await loginAs(app, 'olivia');
    expect((await olivia.get('/api/system-settings')).status).toBe(403);
    expect((await olivia.put('/api/system-settings', { team_name: 'Mine' })).status).toBe(403);
    // Permission is checked before the body, so an invalid body still gets 403.
    expect((await olivia.put('/api/system-settings', { smtp_port: 'nope' })).status).toBe(403);
    expect((await olivia.post('/api/system-settings/test/mail')).status).toBe(403);
    expect((await olivia.post('/api/system-settings/test/msteams')).status).toBe(403);
  });

  it('shows the defaults, with secrets as booleans', async () => {
    const { admin } = await setup();
    const res = await admin.get('/api/system-settings');
    expect(res.status).toBe(200);
    const settings = (await res.json()) as TSystemSettings;
    expect(settings).toMatchObject({
      mail_enabled: false,
      slack_enabled: false,
      msteams_enabled: false,
      webhooks_enabled: false,
      webhooks_timeout_seconds: 10,
      disclaimer: '',
      slack_token_set: false,
      smtp_password_set: false,
      smtp_env_overrides: [],
    });
    expect(settings).not.toHaveProperty('slack_token');
    expect(settings).not.toHaveProperty('smtp_password');
  });

  it('accepts the default settings written back unchanged (the default sender is tocsin@localhost)', async () => {
    const { admin } = await setup();
    // Read-only fields (flags, counts, times) are left out; every other field is writable as it was read.
    const { smtp_password_set, slack_token_set, msteams_url_set, system_event_counts, smtp_env_overrides, updated_at, ...writable } =
      (await (await admin.get('/api/system-settings')).json()) as TSystemSettings;
    expect(writable.mail_from).toBe('tocsin@localhost');
    const res = await admin.put('/api/system-settings', writable);
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await admin.put('/api/system-settings', { mail_to: 'root@localhost' })).status).toBe(200);
  });

  it('saves a partial update and keeps the fields it did not name', async () => {
    const { admin } = await setup();
    const first = await admin.put('/api/system-settings', { team_name: 'Blue Team', disclaimer: 'Internal use only.' });
    expect(first.status).toBe(200);
    const second = await admin.put('/api/system-settings', { webhooks_enabled: true, webhooks_timeout_seconds: 30 });
    expect(second.status).toBe(200);
    const saved = (await (await admin.get('/api/system-settings')).json()) as TSystemSettings;
    expect(saved).toMatchObject({
      team_name: 'Blue Team',
      disclaimer: 'Internal use only.',
      webhooks_enabled: true,
      webhooks_timeout_seconds: 30,
    });
  });

  it('never returns a secret: omitted or null keeps it, an empty string clears it', async () => {
    const { admin, deps } = await setup();
    const token = 'xoxb-very-secret-token-123';
    const password = 'smtp-very-secret-pw-456';
    const bodies: string[] = [];
    const put = async (body: unknown) => {
      const res = await admin.put('/api/system-settings', body);
      bodies.push(await res.clone().text());
      return res;
    };
    const set = await put({ slack_token: token, slack_channel: '#security', slack_enabled: true, smtp_password: password });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ slack_token_set: true, smtp_password_set: true, slack_enabled: true });

    expect((await put({ team_name: 'Red' })).status).toBe(200);
    expect((await put({ slack_token: null, smtp_password: null })).status).toBe(200);
    const raw = () => deps.db.get<Record<string, string>>(sql`select slack_token, smtp_password from system_settings where id = 1`);
    // Sealed at rest; opened, they are what was entered.
    const stored = async () => Object.fromEntries(Object.entries((await raw())!).map(([k, v]) => [k, deps.secretBox.open(v)]));
    expect(Object.values((await raw())!).every((v) => v.startsWith('enc:v1:'))).toBe(true);
    expect(await stored()).toEqual({ slack_token: token, smtp_password: password });
    bodies.push(await (await admin.get('/api/system-settings')).text());
    const openapi = await admin.get('/api/openapi.json');
    expect(openapi.status).toBe(200);
    const doc = await openapi.text();
    for (const route of ['/api/system-settings/test/{channel}', '/api/webhooks/{id}/activate', '/api/deliveries/stats'])
      expect(doc).toContain(route);
    bodies.push(doc);
    for (const body of bodies) {
      expect(body).not.toContain(token);
      expect(body).not.toContain(password);
    }

    // Clearing the token while Slack is enabled is refused; disabling Slack first allows it.
    const refused = await put({ slack_token: '' });
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).message).toContain('slack_token');
    const cleared = await put({ slack_enabled: false, slack_token: '', smtp_password: '' });
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toMatchObject({ slack_token_set: false, smtp_password_set: false });
    expect(await stored()).toEqual({ slack_token: '', smtp_password: '' });
  });

  it('names every invalid field', async () => {
    const { admin } = await setup();
    const res = await admin.put('/api/system-settings', {
      mail_to: 'not-an-address',
      mail_from: 'nobody',
      smtp_port: 70000,
      smtp_tls_mode: 'ssl3',
      msteams_url: 'http://teams.example.com/webhook',
      webhooks_timeout_seconds: 0,
    });
    expect(res.status).toBe(400);
    const { message } = await errorOf(res);
    for (const field of ['mail_to', 'mail_from', 'smtp_port', 'smtp_tls_mode', 'msteams_url', 'webhooks_timeout_seconds']) {
      expect(message).toContain(field);
    }
    expect(message).toContain('Use a port from 1 to 65535');
    expect(message).toContain('https://');
    const tooLong = await admin.put('/api/system-settings', { webhooks_timeout_seconds: 121 });
    expect(tooLong.status).toBe(400);
    expect((await errorOf(tooLong)).message).toContain('Use 1 to 120 seconds');
    const unknown = await admin.put('/api/system-settings', { slack_tokn: 'x' });
    expect(unknown.status).toBe(400);
  });

  it('accepts an https Teams URL, an http loopback one, and a display-name sender', async () => {
    const { admin } = await setup();
    expect((await admin.put('/api/system-settings', { msteams_url: 'https://example.webhook.office.com/webhookb2/abc' })).status).toBe(200);
    expect((await admin.put('/api/system-settings', { msteams_url: 'http://127.0.0.1:3999/teams' })).status).toBe(200);
    expect((await admin.put('/api/system-settings', { mail_from: 'Tocsin <tocsin@example.com>' })).status).toBe(200);
  });

  it('enables a channel only with what it needs to send', async () => {
    const { admin } = await setup();
    const slack = await admin.put('/api/system-settings', { slack_enabled: true });
    expect(slack.status).toBe(400);
    const slackMessage = (await errorOf(slack)).message;
    expect(slackMessage).toContain('slack_token: Enter the Slack token (the Bot User OAuth Token)');
    expect(slackMessage).toContain('slack_channel');

    const teams = await admin.put('/api/system-settings', { msteams_enabled: true });
    expect(teams.status).toBe(400);
    expect((await errorOf(teams)).message).toContain('msteams_url');
    expect(
      (await admin.put('/api/system-settings', { msteams_enabled: true, msteams_url: 'https://example.webhook.office.com/x' })).status,
    ).toBe(200);

    const mail = await admin.put('/api/system-settings', { mail_enabled: true });
    expect(mail.status).toBe(400);
    expect((await errorOf(mail)).message).toContain('smtp_host');
    // No system address is fine: personal mail goes to each user's own address.
    const mailOk = await admin.put('/api/system-settings', { mail_enabled: true, smtp_host: 'smtp.example.com' });
    expect(mailOk.status).toBe(200);
    expect(await mailOk.json()).toMatchObject({ mail_enabled: true, mail_to: '' });

    // Nothing of a refused update is saved.
    const after = (await (await admin.get('/api/system-settings')).json()) as TSystemSettings;
    expect(after.slack_enabled).toBe(false);
  });

  it('shows SMTP values set by the environment, and which ones', async () => {
    const { admin } = await setup({ SMTP_HOST: 'mail.env.test', SMTP_PORT: 2525, SMTP_PASSWORD: 'env-secret-pw-789' });
    const res = await admin.get('/api/system-settings');
    const text = await res.text();
    expect(text).not.toContain('env-secret-pw-789');
    const settings = JSON.parse(text) as TSystemSettings;
    expect(settings.smtp_env_overrides).toEqual(['smtp_host', 'smtp_port', 'smtp_password']);
    expect(settings).toMatchObject({ smtp_host: 'mail.env.test', smtp_port: 2525, smtp_password_set: true });
    // The environment's host is enough to enable mail.
    expect((await admin.put('/api/system-settings', { mail_enabled: true })).status).toBe(200);
  });
});

describe('POST /api/system-settings/test/:channel', () => {
  it('posts a real test message to Teams and reports success', async () => {
    const { admin } = await setup();
    const receiver = await startReceiver(200);
    await admin.put('/api/system-settings', { msteams_enabled: true, msteams_url: receiver.url });
    const res = await admin.post('/api/system-settings/test/msteams');
    expect(res.status).toBe(200);
    const result = (await res.json()) as TTestResult;
    expect(result.ok).toBe(true);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.method).toBe('POST');
  });

  it('reports the provider’s error when Teams refuses', async () => {
    const { admin } = await setup();
    const receiver = await startReceiver(500);
    await admin.put('/api/system-settings', { msteams_enabled: true, msteams_url: receiver.url });
    const result = (await (await admin.post('/api/system-settings/test/msteams')).json()) as TTestResult;
    expect(result.ok).toBe(false);
    expect(result.message).toContain('500');
    expect(result.response_code).toBe(500);
  });

  it('sends a test mail through SMTP to the system address', async () => {
    const received: { to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => {
          data += chunk.toString();
        });
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
    const port = (smtp.server.address() as AddressInfo).port;

    const { admin } = await setup();
    const saved = await admin.put('/api/system-settings', {
      mail_enabled: true,
      mail_to: 'security@example.test',
      smtp_host: '127.0.0.1',
      smtp_port: port,
      smtp_tls_mode: 'none',
    });
    expect(saved.status).toBe(200);
    const result = (await (await admin.post('/api/system-settings/test/mail')).json()) as TTestResult;
    expect(result).toMatchObject({ ok: true });
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['security@example.test']);
  });

  it('reports a mail failure with the reason when nothing listens', async () => {
    const { admin } = await setup();
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    await admin.put('/api/system-settings', { mail_enabled: true, mail_to: 'security@example.test', smtp_host: '127.0.0.1', smtp_port: 1 });
    const result = (await (await admin.post('/api/system-settings/test/mail')).json()) as TTestResult;
    expect(result.ok).toBe(false);
    expect(result.message.length).toBeGreaterThan(10);
  });

  it('refuses an unknown channel', async () => {
    const { admin } = await setup();
    expect((await admin.post('/api/system-settings/test/pigeon')).status).toBe(400);
  });
});

describe('the mail From header', () => {
  it('is sent exactly as the display name and address given (a bare address goes under the team name)', async () => {
    const smtp = await startSmtpReceiver();
    closers.push(smtp.close);
    const { admin } = await setup();
    const fromLine = () =>
      smtp.messages
        .at(-1)
        ?.raw.split(/\r?\n/)
        .find((line) => line.startsWith('From:'));
    const cases: [Record<string, string>, string][] = [
      [{ mail_from: 'Tocsin <tocsin@example.com>' }, 'From: Tocsin <tocsin@example.com>'],
      [{ mail_from: 'tocsin@example.com', team_name: 'Blue Team' }, 'From: Blue Team <tocsin@example.com>'],
      [{ mail_from: '"Security, Team" <sec@example.com>' }, 'From: "Security, Team" <sec@example.com>'],
    ];
    for (const [body, expected] of cases) {
      const saved = await admin.put('/api/system-settings', {
        ...body,
        mail_enabled: true,
        mail_to: 'security@example.test',
        smtp_host: '127.0.0.1',
        smtp_port: smtp.port,
      });
      expect(saved.status, await saved.clone().text()).toBe(200);
      expect(await (await admin.post('/api/system-settings/test/mail')).json()).toMatchObject({ ok: true });
      expect(fromLine()).toBe(expected);
    }
    expect(smtp.messages).toHaveLength(3);
  });
});

describe('Microsoft Teams through a Workflows webhook', () => {
  it('keeps the URL write-only, and records a 202 as accepted by Teams in the delivery log', async () => {
    const { admin, deps } = await setup();
    const workflow = await startHttpReceiver({ respond: { status: 202 } });
    closers.push(workflow.close);
    const url = `${workflow.url}/workflows/0a1b/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Wf-credential-123`;
    const saved = await admin.put('/api/system-settings', { msteams_enabled: true, msteams_url: url });
    expect(saved.status).toBe(200);
    const settings = (await saved.json()) as TSystemSettings;
    expect(settings).toMatchObject({ msteams_enabled: true, msteams_url_set: true });
    expect(JSON.stringify(settings)).not.toContain('Wf-credential-123');

    const test = (await (await admin.post('/api/system-settings/test/msteams')).json()) as TTestResult;
    expect(test).toMatchObject({ ok: true, response_code: 202 });
    expect(test.message).toContain('Teams accepted the test card (HTTP 202)');
    const card = workflow.requests[0]!.json as { type: string; attachments: { contentType: string }[] };
    expect(card.type).toBe('message');
    expect(card.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');

    const event = await insertEvent(deps, { title: 'SLA breach' });
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'msteams', targetKind: 'system' });
    await runDueDeliveries(deps);
    const logged = (await (await admin.get(`/api/deliveries/${d.id}`)).json()) as TDeliveryDetail;
    expect(logged).toMatchObject({ status: 'sent', response_code: 202 });
    expect(logged.note).toBe('Accepted by Teams (HTTP 202): the workflow posts the card to its chat or channel.');

    // Omitted or null keeps the URL; an empty string clears it (refused while Teams is on).
    expect(await (await admin.put('/api/system-settings', { msteams_url: null, team_name: 'Red' })).json()).toMatchObject({
      msteams_url_set: true,
    });
    expect((await admin.put('/api/system-settings', { msteams_url: '' })).status).toBe(400);
    const cleared = await admin.put('/api/system-settings', { msteams_enabled: false, msteams_url: '' });
    expect(await cleared.json()).toMatchObject({ msteams_url_set: false });
  });
});

describe('channels and the System notifications matrix', () => {
  it('counts, per external channel, the events of the System matrix that select it', async () => {
    const { admin, deps } = await setup();
    expect(((await (await admin.get('/api/system-settings')).json()) as TSystemSettings).system_event_counts).toEqual({
      mail: 0,
      slack: 0,
      msteams: 0,
      webhooks: 0,
    });
    const { alert, mail, slack, msteams } = CHANNEL_BITS;
    for (const [event, channels] of [
      ['scan_added', alert | mail | slack],
      ['product_added', mail],
      ['sla_breach', msteams],
    ] as const) {
      await deps.db.run(sql`insert into notification_settings (scope, event, channels) values ('system', ${event}, ${channels})`);
    }
    // Personal records do not count.
    const olivia = await deps.db.get<{ id: number }>(sql`select id from users where username = 'olivia'`);
    await deps.db.run(
      sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${olivia!.id}, 'other', ${mail})`,
    );
    expect(((await (await admin.get('/api/system-settings')).json()) as TSystemSettings).system_event_counts).toEqual({
      mail: 2,
      slack: 1,
      msteams: 1,
      webhooks: 0,
    });
  });
});
