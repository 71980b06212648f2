/**
 * Secrets of the channels: sealed at rest, resealed at start (legacy plaintext, an old key), never returned by
 * a GET in any field for any role, and dropped when the destination they were set for changes, unless the same
 * request enters them again (so an endpoint's owner cannot send an admin-set secret somewhere else).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TSystemSettings } from '@tocsin/contract/system-settings';
import type { TSavedWebhook } from '@tocsin/contract/webhooks';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInstallationSecretBox, resealStoredSecrets } from '../delivery/secrets';
import { startHttpReceiver, type THttpReceiver } from '../delivery/test-peers/http-receiver';
import { startSmtpReceiver } from '../delivery/test-peers/smtp';
import { TEST_SECRET_KEY, testEnv } from '../env';
import { createSecretBox, parseSecretKey } from '../lib/secret-box';
import { createTestApp, createUser, loginAs } from '../test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await ctx?.deps.cleanup();
  ctx = undefined;
});

async function setup() {
  // The receivers listen on loopback, which the outbound policy refuses unless it is listed.
  ctx = await createTestApp({ OUTBOUND_ALLOW: '127.0.0.1' });
  const adminUser = await createUser(ctx.deps, { username: 'admin', isSuperuser: true });
  const aliceUser = await createUser(ctx.deps, { username: 'alice' });
  const admin = await loginAs(ctx.app, 'admin');
  const alice = await loginAs(ctx.app, 'alice');
  return { deps: ctx.deps, admin, alice, adminUser, aliceUser };
}

async function receiver(): Promise<THttpReceiver> {
  const r = await startHttpReceiver();
  closers.push(r.close);
  return r;
}

const SLACK_TOKEN = 'xoxb-sealed-token-123456';
const SMTP_PASSWORD = 'smtp-sealed-password-789';
const TEAMS_SIG = 'TeamsSigCredential0123456789';
const HEADER_VALUE = 'admin-set-header-value-42';
const SIGNING_SECRET = 'admin-set-signing-secret-43';

describe('secrets at rest', () => {
  it('stores every channel secret sealed, and the channels still use them', async () => {
    const { deps, admin } = await setup();
    const teams = await receiver();
    teams.respondWith({ status: 202 });
    const teamsUrl = `${teams.url}/workflows/w1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${TEAMS_SIG}`;
    const saved = await admin.put('/api/system-settings', {
      slack_token: SLACK_TOKEN,
      smtp_password: SMTP_PASSWORD,
      msteams_url: teamsUrl,
      msteams_enabled: true,
    });
    expect(saved.status).toBe(200);
    const hookReceiver = await receiver();
    const hook = (await (
      await admin.post('/api/webhooks', {
        name: 'SIEM',
        url: hookReceiver.url,
        header_name: 'X-Api-Key',
        header_value: HEADER_VALUE,
        signing_secret: SIGNING_SECRET,
      })
    ).json()) as TSavedWebhook;

    const settings = await deps.db.get<Record<string, string>>(
      sql`select slack_token, smtp_password, msteams_url from system_settings where id = 1`,
    );
    const webhook = await deps.db.get<Record<string, string>>(sql`select header_value, signing_secret from webhooks where id = ${hook.id}`);
    const stored = { ...settings, ...webhook };
    for (const value of Object.values(stored)) expect(value).toMatch(/^enc:v1:/);
    expect(JSON.stringify(stored)).not.toContain(TEAMS_SIG);
    expect(Object.values(stored).map((v) => deps.secretBox.open(v))).toEqual([
      SLACK_TOKEN,
      SMTP_PASSWORD,
      teamsUrl,
      HEADER_VALUE,
      SIGNING_SECRET,
    ]);

    // The channels open what they need: the Teams test reaches the Workflows URL, the webhook gets its header.
    expect(await (await admin.post('/api/system-settings/test/msteams')).json()).toMatchObject({ ok: true, response_code: 202 });
    expect(teams.requests[0]?.path).toContain(`sig=${TEAMS_SIG}`);
    expect(await (await admin.post(`/api/webhooks/${hook.id}/test`)).json()).toMatchObject({ ok: true });
    expect(hookReceiver.requests.at(-1)?.headers['x-api-key']).toBe(HEADER_VALUE);
  });

  it('reseals legacy plaintext and values of a previous key at start, and names what no key opens', async () => {
    const { deps } = await setup();
    const oldKey = parseSecretKey(Buffer.alloc(32, 7).toString('base64'), 'old');
    const strangerKey = parseSecretKey(Buffer.alloc(32, 9).toString('base64'), 'stranger');
    const oldBox = createSecretBox({ key: oldKey });
    const strangerBox = createSecretBox({ key: strangerKey });
    await deps.db.run(sql`update system_settings set slack_token = ${'legacy-plain-token'}, smtp_password = ${oldBox.seal('old-key-password')},
      msteams_url = ${strangerBox.seal('https://example.invalid/?sig=x')} where id = 1`);
    await deps.db.run(sql`insert into webhooks (name, url, header_name, header_value, signing_secret, created_at)
      values ('Legacy', 'https://hooks.example.com/x', 'X-Key', 'legacy-header', ${deps.secretBox.seal('already-current')}, 0)`);

    // The next start, with the old key listed in SECRET_KEY_PREVIOUS.
    const rotated = {
      ...deps,
      secretBox: createSecretBox({ key: parseSecretKey(TEST_SECRET_KEY, 'SECRET_KEY'), previousKeys: [oldKey] }),
    };
    const report = await resealStoredSecrets(rotated);
    expect(report.resealed).toBe(3);
    expect(report.unreadable).toHaveLength(1);
    expect(report.unreadable[0]).toMatch(/^the Teams Workflows webhook URL \(system_settings 1\): .*SECRET_KEY_PREVIOUS/);

    const row = (await deps.db.get<Record<string, string>>(sql`select slack_token, smtp_password from system_settings where id = 1`))!;
    const hook = (await deps.db.get<Record<string, string>>(sql`select header_value, signing_secret from webhooks`))!;
    for (const value of [row.slack_token!, row.smtp_password!, hook.header_value!, hook.signing_secret!]) {
      expect(deps.secretBox.isCurrent(value)).toBe(true);
    }
    expect(deps.secretBox.open(row.slack_token!)).toBe('legacy-plain-token');
    expect(deps.secretBox.open(row.smtp_password!)).toBe('old-key-password');
    expect(deps.secretBox.open(hook.header_value!)).toBe('legacy-header');
    // Run again: nothing left to do.
    expect((await resealStoredSecrets(rotated)).resealed).toBe(0);
  });

  it('needs SECRET_KEY on PostgreSQL, and makes a private key file beside a SQLite database', () => {
    expect(() => loadInstallationSecretBox(testEnv({ SECRET_KEY: undefined }), 'postgres')).toThrow(
      /DATABASE_URL points at PostgreSQL, so SECRET_KEY must be set.*openssl rand -base64 32/,
    );
    expect(loadInstallationSecretBox(testEnv(), 'postgres').keyId).toBe(
      createSecretBox({ key: parseSecretKey(TEST_SECRET_KEY, 'k') }).keyId,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-key-'));
    try {
      const env = testEnv({ SECRET_KEY: undefined, DATABASE_PATH: path.join(dir, 'tocsin.db') });
      const box = loadInstallationSecretBox(env, 'sqlite');
      const file = path.join(dir, 'secret.key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      // The same key at the next start.
      expect(loadInstallationSecretBox(env, 'sqlite').open(box.seal('x'))).toBe('x');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a GET never returns a stored secret', () => {
  it('in any field, for any role: flags only', async () => {
    const { admin, alice, aliceUser } = await setup();
    const teamsUrl = `https://127.0.0.1:9/workflows/w1?sig=${TEAMS_SIG}`;
    expect(
      (await admin.put('/api/system-settings', { slack_token: SLACK_TOKEN, smtp_password: SMTP_PASSWORD, msteams_url: teamsUrl })).status,
    ).toBe(200);
    const r = await receiver();
    const created = await admin.post('/api/webhooks', {
      name: 'Alice SIEM',
      url: r.url,
      owner_id: aliceUser.id,
      header_name: 'X-Api-Key',
      header_value: HEADER_VALUE,
      signing_secret: SIGNING_SECRET,
    });
    const hook = (await created.json()) as TSavedWebhook;
    expect(hook.new_signing_secret).toBeNull();

    const settings = (await (await admin.get('/api/system-settings')).json()) as TSystemSettings;
    expect(settings).toMatchObject({ slack_token_set: true, smtp_password_set: true, msteams_url_set: true });
    expect(settings).not.toHaveProperty('msteams_url');
    const answers = [
      JSON.stringify(settings),
      await (await admin.get('/api/webhooks')).text(),
      await (await admin.get(`/api/webhooks/${hook.id}`)).text(),
      await (await alice.get('/api/webhooks')).text(),
      await (await alice.get(`/api/webhooks/${hook.id}`)).text(),
      await (await alice.get('/api/system-settings')).text(),
    ];
    for (const text of answers) {
      for (const secret of [SLACK_TOKEN, SMTP_PASSWORD, TEAMS_SIG, HEADER_VALUE, SIGNING_SECRET]) expect(text).not.toContain(secret);
    }
  });
});

describe('a new destination drops the secrets set for the old one', () => {
  it('the owner moving an admin-set webhook to a new URL does not take its header value or signing secret along', async () => {
    const { deps, admin, alice, aliceUser } = await setup();
    const first = await receiver();
    const hook = (await (
      await admin.post('/api/webhooks', {
        name: 'Alice SIEM',
        url: first.url,
        owner_id: aliceUser.id,
        header_name: 'X-Api-Key',
        header_value: HEADER_VALUE,
        signing_secret: SIGNING_SECRET,
      })
    ).json()) as TSavedWebhook;

    const elsewhere = await receiver();
    // Naming the header again without its value: asked for, nothing saved, nothing sent.
    const asked = await alice.patch(`/api/webhooks/${hook.id}`, { url: `${elsewhere.url}/mine`, header_name: 'X-Api-Key' });
    expect(asked.status).toBe(400);
    expect(((await asked.json()) as { error: { message: string } }).error.message).toBe(
      'header_value: Enter the header value again: a new URL does not take the stored one (or leave the header name empty)',
    );
    expect(elsewhere.requests).toHaveLength(0);

    const moved = await alice.patch(`/api/webhooks/${hook.id}`, { url: `${elsewhere.url}/mine` });
    expect(moved.status).toBe(200);
    const body = (await moved.json()) as TSavedWebhook;
    expect(body).toMatchObject({ header_name: null, header_value_set: false, signing_secret_set: true });
    expect(body.new_signing_secret).toMatch(/^whsec_/);

    // The ping to the new URL carried neither the old header value nor a signature made with the old secret.
    const ping = elsewhere.requests[0]!;
    expect(JSON.stringify(ping.headers)).not.toContain(HEADER_VALUE);
    const headers = Object.fromEntries(Object.entries(ping.headers).map(([k, v]) => [k, String(v)]));
    expect(() => new Webhook(SIGNING_SECRET, { format: 'raw' }).verify(ping.body, headers)).toThrow();
    expect(new Webhook(body.new_signing_secret!).verify(ping.body, headers)).toMatchObject({ event: 'ping' });
    const row = (await deps.db.get<Record<string, string | null>>(
      sql`select header_name, header_value, signing_secret from webhooks where id = ${hook.id}`,
    ))!;
    expect(row.header_name).toBeNull();
    expect(row.header_value).toBeNull();
    expect(deps.secretBox.open(row.signing_secret!)).toBe(body.new_signing_secret);

    // Entered again in the same request, they are kept for the new URL.
    const third = await receiver();
    const again = await admin.patch(`/api/webhooks/${hook.id}`, {
      url: third.url,
      header_name: 'X-Api-Key',
      header_value: HEADER_VALUE,
      signing_secret: SIGNING_SECRET,
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as TSavedWebhook).new_signing_secret).toBeNull();
    expect(third.requests[0]?.headers['x-api-key']).toBe(HEADER_VALUE);
  });

  it('a new SMTP host drops the stored SMTP password unless it is entered again', async () => {
    const { admin } = await setup();
    const smtp = await startSmtpReceiver();
    closers.push(smtp.close);
    const put = async (body: Record<string, unknown>) => (await (await admin.put('/api/system-settings', body)).json()) as TSystemSettings;
    expect(await put({ smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_password: SMTP_PASSWORD })).toMatchObject({
      smtp_password_set: true,
    });
    // The same server, however spelt, and another port: kept.
    expect(await put({ smtp_host: '127.0.0.1', smtp_port: smtp.port + 1 })).toMatchObject({ smtp_password_set: true });
    expect(await put({ team_name: 'Blue' })).toMatchObject({ smtp_password_set: true });
    // Another server: dropped.
    expect(await put({ smtp_host: 'smtp.example.com' })).toMatchObject({ smtp_host: 'smtp.example.com', smtp_password_set: false });
    // Another server with the password in the same request: kept.
    expect(await put({ smtp_host: 'mail.example.com', smtp_password: SMTP_PASSWORD })).toMatchObject({ smtp_password_set: true });
  });
});
