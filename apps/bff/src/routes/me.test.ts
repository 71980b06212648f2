import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, createUser, loginAs, sendJson, TEST_PASSWORD } from '../test-utils';

let ctx: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await ctx?.deps.cleanup();
  ctx = undefined;
});
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('/api/me profile', () => {
  it('shows and updates the profile; a new Slack email clears the cached Slack user id', async () => {
    ctx = await createTestApp();
    const { app, deps } = ctx;
    const alice = await createUser(deps, { username: 'alice', slackEmail: 'old@example.test' });
    await deps.db.run(sql`update users set slack_user_id = 'U123', slack_user_id_email = 'old@example.test' where id = ${alice.id}`);
    const client = await loginAs(app, 'alice');

    const before = (await (await client.get('/api/me')).json()) as { slack_email: string };
    expect(before.slack_email).toBe('old@example.test');

    const res = await client.patch('/api/me', { first_name: 'Alice', last_name: 'Liddell', slack_email: 'new@example.test' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ first_name: 'Alice', last_name: 'Liddell', slack_email: 'new@example.test' });
    const row = await deps.db.get(sql`select slack_user_id, slack_user_id_email from users where id = ${alice.id}`);
    expect(row).toEqual({ slack_user_id: null, slack_user_id_email: null });
  });

  it('keeps the cached Slack id when the Slack email does not change, and clears the email with ""', async () => {
    ctx = await createTestApp();
    const { app, deps } = ctx;
    const alice = await createUser(deps, { username: 'alice', slackEmail: 'same@example.test' });
    await deps.db.run(sql`update users set slack_user_id = 'U123', slack_user_id_email = 'same@example.test' where id = ${alice.id}`);
    const client = await loginAs(app, 'alice');
    await client.patch('/api/me', { slack_email: 'same@example.test', first_name: 'A' });
    expect(await deps.db.get(sql`select slack_user_id from users where id = ${alice.id}`)).toEqual({ slack_user_id: 'U123' });
    const cleared = await client.patch('/api/me', { slack_email: '' });
    expect(((await cleared.json()) as { slack_email: string | null }).slack_email).toBeNull();
  });

  it('names invalid fields', async () => {
    ctx = await createTestApp();
    await createUser(ctx.deps, { username: 'alice' });
    const client = await loginAs(ctx.app, 'alice');
    const res = await client.patch('/api/me', { email: 'not-an-email', slack_email: 'nope' });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.message).toContain('email');
    expect(error.message).toContain('slack_email');
  });

  it('answers 401 when not logged in, before looking at the body', async () => {
    ctx = await createTestApp();
    const { app } = ctx;
    expect((await sendJson(app, 'GET', '/api/me')).status).toBe(401);
    expect((await sendJson(app, 'PATCH', '/api/me', { email: 'bad' })).status).toBe(401);
  });
});

describe('/api/me/password', () => {
  it('needs the current password, then changes it and ends other sessions', async () => {
    ctx = await createTestApp();
    const { app, deps } = ctx;
    const alice = await createUser(deps, { username: 'alice' });
    const client = await loginAs(app, 'alice');
    const other = await loginAs(app, 'alice');
    const ended = new Promise<number[]>((resolve) => deps.bus.subscribe('sessions-ended', (message) => resolve(message.userIds)));

    const wrong = await client.post('/api/me/password', { current_password: 'wrong', new_password: 'a-new-password-1' });
    expect(wrong.status).toBe(400);
    expect((await errorOf(wrong)).message).toContain('current_password');

    const short = await client.post('/api/me/password', { current_password: TEST_PASSWORD, new_password: 'short' });
    expect(short.status).toBe(400);
    expect((await errorOf(short)).message).toContain('new_password');

    const ok = await client.post('/api/me/password', { current_password: TEST_PASSWORD, new_password: 'a-new-password-1' });
    expect(ok.status).toBe(204);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect(await ended).toEqual([alice.id]);
    expect((await sendJson(app, 'POST', '/api/auth/login', { username: 'alice', password: TEST_PASSWORD })).status).toBe(401);
    await loginAs(app, 'alice', 'a-new-password-1');
  });
});

describe('/api/me/tokens', () => {
  it('creates a token shown once, lists it without the key, authenticates with it without CSRF, and revokes it', async () => {
    ctx = await createTestApp();
    const { app, deps } = ctx;
    await createUser(deps, { username: 'alice' });
    const client = await loginAs(app, 'alice');

    const created = await client.post('/api/me/tokens', { name: 'CI pipeline' });
    expect(created.status).toBe(201);
    const { token, key } = (await created.json()) as { token: { id: number; prefix: string; name: string }; key: string };
    expect(key.startsWith(token.prefix)).toBe(true);
    expect(token.name).toBe('CI pipeline');
    const stored = (await deps.db.get<{ key_hash: string }>(sql`select key_hash from api_tokens where id = ${token.id}`))!;
    expect(stored.key_hash).not.toContain(key);

    const list = (await (await client.get('/api/me/tokens')).json()) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(key);

    // A token-authenticated write needs no CSRF token.
    const viaToken = await sendJson(app, 'PATCH', '/api/me', { first_name: 'Token' }, { authorization: `Token ${key}` });
    expect(viaToken.status).toBe(200);
    expect(((await (await client.get('/api/me/tokens')).json()) as { last_used_at: string | null }[])[0]?.last_used_at).not.toBeNull();

    // A cookie-authenticated write without the CSRF token is refused.
    const noCsrf = await client.post('/api/me/tokens', { name: 'x' }, { 'x-csrf-token': '' });
    expect(noCsrf.status).toBe(403);

    expect((await client.delete(`/api/me/tokens/${token.id}`)).status).toBe(204);
    expect((await sendJson(app, 'GET', '/api/me', undefined, { authorization: `Token ${key}` })).status).toBe(401);
  });

  it("cannot revoke someone else's token (404) and requires a name", async () => {
    ctx = await createTestApp();
    const { app, deps } = ctx;
    await createUser(deps, { username: 'alice' });
    await createUser(deps, { username: 'bob' });
    const alice = await loginAs(app, 'alice');
    const bob = await loginAs(app, 'bob');
    const { token } = (await (await alice.post('/api/me/tokens', { name: 'mine' })).json()) as { token: { id: number } };
    expect((await bob.delete(`/api/me/tokens/${token.id}`)).status).toBe(404);
    expect((await bob.get('/api/me/tokens')).status).toBe(200);
    expect(await (await bob.get('/api/me/tokens')).json()).toEqual([]);
    const unnamed = await alice.post('/api/me/tokens', { name: '  ' });
    expect(unnamed.status).toBe(400);
    expect((await errorOf(unnamed)).message).toContain('name');
  });
});
