/** Digests and quiet hours with a fake clock, through the real SMTP and Slack loopback peers. */
import { channelsToMask, type TChannel } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import type { UserRow } from '../app-context';
import { findRows } from '../db/rows';
import { deliveries, digestItems } from '../db/schema';
import { updateSystemSettings } from '../delivery/test-peers/fixtures';
import { startSlackStandIn, type TSlackStandIn } from '../delivery/test-peers/slack';
import { startSmtpReceiver, type TSmtpReceiver } from '../delivery/test-peers/smtp';
import { runDueDeliveries } from '../delivery/worker';
import { dispatchEvent, type TDispatchInput } from '../notifications/dispatch';
import { createTestDeps, createUser, insertProduct, insertProductType, loginAs, type TTestDeps } from '../test-utils';
import { sendDueDigests } from './job';

let deps: TTestDeps;
let smtp: TSmtpReceiver;
let slack: TSlackStandIn;
let clock: number;
const utc = (iso: string) => Date.parse(iso);

beforeEach(async () => {
  smtp = await startSmtpReceiver();
  slack = await startSlackStandIn({ channels: ['#security'] });
  deps = await createTestDeps({ OUTBOUND_ALLOW: '127.0.0.1', PUBLIC_URL: 'https://tocsin.test', SLACK_API_URL: slack.url });
  clock = utc('2026-11-30T12:00:00Z');
  deps.now = () => clock;
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

async function setRecord(scope: 'system' | 'personal', event: string, channels: TChannel[], userId?: number) {
  await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
    values (${scope}, ${userId ?? null}, null, ${event}, ${channelsToMask(channels)})
    on conflict (scope, user_key, product_key, event) do update set channels = excluded.channels`);
}

async function createWorld() {
  const pt = await insertProductType(deps, 'Web');
  const shop = await insertProduct(deps, 'Shop', pt.id);
  const blog = await insertProduct(deps, 'Blog', pt.id);
  const members = [{ id: shop.id }, { id: blog.id }];
  const alice = await createUser(deps, { username: 'alice', products: members });
  const bob = await createUser(deps, { username: 'bob', products: members });
  for (const u of [alice, bob]) {
    await setRecord('personal', 'scan_added', ['alert', 'mail'], u.id);
    await setRecord('personal', 'sla_breach', ['alert', 'mail'], u.id);
  }
  return { shop, blog, alice, bob, app: createApp(deps) };
}

type TPrefs = {
  time_zone?: string;
  mail?: { mode: string; daily_at?: string };
  quiet_hours?: { start: string; end: string; critical_passes: boolean } | null;
};

async function putPrefs(app: ReturnType<typeof createApp>, user: UserRow, prefs: TPrefs) {
  const client = await loginAs(app, user.username);
  const immediate = { mode: 'immediate', daily_at: '08:00' };
  return client.put('/api/delivery-preferences/me', {
    time_zone: prefs.time_zone ?? 'UTC',
    channels: { mail: { ...immediate, ...prefs.mail }, slack: immediate, webhooks: immediate },
    quiet_hours: prefs.quiet_hours ?? null,
  });
}

const scan = (productId: number, title: string): TDispatchInput => ({ event: 'scan_added', title, productId });
const mailTo = (user: UserRow) => smtp.messages.filter((m) => m.envelopeTo.includes(user.email));

describe('hourly digests', () => {
  it('sends one digest per user per hour with everything, grouped with counts and links, and none when empty', async () => {
    const { shop, blog, alice, bob, app } = await createWorld();
    expect((await putPrefs(app, alice, { mail: { mode: 'hourly' } })).status).toBe(200);

    clock = utc('2026-11-30T12:05:00Z');
    await dispatchEvent(deps, scan(shop.id, 'Scan of Shop #1'));
    clock = utc('2026-11-30T12:20:00Z');
    await dispatchEvent(deps, scan(shop.id, 'Scan of Shop #2'));
    await dispatchEvent(deps, scan(blog.id, 'Scan of Blog #1'));
    await dispatchEvent(deps, { event: 'sla_breach', title: 'Finding 7 is overdue', productId: shop.id });

    // Bob is on immediate mail: four mails now. Alice's wait as digest items.
    await runDueDeliveries(deps);
    expect(mailTo(bob)).toHaveLength(4);
    expect(mailTo(alice)).toHaveLength(0);
    expect(await findRows(deps.db, digestItems, sql`user_id = ${alice.id}`)).toHaveLength(4);

    clock = utc('2026-11-30T12:59:00Z');
    expect(await sendDueDigests(deps)).toEqual({ digests: 0, items: 0 });

    clock = utc('2026-11-30T13:00:30Z');
    expect(await sendDueDigests(deps)).toEqual({ digests: 1, items: 4 });
    await runDueDeliveries(deps);
    const digests = mailTo(alice);
    expect(digests).toHaveLength(1);
    const text = digests[0]?.text ?? '';
    expect(digests[0]?.subject).toBe('Acme hourly digest: 4 notifications');
    expect(text).toContain('Shop · Scan Added: 2');
    expect(text).toContain('Blog · Scan Added: 1');
    expect(text).toContain('Shop · SLA Breach: 1');
    expect(text).toContain('Scan of Shop #1: https://tocsin.test/alerts');
    expect(text).toContain('https://tocsin.test/notifications');
    // Digests carry no one-click unsubscribe (they are about many events).
    expect(digests[0]?.headers.get('list-unsubscribe')).toBeUndefined();

    // Every item is accounted for by exactly one delivery; an empty hour sends nothing.
    const items = await findRows(deps.db, digestItems, sql`user_id = ${alice.id}`);
    expect(new Set(items.map((i) => i.deliveryId)).size).toBe(1);
    expect(items.every((i) => i.deliveryId !== null)).toBe(true);
    clock = utc('2026-11-30T14:00:30Z');
    expect(await sendDueDigests(deps)).toEqual({ digests: 0, items: 0 });
    await runDueDeliveries(deps);
    expect(mailTo(alice)).toHaveLength(1);
  });

  it('puts a system destination on a digest too (system Slack channel)', async () => {
    const { shop } = await createWorld();
    await setRecord('system', 'scan_added', ['slack']);
    await createUser(deps, { username: 'root', isSuperuser: true });
    const admin = await loginAs(createApp(deps), 'root');
    const immediate = { mode: 'immediate', daily_at: '08:00' };
    const put = await admin.put('/api/delivery-preferences/system', {
      channels: { mail: immediate, slack: { mode: 'hourly', daily_at: '08:00' }, msteams: immediate, webhooks: immediate },
    });
    expect(put.status).toBe(200);
    for (let i = 1; i <= 5; i++) await dispatchEvent(deps, scan(shop.id, `Scan ${i}`));
    await runDueDeliveries(deps);
    expect(slack.posts).toHaveLength(0);
    clock = utc('2026-11-30T13:00:00Z');
    await sendDueDigests(deps);
    await runDueDeliveries(deps);
    expect(slack.posts).toHaveLength(1);
    expect(JSON.stringify(slack.posts[0])).toContain('Shop · Scan Added: 5');
    expect(slack.posts[0]?.channel).toBe('#security');
  });
});

describe('daily digests', () => {
  it('goes out at 08:00 in the user’s time zone (Europe/Paris)', async () => {
    const { shop, alice, app } = await createWorld();
    expect((await putPrefs(app, alice, { time_zone: 'Europe/Paris', mail: { mode: 'daily', daily_at: '08:00' } })).status).toBe(200);
    clock = utc('2026-11-30T12:00:00Z');
    await dispatchEvent(deps, scan(shop.id, 'Noon scan'));
    clock = utc('2026-11-30T22:00:00Z');
    await dispatchEvent(deps, scan(shop.id, 'Late scan'));
    // 07:59 in Paris (UTC+1 in winter): not yet.
    clock = utc('2026-12-01T06:59:00Z');
    expect((await sendDueDigests(deps)).digests).toBe(0);
    clock = utc('2026-12-01T07:00:00Z');
    expect(await sendDueDigests(deps)).toEqual({ digests: 1, items: 2 });
    await runDueDeliveries(deps);
    expect(mailTo(alice).map((m) => m.subject)).toEqual(['Acme daily digest: 2 notifications']);
  });
});

describe('quiet hours', () => {
  it('holds personal deliveries until the end of quiet hours; Critical findings pass when allowed; system mail is not held', async () => {
    const { shop, alice, bob, app } = await createWorld();
    await setRecord('system', 'sla_breach', ['mail']);
    expect((await putPrefs(app, alice, { quiet_hours: { start: '22:00', end: '07:00', critical_passes: true } })).status).toBe(200);
    expect((await putPrefs(app, bob, { quiet_hours: { start: '22:00', end: '07:00', critical_passes: false } })).status).toBe(200);
    clock = utc('2026-11-30T23:00:00Z');
    const critical: TDispatchInput = {
      event: 'sla_breach',
      title: 'Critical finding overdue',
      productId: shop.id,
      payload: {
        finding: {
          id: 1,
          title: 'RCE',
          severity: 'Critical',
          url: '/findings/1',
          url_ui: '/findings/1',
          url_api: '/api/findings/1',
          status: 'active',
          date_found: '2026-11-01',
          sla_expires_on: '2026-11-08',
          test_id: 1,
        },
      },
    };
    const night = await dispatchEvent(deps, scan(shop.id, 'Night scan'));
    const crit = await dispatchEvent(deps, critical);
    const rows = await findRows(deps.db, deliveries, sql`channel = 'mail'`);
    const dueOf = (userId: number | null, which: string) =>
      rows.filter((r) => r.userId === userId && r.eventId === (which === 'Night scan' ? night.eventId : crit.eventId));
    const morning = utc('2026-12-01T07:00:00Z');
    expect(dueOf(alice.id, 'Night scan').map((r) => r.nextAttemptAt)).toEqual([morning]);
    expect(dueOf(bob.id, 'Night scan').map((r) => r.nextAttemptAt)).toEqual([morning]);
    expect(dueOf(alice.id, 'critical').map((r) => r.nextAttemptAt)).toEqual([clock]);
    expect(dueOf(bob.id, 'critical').map((r) => r.nextAttemptAt)).toEqual([morning]);
    expect(dueOf(null, 'critical').map((r) => r.nextAttemptAt)).toEqual([clock]);

    await runDueDeliveries(deps);
    expect(mailTo(alice).map((m) => m.subject)).toEqual(['Acme notification: Critical finding overdue']);
    expect(mailTo(bob)).toHaveLength(0);
    clock = morning;
    await runDueDeliveries(deps);
    expect(mailTo(bob)).toHaveLength(2);
    expect(mailTo(alice)).toHaveLength(2);
  });
});

describe('preferences API', () => {
  it('validates time zones and times with messages a person can act on, and keeps system digests for superusers', async () => {
    const { alice, app } = await createWorld();
    const badZone = await putPrefs(app, alice, { time_zone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(((await badZone.json()) as { error: { message: string } }).error.message).toMatch(/IANA time zone/);
    const badTime = await putPrefs(app, alice, { mail: { mode: 'daily', daily_at: '25:00' } });
    expect(badTime.status).toBe(400);
    expect(((await badTime.json()) as { error: { message: string } }).error.message).toMatch(/HH:MM/);
    const same = await putPrefs(app, alice, { quiet_hours: { start: '22:00', end: '22:00', critical_passes: false } });
    expect(same.status).toBe(400);

    const ok = await putPrefs(app, alice, { time_zone: 'Europe/Paris', mail: { mode: 'daily', daily_at: '07:30' } });
    expect(await ok.json()).toMatchObject({
      time_zone: 'Europe/Paris',
      channels: { mail: { mode: 'daily', daily_at: '07:30' } },
      quiet_hours: null,
    });
    const client = await loginAs(app, 'alice');
    expect((await client.get('/api/delivery-preferences/me')).status).toBe(200);
    expect((await client.get('/api/delivery-preferences/system')).status).toBe(403);
    expect((await client.put('/api/delivery-preferences/system', { channels: {} })).status).toBe(403);
  });
});
