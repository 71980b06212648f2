import type { TAlertPage, TAlertStreamMessage, TAlertSummary, TClearedAlerts, TRemovedAlerts } from '@tocsin/contract/alerts';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { dispatchEvent } from '../notifications/dispatch';
import { getLiveStreamHub } from '../notifications/live-streams';
import { readSse } from '../test-setup/sse';
import { createTestApp, createUser, loginAs, sendJson, type TTestClient } from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let alice: UserRow;
let bob: UserRow;
let asAlice: TTestClient;
let asBob: TTestClient;

beforeEach(async () => {
  t = await createTestApp();
  alice = await createUser(t.deps, { username: 'alice' });
  bob = await createUser(t.deps, { username: 'bob' });
  asAlice = await loginAs(t.app, 'alice');
  asBob = await loginAs(t.app, 'bob');
});
afterEach(() => t.deps.cleanup());

/** Alerts for one user through the real dispatcher (a recipients list with personal alert settings). */
async function giveAlerts(user: UserRow, n: number, prefix = 'Alert'): Promise<number[]> {
  await t.deps.db.run(sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${user.id}, 'other', 1)
    on conflict do nothing`);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const { eventId } = await dispatchEvent(t.deps, { event: 'other', title: `${prefix} ${i}`, recipients: [user.id] });
    const row = await t.deps.db.get<{ id: number }>(sql`select id from alerts where event_id = ${eventId}`);
    if (!row) throw new Error('no alert created');
    ids.push(row.id);
  }
  return ids;
}

describe('GET /api/alerts', () => {
  it('lists only my alerts, newest first, in pages', async () => {
    await giveAlerts(alice, 30);
    await giveAlerts(bob, 2, 'Bob');
    const first = (await (await asAlice.get('/api/alerts')).json()) as TAlertPage;
    expect(first.total).toBe(30);
    expect(first.page_size).toBe(25);
    expect(first.items).toHaveLength(25);
    expect(first.items[0]?.title).toBe('Alert 29');
    expect(first.items[0]).toMatchObject({ url: '/alerts', source: 'Other', icon: 'bell', description: '' });
    expect(new Date(first.items[0]?.created ?? '').toISOString()).toBe(first.items[0]?.created);
    const second = (await (await asAlice.get('/api/alerts?page=2&page_size=25')).json()) as TAlertPage;
    expect(second.items.map((a) => a.title)).toEqual(['Alert 4', 'Alert 3', 'Alert 2', 'Alert 1', 'Alert 0']);
    const bobs = (await (await asBob.get('/api/alerts')).json()) as TAlertPage;
    expect(bobs.items.map((a) => a.title)).toEqual(['Bob 1', 'Bob 0']);
  });

  it('rejects a bad page size and asks anonymous callers to log in', async () => {
    const bad = await asAlice.get('/api/alerts?page_size=1000');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('page_size');
    expect((await sendJson(t.app, 'GET', '/api/alerts')).status).toBe(401);
    expect((await sendJson(t.app, 'GET', '/api/alerts/stream')).status).toBe(401);
  });
});

describe('GET /api/alerts/summary', () => {
  it('gives the count and the newest items; reading does not lower the count', async () => {
    await giveAlerts(alice, 15);
    const summary = (await (await asAlice.get('/api/alerts/summary')).json()) as TAlertSummary;
    expect(summary.count).toBe(15);
    expect(summary.items).toHaveLength(12);
    expect(summary.items[0]?.title).toBe('Alert 14');
    await asAlice.get('/api/alerts');
    const again = (await (await asAlice.get('/api/alerts/summary?limit=3')).json()) as TAlertSummary;
    expect(again.count).toBe(15);
    expect(again.items.map((a) => a.title)).toEqual(['Alert 14', 'Alert 13', 'Alert 12']);
    expect(again.new_count).toBe(15);
    expect(again.seen_through_id).toBe(0);
  });

  it('answers an empty list with a zero count and no items', async () => {
    expect(await (await asAlice.get('/api/alerts/summary')).json()).toEqual({ count: 0, items: [], new_count: 0, seen_through_id: 0 });
  });
});

describe('removing alerts', () => {
  it('removes only my own alerts and ignores ids of other users', async () => {
    const mine = await giveAlerts(alice, 3);
    const bobs = await giveAlerts(bob, 2);
    const changed: number[][] = [];
    t.deps.bus.subscribe('alerts-changed', (m) => changed.push(m.userIds));
    const res = await asAlice.post('/api/alerts/remove', { ids: [mine[0], ...bobs] });
    expect(res.status).toBe(200);
    expect((await res.json()) as TRemovedAlerts).toEqual({ removed: 1, count: 2 });
    // On PostgreSQL the bus is LISTEN/NOTIFY: the announcements of the set-up's own inserts may still arrive now.
    await expect.poll(() => changed).toContainEqual([alice.id]);
    const bobSummary = (await (await asBob.get('/api/alerts/summary')).json()) as TAlertSummary;
    expect(bobSummary.count).toBe(2);
  });

  it('validates the body', async () => {
    const empty = await asAlice.post('/api/alerts/remove', { ids: [] });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toContain('Select at least one alert');
    expect((await asAlice.post('/api/alerts/remove', { ids: ['x'] })).status).toBe(400);
  });

  it('clears all of my alerts and none of anybody else’s', async () => {
    const mine = await giveAlerts(alice, 4);
    await giveAlerts(bob, 2);
    const res = await asAlice.delete('/api/alerts');
    // The answer names what Undo can restore, newest first.
    expect((await res.json()) as TClearedAlerts).toEqual({ removed: 4, count: 0, ids: [...mine].reverse() });
    expect(((await (await asAlice.get('/api/alerts/summary')).json()) as TAlertSummary).count).toBe(0);
    expect(((await (await asBob.get('/api/alerts/summary')).json()) as TAlertSummary).count).toBe(2);
  });
});

describe('GET /api/alerts/stream', () => {
  it('sends the count on connect and again when an event reaches me, not for other users', async () => {
    await giveAlerts(alice, 2);
    const res = await asAlice.get('/api/alerts/stream');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const stream = readSse(res);
    const hub = getLiveStreamHub(t.deps);
    expect(hub.size).toBe(1);

    const first = await stream.next();
    expect(first.event).toBe('alerts');
    const firstMessage = JSON.parse(first.data) as TAlertStreamMessage;
    expect(firstMessage.count).toBe(2);

    // On PostgreSQL the set-up's own announcement can arrive after the stream opened: it repeats the state the
    // stream already sent. Skip repeats; every message that changes something must be the expected one.
    const nextChange = async (previous: TAlertStreamMessage): Promise<TAlertStreamMessage> => {
      for (;;) {
        const message = JSON.parse((await stream.next()).data) as TAlertStreamMessage;
        if (JSON.stringify(message) !== JSON.stringify(previous)) return message;
      }
    };
    await giveAlerts(bob, 1);
    const [newId] = await giveAlerts(alice, 1);
    const second = await nextChange(firstMessage);
    // Alice never opened her list: all three are new.
    expect(second).toEqual({ count: 3, latest_id: newId, new_count: 3 });

    await asAlice.delete('/api/alerts');
    const third = await nextChange(second);
    expect(third).toEqual({ count: 0, latest_id: null, new_count: 0 });

    await stream.cancel();
    await expect.poll(() => hub.size).toBe(0);
    await expect.poll(async () => (await t.deps.db.get<{ n: number }>(sql`select count(*) as n from live_streams`))?.n).toBe(0);
  });

  it('refuses more than STREAM_LIMIT_PER_USER streams for one user, counting every replica', async () => {
    const limited = await createTestApp({ STREAM_LIMIT_PER_USER: 2 });
    try {
      await createUser(limited.deps, { username: 'carol' });
      // A stream held by another replica (a row that replica keeps fresh).
      await limited.deps.db.run(sql`insert into live_streams (id, user_id, instance, opened_at, expires_at)
        select 'elsewhere', id, 'replica-2', ${Date.now()}, ${Date.now() + 60_000} from users where username = 'carol'`);
      const asCarol = await loginAs(limited.app, 'carol');
      const first = await asCarol.get('/api/alerts/stream');
      expect(first.status).toBe(200);
      const refused = await asCarol.get('/api/alerts/stream');
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'too_many_streams',
        message: expect.stringContaining('limit is 2'),
      });
      await first.body?.cancel();
    } finally {
      await limited.deps.cleanup();
    }
  });

  it('ends the stream when its session ends (logout)', async () => {
    const res = await asAlice.get('/api/alerts/stream');
    const stream = readSse(res);
    await stream.next();
    expect((await asAlice.post('/api/auth/logout')).status).toBeLessThan(300);
    await expect(stream.next()).rejects.toThrow('stream ended');
  });
});
