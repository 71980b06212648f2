/** Slack channel against the Web API stand-in on loopback. */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRow, updateRows } from '../db/rows';
import { users } from '../db/schema';
import { createTestDeps, createUser, type TTestDeps } from '../test-utils';
import { sendTestNotification } from './test-notification';
import { getDelivery, insertDelivery, insertEvent, updateSystemSettings } from './test-peers/fixtures';
import { startSlackStandIn, type TSlackStandIn } from './test-peers/slack';
import { runDueDeliveries } from './worker';

let deps: TTestDeps;
let slack: TSlackStandIn;

beforeEach(async () => {
  slack = await startSlackStandIn({ users: { 'alice@slack.test': 'U0ALICE', 'alice2@slack.test': 'U0ALICE2' }, channels: ['#security'] });
  deps = await createTestDeps({
    // The Slack stand-in listens on loopback, which the outbound policy refuses unless it is listed.
    OUTBOUND_ALLOW: '127.0.0.1',
    SLACK_API_URL: slack.url,
    DELIVERY_BACKOFF_BASE_MS: 10,
    DELIVERY_BACKOFF_MAX_MS: 50,
    DELIVERY_MAX_ATTEMPTS: 4,
  });
  await updateSystemSettings(deps, {
    slackEnabled: true,
    slackToken: slack.token,
    slackChannel: '#security',
    slackUsername: 'Tocsin Bot',
    teamName: 'Acme',
  });
});
afterEach(async () => {
  await slack.close();
  await deps.cleanup();
});

const slackUser = async (id: number) => (await findRow(deps.db, users, eq(users.id, id)))!;

describe('Slack deliveries', () => {
  it('posts system notifications to the configured channel with the bot name, as Block Kit, with the bearer token', async () => {
    const event = await insertEvent(deps, { title: 'Product added', url: '/products/9' });
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect(slack.posts).toHaveLength(1);
    const post = slack.posts[0]!;
    expect(post).toMatchObject({ channel: '#security', username: 'Tocsin Bot' });
    expect(String(post.text)).toContain('Product added');
    expect(JSON.stringify(post.blocks)).toContain('/products/9');
    expect(slack.calls[0]?.auth).toBe(`Bearer ${slack.token}`);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'sent', responseCode: 200 });
  });

  it('DMs a user found by lookupByEmail, caches the id, and looks it up again after the Slack email changes', async () => {
    const alice = await createUser(deps, { username: 'alice', slackEmail: 'alice@slack.test' });
    const e1 = await insertEvent(deps);
    await insertDelivery(deps, { eventId: e1.id, channel: 'slack', targetKind: 'user', userId: alice.id });
    await runDueDeliveries(deps);
    expect(slack.lookups).toEqual(['alice@slack.test']);
    expect(slack.posts.map((p) => p.channel)).toEqual(['U0ALICE']);
    expect(slack.posts[0]).not.toHaveProperty('username');
    expect(await slackUser(alice.id)).toMatchObject({ slackUserId: 'U0ALICE', slackUserIdEmail: 'alice@slack.test' });

    // Cached: no second lookup.
    await insertDelivery(deps, { eventId: e1.id, channel: 'slack', targetKind: 'user', userId: alice.id });
    await runDueDeliveries(deps);
    expect(slack.lookups).toHaveLength(1);
    expect(slack.posts.map((p) => p.channel)).toEqual(['U0ALICE', 'U0ALICE']);

    // The Slack email changed: the cached id is stale.
    await updateRows(deps.db, users, { slackEmail: 'alice2@slack.test' }, eq(users.id, alice.id));
    await insertDelivery(deps, { eventId: e1.id, channel: 'slack', targetKind: 'user', userId: alice.id });
    await runDueDeliveries(deps);
    expect(slack.lookups).toEqual(['alice@slack.test', 'alice2@slack.test']);
    expect(slack.posts.map((p) => p.channel)).toEqual(['U0ALICE', 'U0ALICE', 'U0ALICE2']);
    expect(await slackUser(alice.id)).toMatchObject({ slackUserId: 'U0ALICE2', slackUserIdEmail: 'alice2@slack.test' });
  });

  it('fails a DM for a user without a Slack email, saying why, without calling Slack', async () => {
    const bob = await createUser(deps, { username: 'bob' });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'user', userId: bob.id });
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toBe('bob has no Slack email address (Profile → Additional Contact Information), so no Slack DM was sent.');
    expect(slack.calls).toHaveLength(0);
  });

  it('fails permanently on users_not_found and on ok:false invalid_auth', async () => {
    const carol = await createUser(deps, { username: 'carol', slackEmail: 'nobody@slack.test' });
    const event = await insertEvent(deps);
    const dm = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'user', userId: carol.id });
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, dm.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await getDelivery(deps, dm.id)).lastError).toMatch(/No Slack user has the email address nobody@slack.test/);

    await updateSystemSettings(deps, { slackToken: 'xoxb-wrong' });
    const sys = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'system' });
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, sys.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toMatch(/ok:false, error "invalid_auth": the Slack token is not valid/);
  });

  it('fails permanently on channel_not_found', async () => {
    await updateSystemSettings(deps, { slackChannel: '#nope' });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await getDelivery(deps, d.id)).lastError).toMatch(/channel_not_found/);
  });

  it('honours Retry-After on HTTP 429, then sends', async () => {
    slack.failNext('chat.postMessage', { kind: 'http429', retryAfterSeconds: 1 });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'system' });
    const before = Date.now();
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'retrying', attempts: 1, responseCode: 429 });
    // Backoff alone would be ≤ 10 ms; Retry-After asked for a second.
    expect(row.nextAttemptAt - before).toBeGreaterThanOrEqual(1000);
    await runDueDeliveries(deps);
    expect((await getDelivery(deps, d.id)).status).toBe('retrying');
    await new Promise((r) => setTimeout(r, Math.max(0, row.nextAttemptAt - Date.now()) + 20));
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'sent', attempts: 2 });
    const postTimes = slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.at);
    expect(postTimes[1]! - postTimes[0]!).toBeGreaterThanOrEqual(990);
  });

  it('retries ok:false ratelimited and a Slack 5xx as transient', async () => {
    // A stopped clock, moved by hand: one attempt per run, however long its statements take.
    let clock = Date.now();
    deps.now = () => clock;
    slack.failNext('chat.postMessage', { kind: 'error', error: 'ratelimited' });
    slack.failNext('chat.postMessage', { kind: 'http', status: 503 });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'slack', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'retrying', attempts: 1 });
    expect((await getDelivery(deps, d.id)).lastError).toMatch(/ratelimited/);
    for (let i = 0; i < 20 && (await getDelivery(deps, d.id)).status !== 'sent'; i++) {
      clock += 30;
      await runDueDeliveries(deps);
    }
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('sendTestNotification posts to the system channel and reports Slack errors', async () => {
    expect(await sendTestNotification(deps, 'slack')).toMatchObject({ ok: true });
    expect(slack.posts[0]).toMatchObject({ channel: '#security', username: 'Tocsin Bot' });
    slack.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    const bad = await sendTestNotification(deps, 'slack');
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/not_in_channel/);
  });
});
