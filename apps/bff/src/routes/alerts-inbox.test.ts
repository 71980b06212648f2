/**
 * The inbox (inbox issue §1): Undo by restore, filters and search on the server, "new since you last looked",
 * one alert with who raised it, and the live stream's keep-alive and ending.
 */
import {
  ALERT_FILTERED_TOTAL_CAP,
  CLEARED_IDS_MAX,
  NEW_ALERTS_CAP,
  RESTORE_ALERTS_MAX_IDS,
  type TAlert,
  type TAlertPage,
  type TAlertStreamMessage,
  type TAlertSummary,
  type TAlertsSeen,
  type TClearedAlerts,
  type TRestoredAlerts,
} from '@tocsin/contract/alerts';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { EVENT_CODES } from '../db/event-codes';
import { insertRows } from '../db/rows';
import { alerts } from '../db/schema';
import { purgeRemovedAlerts } from '../notifications/alerts';
import { dispatchEvent, type TDispatchInput } from '../notifications/dispatch';
import { getLiveStreamHub } from '../notifications/live-streams';
import {
  addProductTypeMember,
  createTestApp,
  createTokenClient,
  createUser,
  insertProduct,
  insertProductType,
  loginAs,
  type TTestClient,
} from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let now: number;
let alice: UserRow;
let bob: UserRow;
let asAlice: TTestClient;
let asBob: TTestClient;

