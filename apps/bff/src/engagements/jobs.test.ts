import { channelsToMask } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Env } from '../env';
import { addDays, calendarDateIn, diffDays } from '../lib/calendar-date';
import { dispatchEvent } from '../notifications/dispatch';
import { upcomingEngagementEvent } from '../services/domain-events';
import { createTestDeps, createUser, insertEngagement, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { runEngagementJobs } from './jobs';

let deps: TTestDeps;
let cleanup: (() => Promise<void>) | null = null;

afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

const DAY = 86_400_000;
// Late in the UTC day, so a clock that used local time or rounded instants would pick the wrong date.
const NOW = Date.parse('2026-03-10T22:30:00Z');
const TODAY = '2026-03-10';
const day = (offset: number) => addDays(TODAY, offset);

/** A product the watchers may see, another one they may not, and the system record alerting on the three events. */
async function setUp(env: Partial<Env> = {}) {
  deps = await createTestDeps(env);
  cleanup = deps.cleanup;
  deps.now = () => NOW;
  for (const event of ['upcoming_engagement', 'stale_engagement', 'auto_close_engagement']) {
    await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
      values ('system', null, null, ${event}, ${channelsToMask(['alert'])})`);
  }
  const web = await insertProductType(deps, 'Web');
  const mobile = await insertProductType(deps, 'Mobile');
  const shop = await insertProduct(deps, 'Shop', web.id);
  const app = await insertProduct(deps, 'App', mobile.id);
  const admin = await createUser(deps, { username: 'admin', isSuperuser: true });
  const member = await createUser(deps, { username: 'member', products: [{ id: shop.id }] });
  const typeMember = await createUser(deps, { username: 'typemember', productTypes: [{ id: web.id }] });
  const outsider = await createUser(deps, { username: 'outsider', products: [{ id: app.id }] });
  const nobody = await createUser(deps, { username: 'nobody' });
  return { shop, app, admin, member, typeMember, outsider, nobody };
}

const eventsNamed = (name: string) =>
  deps.db.all<{
    id: number;
    title: string;
    description: string;
    url: string;
    productId: number;
    engagementId: number;
    createdBy: number | null;
  }>(
    sql`select id, title, description, url, product_id as "productId", engagement_id as "engagementId", created_by as "createdBy"
        from events where name = ${name} order by id`,
  );

const alertedUsers = async (eventId: number) =>
  (
    await deps.db.all<{ username: string }>(
      sql`select u.username from alerts a join users u on u.id = a.user_id where a.event_id = ${eventId}`,
    )
  )
    .map((r) => r.username)
    .sort();

const statusOf = async (id: number) =>
  (await deps.db.get<{ status: string }>(sql`select status from engagements where id = ${id}`))?.status;

describe('date helpers', () => {
  it('works on UTC calendar dates', () => {
    expect(calendarDateIn(NOW, 'UTC')).toBe(TODAY);
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays(TODAY, -10)).toBe('2026-02-28');
    expect(diffDays('2026-02-27', '2026-03-01')).toBe(2);
    expect(diffDays(TODAY, '2026-03-08')).toBe(-2);
  });
});

describe('upcoming_engagement', () => {
  it('fires for open engagements starting within the next 3 days, and for no others', async () => {
    const { shop } = await setUp();
    const e = async (name: string, start: number, status = 'Not Started') =>
      insertEngagement(deps, { name, productId: shop.id, targetStart: day(start), targetEnd: day(start + 14), status });
    const today = await e('Today', 0);
    const tomorrow = await e('Tomorrow', 1, 'In Progress');
    const inTwo = await e('In two', 2);
    const inThree = await e('In three', 3);
    await e('In four', 4);
    await e('Started', -1, 'In Progress');
    await e('Completed', 1, 'Completed');
    await e('Cancelled', 2, 'Cancelled');

    expect(await runEngagementJobs(deps)).toEqual({ upcoming: 4, stale: 0, autoClosed: 0 });
    const sent = await eventsNamed('upcoming_engagement');
    expect(sent.map((s) => [s.engagementId, s.title])).toEqual([
      [today.id, 'Engagement "Today" starts today'],
      [tomorrow.id, 'Engagement "Tomorrow" starts tomorrow'],
      [inTwo.id, 'Engagement "In two" starts in 2 days'],
      [inThree.id, 'Engagement "In three" starts in 3 days'],
    ]);
    expect(sent[2]).toMatchObject({ url: `/engagements/${inTwo.id}`, productId: shop.id, createdBy: null });
    expect(sent[2]?.description).toContain(`starts on ${day(2)} and runs until ${day(16)}`);
  });

  it('never fires twice for the same start date, across runs and days; a new start date arms it again', async () => {
    const { shop } = await setUp();
    const engagement = await insertEngagement(deps, { name: 'Pentest', productId: shop.id, targetStart: day(2), targetEnd: day(9) });
    expect((await runEngagementJobs(deps)).upcoming).toBe(1);
    expect((await runEngagementJobs(deps)).upcoming).toBe(0);
    deps.now = () => NOW + DAY;
    expect((await runEngagementJobs(deps)).upcoming).toBe(0);
    expect(await eventsNamed('upcoming_engagement')).toHaveLength(1);

    await deps.db.run(sql`update engagements set target_start = ${day(3)} where id = ${engagement.id}`);
    expect((await runEngagementJobs(deps)).upcoming).toBe(1);
    expect((await eventsNamed('upcoming_engagement')).map((s) => s.title)).toEqual([
      'Engagement "Pentest" starts in 2 days',
      'Engagement "Pentest" starts in 2 days',
    ]);
  });

  it("dispatch itself refuses a second event with the same key, whatever the scheduler's query does", async () => {
    const { shop } = await setUp();
    const engagement = await insertEngagement(deps, { name: 'Pentest', productId: shop.id, targetStart: day(1), targetEnd: day(9) });
    const input = upcomingEngagementEvent(
      { ...engagement, product_id: shop.id, product_name: 'Shop', lead_username: null, target_start: day(1), target_end: day(9) },
      1,
    );
    expect((await dispatchEvent(deps, input)).duplicate).toBe(false);
    expect((await dispatchEvent(deps, input)).duplicate).toBe(true);
    expect((await runEngagementJobs(deps)).upcoming).toBe(0);
    expect(await eventsNamed('upcoming_engagement')).toHaveLength(1);
  });

  it('looks ENGAGEMENT_UPCOMING_DAYS ahead', async () => {
    const { shop } = await setUp({ ENGAGEMENT_UPCOMING_DAYS: 7 });
    await insertEngagement(deps, { name: 'Week', productId: shop.id, targetStart: day(7), targetEnd: day(9) });
    await insertEngagement(deps, { name: 'Eight', productId: shop.id, targetStart: day(8), targetEnd: day(9) });
    expect((await runEngagementJobs(deps)).upcoming).toBe(1);
    expect((await eventsNamed('upcoming_engagement')).map((s) => s.title)).toEqual(['Engagement "Week" starts in 7 days']);
  });

  it('reaches only the users who may see the product', async () => {
    const { shop, app } = await setUp();
    await insertEngagement(deps, { name: 'Shop test', productId: shop.id, targetStart: day(1), targetEnd: day(9) });
    await insertEngagement(deps, { name: 'App test', productId: app.id, targetStart: day(1), targetEnd: day(9) });
    await runEngagementJobs(deps);
    const [shopEvent, appEvent] = await eventsNamed('upcoming_engagement');
    expect(await alertedUsers(shopEvent!.id)).toEqual(['admin', 'member', 'typemember']);
    expect(await alertedUsers(appEvent!.id)).toEqual(['admin', 'outsider']);
    const nobodyAlerts = await deps.db.get<{ n: number }>(
      sql`select count(*) as n from alerts a join users u on u.id = a.user_id where u.username = 'nobody'`,
    );
    expect(nobodyAlerts?.n).toBe(0);
  });
});

describe('stale_engagement', () => {
  it('fires for open engagements past their end date, and for no others', async () => {
    const { shop } = await setUp();
    const e = async (name: string, end: number, status = 'In Progress') =>
      insertEngagement(deps, { name, productId: shop.id, targetStart: day(end - 10), targetEnd: day(end), status });
    const yesterday = await e('Yesterday', -1);
    const longAgo = await e('Long ago', -30, 'Not Started');
    await e('Ends today', 0);
    await e('Ends later', 5);
    await e('Completed', -2, 'Completed');
    await e('Cancelled', -2, 'Cancelled');

    expect(await runEngagementJobs(deps)).toEqual({ upcoming: 0, stale: 2, autoClosed: 0 });
    const sent = await eventsNamed('stale_engagement');
    expect(sent.map((s) => [s.engagementId, s.title])).toEqual([
      [yesterday.id, 'Engagement "Yesterday" is past its end date'],
      [longAgo.id, 'Engagement "Long ago" is past its end date'],
    ]);
    expect(sent[0]).toMatchObject({ url: `/engagements/${yesterday.id}`, productId: shop.id, createdBy: null });
    expect(await alertedUsers(sent[0]!.id)).toEqual(['admin', 'member', 'typemember']);
    // Auto-close is off by default: the old one stays open.
    expect(await statusOf(longAgo.id)).toBe('Not Started');
  });

  it('fires once per end date: not again on later runs or days, again when the end date moves', async () => {
    const { shop } = await setUp();
    const engagement = await insertEngagement(deps, { name: 'Audit', productId: shop.id, targetStart: day(-9), targetEnd: day(-1) });
    expect((await runEngagementJobs(deps)).stale).toBe(1);
    expect((await runEngagementJobs(deps)).stale).toBe(0);
    deps.now = () => NOW + 5 * DAY;
    expect((await runEngagementJobs(deps)).stale).toBe(0);

    await deps.db.run(sql`update engagements set target_end = ${day(2)} where id = ${engagement.id}`);
    expect((await runEngagementJobs(deps)).stale).toBe(1);
    expect(await eventsNamed('stale_engagement')).toHaveLength(2);
  });
});

describe('auto_close_engagement', () => {
  it('is off unless ENGAGEMENT_AUTO_CLOSE is set', async () => {
    const { shop } = await setUp();
    const old = await insertEngagement(deps, { name: 'Old', productId: shop.id, targetStart: day(-60), targetEnd: day(-50) });
    expect((await runEngagementJobs(deps)).autoClosed).toBe(0);
    expect(await statusOf(old.id)).toBe('Not Started');
    expect((await eventsNamed('stale_engagement')).map((s) => s.engagementId)).toEqual([old.id]);
    expect(await eventsNamed('auto_close_engagement')).toHaveLength(0);
  });

  it('closes open engagements more than ENGAGEMENT_AUTO_CLOSE_DAYS past their end, once, and announces it', async () => {
    const { shop, app } = await setUp({ ENGAGEMENT_AUTO_CLOSE: true });
    const e = async (name: string, end: number, status = 'In Progress', productId = shop.id) =>
      insertEngagement(deps, { name, productId, targetStart: day(end - 10), targetEnd: day(end), status });
    const fourDays = await e('Four days', -4);
    const appOld = await e('App old', -20, 'Not Started', app.id);
    const threeDays = await e('Three days', -3);
    const cancelled = await e('Cancelled', -10, 'Cancelled');

    expect(await runEngagementJobs(deps)).toEqual({ upcoming: 0, stale: 1, autoClosed: 2 });
    expect(await statusOf(fourDays.id)).toBe('Completed');
    expect(await statusOf(appOld.id)).toBe('Completed');
    expect(await statusOf(threeDays.id)).toBe('In Progress');
    expect(await statusOf(cancelled.id)).toBe('Cancelled');

    const closedEvents = await eventsNamed('auto_close_engagement');
    expect(closedEvents.map((s) => [s.engagementId, s.title])).toEqual([
      [fourDays.id, 'Engagement "Four days" was closed automatically'],
      [appOld.id, 'Engagement "App old" was closed automatically'],
    ]);
    expect(closedEvents[0]).toMatchObject({ url: `/engagements/${fourDays.id}`, productId: shop.id, createdBy: null });
    expect(closedEvents[0]?.description).toContain(`ended on ${day(-4)}, 4 days ago`);
    expect(await alertedUsers(closedEvents[0]!.id)).toEqual(['admin', 'member', 'typemember']);
    expect(await alertedUsers(closedEvents[1]!.id)).toEqual(['admin', 'outsider']);
    // The closed ones get no stale alert on top; the one within the grace period does.
    expect((await eventsNamed('stale_engagement')).map((s) => s.engagementId)).toEqual([threeDays.id]);

    expect(await runEngagementJobs(deps)).toEqual({ upcoming: 0, stale: 0, autoClosed: 0 });
    // A day later the grace period of the third one is over.
    deps.now = () => NOW + DAY;
    expect(await runEngagementJobs(deps)).toEqual({ upcoming: 0, stale: 0, autoClosed: 1 });
    expect(await statusOf(threeDays.id)).toBe('Completed');
  });

  it('follows ENGAGEMENT_AUTO_CLOSE_DAYS', async () => {
    const { shop } = await setUp({ ENGAGEMENT_AUTO_CLOSE: true, ENGAGEMENT_AUTO_CLOSE_DAYS: 0 });
    const yesterday = await insertEngagement(deps, { name: 'Yesterday', productId: shop.id, targetStart: day(-5), targetEnd: day(-1) });
    const today = await insertEngagement(deps, { name: 'Today', productId: shop.id, targetStart: day(-5), targetEnd: day(0) });
    expect((await runEngagementJobs(deps)).autoClosed).toBe(1);
    expect(await statusOf(yesterday.id)).toBe('Completed');
    expect(await statusOf(today.id)).toBe('Not Started');
  });

  it('does not close again an engagement reopened after an automatic close', async () => {
    const { shop } = await setUp({ ENGAGEMENT_AUTO_CLOSE: true });
    const engagement = await insertEngagement(deps, { name: 'Audit', productId: shop.id, targetStart: day(-20), targetEnd: day(-10) });
    expect((await runEngagementJobs(deps)).autoClosed).toBe(1);
    await deps.db.run(sql`update engagements set status = 'In Progress' where id = ${engagement.id}`);
    expect((await runEngagementJobs(deps)).autoClosed).toBe(0);
    expect(await statusOf(engagement.id)).toBe('In Progress');
    expect(await eventsNamed('auto_close_engagement')).toHaveLength(1);
  });
});
