/**
 * The text search's two plans (alert-filter.ts) must give the same alerts: looking the text up in the events'
 * trigram index and reading the user's alerts of those events, or checking every alert of the user newest first.
 * Alerts here come from real dispatches (with events), from a "delivery failed" notice (no event) and from a
 * coalesced burst (one alert for several events with one dedupe key).
 */
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, createUser } from '../test-utils';
import { findEventsWithText, findMatchingAlertIds, ftsPhrase, toAlertFilter } from './alert-filter';
import { dispatchEvent } from './dispatch';
import { writeAlerts } from './write-alerts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let aliceId: number;
let bobId: number;
let now: number;

const TITLES = [
  'SQL injection in /login (CWE-89)',
  'Stored XSS in comments',
  'Scan added: 3 new findings in ZAP Scan',
  'Ünïcode Straße finding',
  'Say "hello" to the 100% done_now task',
  'SLA breached for finding #500010',
  'SLA breached for finding #50001',
];

beforeEach(async () => {
  now = Date.UTC(2026, 10, 30, 9);
  t = await createTestApp();
  t.deps.now = () => now;
  aliceId = (await createUser(t.deps, { username: 'alice' })).id;
  bobId = (await createUser(t.deps, { username: 'bob' })).id;
  for (const u of [aliceId, bobId]) {
    await t.deps.db.run(sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${u}, 'other', 1)`);
  }
  for (const [i, title] of TITLES.entries()) {
    now += 1000;
    await dispatchEvent(t.deps, {
      event: 'other',
      title,
      description: i % 2 === 0 ? `Details of item ${i}: see the *product* page` : '',
      recipients: i === 1 ? [bobId] : [aliceId, bobId],
    });
  }
  // A coalesced burst: one alert (the first event's text) for three events, the later ones with other titles.
  for (const title of ['Jira issue SEC-1 updated', 'Jira issue SEC-1 commented', 'Jira issue SEC-1 closed']) {
    now += 1000;
    await dispatchEvent(t.deps, { event: 'other', title, recipients: [aliceId], dedupeKey: 'jira:SEC-1' });
  }
  // A notice without an event.
  now += 1000;
  await t.deps.db.transaction((db) =>
    writeAlerts(
      { db, bus: t.deps.bus },
      {
        eventId: null,
        event: null,
        productId: null,
        title: 'Delivery failed: webhook "SIEM" answered 500',
        description: 'The SQL injection notice could not be sent.',
        url: '/deliveries',
        source: 'Tocsin',
        icon: 'alert-triangle',
        createdAt: now,
      },
      [aliceId],
    ),
  );
});

const search = (q: string, textEventsMax?: number) =>
  findMatchingAlertIds(t.deps.db, aliceId, toAlertFilter({ q }), { withKeyset: false, limit: 1001, textEventsMax });

const titlesOf = async (ids: number[]) =>
  (
    await t.deps.db.all<{ title: string }>(sql`select title from alerts where ${t.deps.db.fragments.inIds(sql`id`, ids)} order by id desc`)
  ).map((r) => r.title);

describe('text search plans', () => {
  it.each([
    'sql injection',
    'SQL',
    'xss',
    'zap scan',
    'STRASSE',
    'Straße',
    '"hello"',
    '100% done',
    'done_now',
    '#500010',
    '#50001',
    'sec-1',
    'commented',
    'delivery failed',
    'product page',
    'q',
    'in',
    'nothing like this at all',
  ])('finds the same alerts both ways for %j', async (q) => {
    const viaEvents = await search(q);
    const viaWalk = await search(q, 0);
    expect(viaEvents).toEqual(viaWalk);
  });

  it('finds what a person would expect', async () => {
    expect(await titlesOf(await search('sql injection'))).toEqual([
      'Delivery failed: webhook "SIEM" answered 500',
      'SQL injection in /login (CWE-89)',
    ]);
    expect(await titlesOf(await search('#50001'))).toEqual(['SLA breached for finding #50001', 'SLA breached for finding #500010']);
    // Bob's alert is not Alice's; a folded event's own title does not make the alert match.
    expect(await search('stored xss')).toEqual([]);
    expect(await search('commented')).toEqual([]);
    expect(await titlesOf(await search('SEC-1'))).toEqual(['Jira issue SEC-1 updated']);
  });

  it('asks the events index only for text of three characters or more, and gives up past the maximum', async () => {
    expect(await findEventsWithText(t.deps.db, 'in')).toBeNull();
    expect((await findEventsWithText(t.deps.db, 'SLA breached'))?.length).toBe(2);
    expect(await findEventsWithText(t.deps.db, 'SLA breached', 1)).toBeNull();
    expect(await findEventsWithText(t.deps.db, 'no such text')).toEqual([]);
  });

  it('quotes the text so that no character of it is FTS5 query syntax', () => {
    expect(ftsPhrase('a "b" OR c*')).toBe('"a ""b"" OR c*"');
  });

  it('keeps the events index in step when an event goes', async () => {
    const before = await findEventsWithText(t.deps.db, 'Stored XSS');
    expect(before).toHaveLength(1);
    await t.deps.db.run(sql`delete from deliveries where event_id = ${before![0]}`);
    await t.deps.db.run(sql`delete from event_facts where event_id = ${before![0]}`);
    await t.deps.db.run(sql`delete from events where id = ${before![0]}`);
    expect(await findEventsWithText(t.deps.db, 'Stored XSS')).toEqual([]);
  });
});