beforeEach(async () => {
  now = Date.UTC(2026, 2, 10, 12);
  t = await createTestApp({ ALERT_UNDO_SECONDS: 60 });
  t.deps.now = () => now;
  alice = await createUser(t.deps, { username: 'alice' });
  bob = await createUser(t.deps, { username: 'bob' });
  asAlice = await loginAs(t.app, 'alice');
  asBob = await loginAs(t.app, 'bob');
  for (const u of [alice, bob]) {
    for (const event of ['other', 'scan_added', 'user_mentioned']) {
      await t.deps.db.run(
        sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${u.id}, ${event}, 1)`,
      );
    }
  }
});
afterEach(() => t.deps.cleanup());

type TError = { error: { code: string; message: string } };
const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;

/** One alert for `user` through the real dispatcher; returns its id. */
async function give(user: UserRow, input: Partial<TDispatchInput> & { title: string }): Promise<number> {
  const { eventId } = await dispatchEvent(t.deps, { event: 'other', recipients: [user.id], ...input });
  const row = await t.deps.db.get<{ id: number }>(sql`select id from alerts where event_id = ${eventId} and user_id = ${user.id}`);
  if (!row) throw new Error('no alert created');
  return row.id;
}

describe('Undo: restore removed alerts', () => {
  it('puts removed alerts back with their ids and created times, in their place in the list', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await give(alice, { title: `Alert ${i}` }));
      now += 1000;
    }
    const before = await json<TAlertPage>(asAlice.get('/api/alerts'));
    const changed: number[][] = [];
    t.deps.bus.subscribe('alerts-changed', (m) => changed.push(m.userIds));

    const removed = await asAlice.post('/api/alerts/remove', { ids: [ids[1], ids[3]] });
    expect(await removed.json()).toEqual({ removed: 2, count: 3 });
    expect((await json<TAlertPage>(asAlice.get('/api/alerts'))).items.map((a) => a.id)).toEqual([ids[4], ids[2], ids[0]]);

    now += 30_000;
    const restored = await asAlice.post('/api/alerts/restore', { ids: [ids[1], ids[3]] });
    expect(restored.status).toBe(200);
    expect(await restored.json()).toEqual({ restored: 2, count: 5 });
    const after = await json<TAlertPage>(asAlice.get('/api/alerts'));
    expect(after.items).toEqual(before.items);
    await expect.poll(() => changed).toEqual([[alice.id], [alice.id]]);

    // Restoring twice does nothing more.
    expect(await json(asAlice.post('/api/alerts/restore', { ids: [ids[1]] }))).toEqual({ restored: 0, count: 5 });
  });

  it('restores only my own alerts, and only within ALERT_UNDO_SECONDS; the retention job purges the rest', async () => {
    const mine = await give(alice, { title: 'Mine' });
    const late = await give(alice, { title: 'Late' });
    const bobs = await give(bob, { title: 'Bob’s' });
    await asAlice.post('/api/alerts/remove', { ids: [mine, late] });
    await asBob.post('/api/alerts/remove', { ids: [bobs] });
    expect(await json(asAlice.post('/api/alerts/restore', { ids: [bobs] }))).toEqual({ restored: 0, count: 0 });
    expect(await json(asAlice.post('/api/alerts/restore', { ids: [mine] }))).toEqual({ restored: 1, count: 1 });

    now += 60_001;
    expect(await json(asAlice.post('/api/alerts/restore', { ids: [late] }))).toEqual({ restored: 0, count: 1 });
    expect(await json(asBob.post('/api/alerts/restore', { ids: [bobs] }))).toEqual({ restored: 0, count: 0 });
    expect(await purgeRemovedAlerts(t.deps)).toBe(2);
    expect((await t.deps.db.get<{ n: number }>(sql`select count(*) as n from removed_alerts`))?.n).toBe(0);
  });

  it('validates the body', async () => {
    const empty = await asAlice.post('/api/alerts/restore', { ids: [] });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as TError).error.message).toContain('Name at least one alert');
    const tooMany = await asAlice.post('/api/alerts/restore', { ids: Array.from({ length: RESTORE_ALERTS_MAX_IDS + 1 }, (_, i) => i + 1) });
    expect(tooMany.status).toBe(400);
  });

  it('Clear all names what it removed, newest first, and Undo brings all of it back', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await give(alice, { title: `Alert ${i}` }));
    const cleared = await json<TClearedAlerts>(asAlice.delete('/api/alerts'));
    expect(cleared).toEqual({ removed: 3, count: 0, ids: [...ids].reverse() });
    expect(await json<TRestoredAlerts>(asAlice.post('/api/alerts/restore', { ids: cleared.ids }))).toEqual({ restored: 3, count: 3 });
    expect((await json<TAlertSummary>(asAlice.get('/api/alerts/summary'))).items.map((a) => a.id)).toEqual([...ids].reverse());
  });

  it(`Clear all of a long list keeps the newest ${CLEARED_IDS_MAX} restorable and deletes the rest for good`, async () => {
    const total = CLEARED_IDS_MAX + 50;
    const rows = Array.from({ length: total }, (_, i) => ({
      userId: alice.id,
      title: `Bulk ${i}`,
      url: '/alerts',
      source: 'Other',
      icon: 'bell',
      event: 'other',
      eventCode: EVENT_CODES.other,
      createdAt: now + i,
    }));
    for (let i = 0; i < rows.length; i += 500) await insertRows(t.deps.db, alerts, rows.slice(i, i + 500));
    const newestIds = (
      await t.deps.db.all<{ id: number }>(sql`select id from alerts where user_id = ${alice.id} order by id desc limit ${CLEARED_IDS_MAX}`)
    ).map((r) => r.id);

    const cleared = await json<TClearedAlerts>(asAlice.delete('/api/alerts'));
    expect(cleared.removed).toBe(total);
    expect(cleared.count).toBe(0);
    expect(cleared.ids).toEqual(newestIds);
    expect((await t.deps.db.get<{ n: number }>(sql`select count(*) as n from removed_alerts`))?.n).toBe(CLEARED_IDS_MAX);

    let restored = 0;
    for (let i = 0; i < cleared.ids.length; i += RESTORE_ALERTS_MAX_IDS) {
      restored += (
        await json<TRestoredAlerts>(asAlice.post('/api/alerts/restore', { ids: cleared.ids.slice(i, i + RESTORE_ALERTS_MAX_IDS) }))
      ).restored;
    }
    expect(restored).toBe(CLEARED_IDS_MAX);
    expect((await json<TAlertSummary>(asAlice.get('/api/alerts/summary'))).count).toBe(CLEARED_IDS_MAX);
  });
});

describe('GET /api/alerts/:id', () => {
  it('answers my alert with who raised it, and 404 for anybody else’s or a removed one', async () => {
    const id = await give(alice, { title: 'Mine', raisedBy: { userId: bob.id, tokenId: 3, label: "bob via token 'GitLab CI'" } });
    const own = await asAlice.get(`/api/alerts/${id}`);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id, title: 'Mine', raised_by: "bob via token 'GitLab CI'", is_new: true, event: 'other' });
    const bobs = await asBob.get(`/api/alerts/${id}`);
    expect(bobs.status).toBe(404);
    expect(((await bobs.json()) as TError).error.message).toBe(`Alert ${id} was not found.`);
    expect((await asAlice.get('/api/alerts/999999')).status).toBe(404);
    expect((await asAlice.get('/api/alerts/abc')).status).toBe(400);
    await asAlice.post('/api/alerts/remove', { ids: [id] });
    expect((await asAlice.get(`/api/alerts/${id}`)).status).toBe(404);
  });

  it('says "Tocsin" for alerts Tocsin raised itself, in the list too', async () => {
    await give(alice, { title: 'Job' });
    const page = await json<TAlertPage>(asAlice.get('/api/alerts'));
    expect(page.items[0]?.raised_by).toBe('Tocsin');
  });

  it('shows who raised an event sent through the API, in the list and the summary', async () => {
    const admin = await createUser(t.deps, { username: 'admin', isSuperuser: true });
    const asToken = await createTokenClient(t.app, t.deps, admin, 'GitLab CI');
    const res = await asToken.post('/api/events', { event: 'user_mentioned', title: 'Review this', recipients: ['alice'] });
    expect(res.status).toBe(202);
    const summary = await json<TAlertSummary>(asAlice.get('/api/alerts/summary'));
    expect(summary.items[0]).toMatchObject({ title: 'Review this', raised_by: "admin via token 'GitLab CI'" });
  });
});

describe('filters and search', () => {
  let web: number;
  let mobile: number;
  const ids: Record<string, number> = {};
  beforeEach(async () => {
    const pt = await insertProductType(t.deps, 'Apps');
    web = (await insertProduct(t.deps, 'Web', pt.id)).id;
    mobile = (await insertProduct(t.deps, 'Mobile', pt.id)).id;
    for (const u of [alice, bob]) await addProductTypeMember(t.deps, u.id, pt.id);
    const add = async (key: string, input: Partial<TDispatchInput> & { title: string }) => {
      ids[key] = await give(alice, input);
      now += 3600_000;
    };
    await add('webScan', {
      event: 'scan_added',
      productId: web,
      title: 'ZAP scan imported',
      description: 'Found **SQL Injection** in /login',
    });
    await add('mobileScan', { event: 'scan_added', productId: mobile, title: 'MobSF scan imported', description: '3 findings' });
    await add('mention', {
      event: 'user_mentioned',
      productId: web,
      title: 'You were mentioned',
      description: 'see the sql injection note',
    });
    await add('other', { title: '100% done_now', description: 'Nightly job' });
    // Bob's alerts never show up in Alice's results.
    await give(bob, { event: 'scan_added', productId: web, title: 'ZAP scan imported for Bob' });
  });

  const list = (query: string) => json<TAlertPage>(asAlice.get(`/api/alerts?${query}`));
  const titlesOf = (page: TAlertPage) => page.items.map((a) => a.title);

  it('by event type, by product, by both', async () => {
    expect(titlesOf(await list('event=scan_added'))).toEqual(['MobSF scan imported', 'ZAP scan imported']);
    const byProduct = await list(`product_id=${web}`);
    expect(titlesOf(byProduct)).toEqual(['You were mentioned', 'ZAP scan imported']);
    expect(byProduct).toMatchObject({ total: 2, total_is_exact: true });
    expect(titlesOf(await list(`product_id=${web}&event=scan_added`))).toEqual(['ZAP scan imported']);
    expect(await list(`product_id=${mobile}&event=user_mentioned`)).toMatchObject({ items: [], total: 0 });
  });

  it('by time range: since inclusive, until exclusive', async () => {
    const start = new Date(Date.UTC(2026, 2, 10, 13)).toISOString();
    const end = new Date(Date.UTC(2026, 2, 10, 15)).toISOString();
    expect(titlesOf(await list(`since=${start}&until=${end}`))).toEqual(['You were mentioned', 'MobSF scan imported']);
    expect(titlesOf(await list(`until=${start}`))).toEqual(['ZAP scan imported']);
  });

  it('by text in title or description, ignoring case, with wildcards taken literally', async () => {
    expect(titlesOf(await list('q=SQL%20injection'))).toEqual(['You were mentioned', 'ZAP scan imported']);
    expect(titlesOf(await list('q=scan%20IMPORTED'))).toEqual(['MobSF scan imported', 'ZAP scan imported']);
    expect(titlesOf(await list('q=100%25'))).toEqual(['100% done_now']);
    expect(titlesOf(await list('q=_'))).toEqual(['100% done_now']);
    expect(titlesOf(await list('q=%25'))).toEqual(['100% done_now']);
    expect((await list('q=nothing%20like%20this')).total).toBe(0);
  });

  it('pages by keyset with before_id, and counts without filters from the bell count', async () => {
    const first = await list('page_size=2');
    expect(first).toMatchObject({ total: 4, total_is_exact: true, page: 1, next_before_id: ids.mention });
    expect(titlesOf(first)).toEqual(['100% done_now', 'You were mentioned']);
    const second = await list(`page_size=2&before_id=${first.next_before_id}`);
    expect(titlesOf(second)).toEqual(['MobSF scan imported', 'ZAP scan imported']);
    expect(second.next_before_id).toBeNull();
    const filtered = await list(`event=scan_added&page_size=1&before_id=${ids.mobileScan}`);
    expect(titlesOf(filtered)).toEqual(['ZAP scan imported']);
    expect(filtered.total).toBe(2);
  });

  it(`counts at most ${ALERT_FILTERED_TOTAL_CAP} matches of a filter`, async () => {
    const rows = Array.from({ length: ALERT_FILTERED_TOTAL_CAP + 5 }, (_, i) => ({
      userId: alice.id,
      title: `Bulk ${i}`,
      url: '/alerts',
      source: 'Other',
      icon: 'bell',
      event: 'other',
      eventCode: EVENT_CODES.other,
      createdAt: now + i,
    }));
    for (let i = 0; i < rows.length; i += 500) await insertRows(t.deps.db, alerts, rows.slice(i, i + 500));
    expect(await list('q=bulk')).toMatchObject({ total: ALERT_FILTERED_TOTAL_CAP, total_is_exact: false });
    expect(await list('event=other')).toMatchObject({ total: ALERT_FILTERED_TOTAL_CAP, total_is_exact: false });
    expect(await list('')).toMatchObject({ total: ALERT_FILTERED_TOTAL_CAP + 9, total_is_exact: true });
  });

  it('refuses filters it does not understand, naming them', async () => {
    const cases: [string, string][] = [
      ['event=no_such_event', 'event: must be an event of the catalogue'],
      ['product_id=web', 'product_id'],
      ['since=yesterday', 'since: must be an ISO 8601 date and time'],
      ['since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z', 'until: must be later than since'],
      ['q=a%07b', 'q:'],
      ['sort=oldest', 'sort'],
    ];
    for (const [query, message] of cases) {
      const res = await asAlice.get(`/api/alerts?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as TError).error.message, query).toContain(message);
    }
  });
});

describe('new since you last looked', () => {
  it('marks items newer than the seen mark, counts them, and moves the mark up only', async () => {
    const first = await give(alice, { title: 'First' });
    const second = await give(alice, { title: 'Second' });
    let summary = await json<TAlertSummary>(asAlice.get('/api/alerts/summary'));
    expect(summary).toMatchObject({ count: 2, new_count: 2, seen_through_id: 0 });
    expect(summary.items.map((a) => a.is_new)).toEqual([true, true]);

    const seen = await json<TAlertsSeen>(asAlice.post('/api/alerts/seen', { through_id: second }));
    expect(seen).toEqual({ seen_through_id: second, new_count: 0 });
    const third = await give(alice, { title: 'Third' });
    const page = await json<TAlertPage>(asAlice.get('/api/alerts'));
    expect(page.items.map((a: TAlert) => [a.title, a.is_new])).toEqual([
      ['Third', true],
      ['Second', false],
      ['First', false],
    ]);
    expect(page).toMatchObject({ new_count: 1, seen_through_id: second, total: 3 });

    // An older tab reporting an older mark does not move it back; a made-up id cannot pass the newest alert.
    expect(await json(asAlice.post('/api/alerts/seen', { through_id: first }))).toEqual({ seen_through_id: second, new_count: 1 });
    expect(await json(asAlice.post('/api/alerts/seen', { through_id: 999_999 }))).toEqual({ seen_through_id: third, new_count: 0 });
    const later = await give(alice, { title: 'Fourth' });
    summary = await json<TAlertSummary>(asAlice.get('/api/alerts/summary'));
    expect(summary.new_count).toBe(1);
    expect(summary.items[0]).toMatchObject({ id: later, is_new: true });
    // The bell count keeps its meaning: reading lowers nothing.
    expect(summary.count).toBe(4);
    // Bob's mark is his own.
    expect((await json<TAlertSummary>(asBob.get('/api/alerts/summary'))).new_count).toBe(0);
  });

  it(`counts new alerts up to ${NEW_ALERTS_CAP}`, async () => {
    const rows = Array.from({ length: NEW_ALERTS_CAP + 20 }, (_, i) => ({
      userId: alice.id,
      title: `Bulk ${i}`,
      url: '/alerts',
      source: 'Other',
      icon: 'bell',
      createdAt: now + i,
    }));
    await insertRows(t.deps.db, alerts, rows);
    expect((await json<TAlertSummary>(asAlice.get('/api/alerts/summary'))).new_count).toBe(NEW_ALERTS_CAP);
  });

  it('validates the body', async () => {
    for (const body of [{}, { through_id: -1 }, { through_id: 'x' }, { through_id: 1, extra: true }]) {
      expect((await asAlice.post('/api/alerts/seen', body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});

/** Reads SSE blocks (comment-only blocks included, as `comment`) from a streaming response. */
function readSse(res: Response) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<{ event: string; data: string }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          if (lines.every((l) => l.startsWith(':'))) return { event: 'comment', data: lines.join('\n') };
          const event =
            lines
              .find((l) => l.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          return { event, data };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('the live stream', () => {
  it('carries new_count, follows the seen mark, and sends a named ping with the keep-alive comment', async () => {
    const id = await give(alice, { title: 'One' });
    const stream = readSse(await asAlice.get('/api/alerts/stream'));
    expect(JSON.parse((await stream.next()).data) as TAlertStreamMessage).toEqual({ count: 1, latest_id: id, new_count: 1 });
    await asAlice.post('/api/alerts/seen', { through_id: id });
    expect(JSON.parse((await stream.next()).data) as TAlertStreamMessage).toEqual({ count: 1, latest_id: id, new_count: 0 });

    await getLiveStreamHub(t.deps).sendKeepAlive();
    expect(await stream.next()).toEqual({ event: 'comment', data: ': ping' });
    expect(await stream.next()).toEqual({ event: 'ping', data: '{}' });
    await stream.cancel();
  });

  it('ends within moments when a superuser deactivates the user', async () => {
    const admin = await createUser(t.deps, { username: 'admin', isSuperuser: true });
    const asAdmin = await loginAs(t.app, 'admin');
    const stream = readSse(await asAlice.get('/api/alerts/stream'));
    await stream.next();
    expect((await asAdmin.patch(`/api/users/${alice.id}`, { is_active: false })).status).toBe(200);
    await expect(stream.next()).rejects.toThrow('stream ended');
    expect(admin.isSuperuser).toBe(true);
  });

  it('ends when its session expires', async () => {
    const shortLived = await createTestApp({ SESSION_TTL_HOURS: 1 });
    try {
      let clock = Date.now();
      shortLived.deps.now = () => clock;
      await createUser(shortLived.deps, { username: 'carol' });
      const asCarol = await loginAs(shortLived.app, 'carol');
      // Open the stream 300 ms before the session ends.
      clock += 3600_000 - 300;
      const started = Date.now();
      const stream = readSse(await asCarol.get('/api/alerts/stream'));
      await stream.next();
      await expect(stream.next()).rejects.toThrow('stream ended');
      expect(Date.now() - started).toBeLessThan(5_000);
      clock += 300;
      expect((await asCarol.get('/api/alerts/summary')).status).toBe(401);
    } finally {
      await shortLived.deps.cleanup();
    }
  });
});
