/**
 * The daily SLA job: the window boundaries, the back-off, which findings and products take part, the combined
 * notice per product and kind, RBAC of the alerts, and once per finding and day across re-runs, two runners at
 * once and restarts (a new deps object on the same database).
 */
import type { TSeverity } from '@tocsin/contract/findings';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deps } from '../app-context';
import { alertTitles, createFindingsWorld, eventRows, type TWorld } from '../findings/test-helpers';
import { addDays } from '../lib/calendar-date';
import type { TEventPayload } from '../notifications/event-payload';
import { getJobRunner } from '../scheduler/jobs';
import { currentPeriod } from '../scheduler/runner';
import { runSlaNotices, slaNoticesJob } from './job';

let w: TWorld | undefined;
afterEach(async () => {
  await w?.deps.cleanup();
  w = undefined;
});

const TODAY = '2026-03-10';
// Early in the UTC day; TIME_ZONE is UTC unless a test says otherwise.
const NOW = Date.parse('2026-03-10T07:00:00Z');
const DAY = 86_400_000;

type TFindingSpec = { title: string; severity?: TSeverity; status?: string; expiresIn: number | null; product?: 'payments' | 'vpn' };

async function setUp() {
  w = await createFindingsWorld();
  w.deps.now = () => NOW;
  const tests: Record<string, number> = {};
  for (const [key, engagement] of [
    ['payments', w.ci],
    ['vpn', w.vpnAudit],
  ] as const) {
    const row = await w.deps.db.get<{ id: number }>(sql`insert into tests (engagement_id, product_id, title, format, created_at, updated_at)
      values (${engagement.id}, ${engagement.productId}, 'Scanny', 'sarif', ${NOW}, ${NOW}) returning id`);
    tests[key] = row!.id;
  }
  const add = async (spec: TFindingSpec) => {
    const product = spec.product ?? 'payments';
    const engagement = product === 'payments' ? w!.ci : w!.vpnAudit;
    const row = await w!.deps.db.get<{ id: number }>(sql`insert into findings (test_id, engagement_id, product_id, title, severity, tool,
        fingerprint, date_found, sla_start_date, sla_expires_on, status, created_at, updated_at)
      values (${tests[product]}, ${engagement.id}, ${engagement.productId}, ${spec.title}, ${spec.severity ?? 'High'}, 'Scanny', ${spec.title},
        '2026-01-01', '2026-01-01', ${spec.expiresIn === null ? null : addDays(TODAY, spec.expiresIn)}, ${spec.status ?? 'active'}, ${NOW}, ${NOW})
      returning id`);
    return row!.id;
  };
  return { w, add };
}

const slaEvents = (deps: Deps, name = 'sla_breach') => eventRows(deps, sql`name = ${name}`);
const titles = async (deps: Deps, name = 'sla_breach') => (await slaEvents(deps, name)).map((e) => e.title);

describe('runSlaNotices', () => {
  it('notifies within the window: 3 days ahead, the day itself, up to 7 days overdue, and nothing else', async () => {
    const { w, add } = await setUp();
    for (const [title, expiresIn] of [
      ['four-left', 4],
      ['three-left', 3],
      ['one-left', 1],
      ['today', 0],
      ['one-over', -1],
      ['seven-over', -7],
      ['eight-over', -8],
      ['no-sla', null],
    ] as const) {
      await add({ title, expiresIn });
    }
    await add({ title: 'mitigated-today', expiresIn: 0, status: 'mitigated' });
    await add({ title: 'false-positive-today', expiresIn: 0, status: 'false_positive' });
    await add({ title: 'accepted-today', expiresIn: 0, status: 'risk_accepted' });
    await add({ title: 'verified-today', expiresIn: 0, status: 'verified', severity: 'Critical' });

    const result = await runSlaNotices(w.deps);
    expect(result).toEqual({ today: TODAY, due: 6, single: 6, combined: 3, failed: 0, disabled: false });
    expect((await titles(w.deps)).sort()).toEqual(
      [
        "SLA: 'three-left' (High) breaches in 3 days",
        "SLA: 'one-left' (High) breaches in 1 day",
        "SLA: 'today' (High) breaches today",
        "SLA: 'verified-today' (Critical) breaches today",
        "SLA: 'one-over' (High) is 1 day overdue",
        "SLA: 'seven-over' (High) is 7 days overdue",
      ].sort(),
    );
    const [first] = await slaEvents(w.deps);
    expect(first).toMatchObject({
      productId: w.payments.id,
      engagementId: w.ci.id,
      createdBy: null,
      url: expect.stringMatching(/^\/findings\/\d+$/),
      idempotencyKey: expect.stringMatching(/^sla_breach:\d+:2026-03-10$/),
    });
    expect((await titles(w.deps, 'sla_breach_combined')).sort()).toEqual(
      [
        'Payments API: 2 findings breach their SLA in the next 3 days',
        'Payments API: 2 findings are past their SLA',
        'Payments API: 2 findings breach their SLA today',
      ].sort(),
    );
    const combined = (await slaEvents(w.deps, 'sla_breach_combined')).find((e) => e.title.includes('past their SLA'))!;
    expect(combined).toMatchObject({
      url: `/products/${w.payments.id}/findings`,
      idempotencyKey: `sla_breach_combined:${w.payments.id}:overdue:${TODAY}`,
    });
    // Most overdue first.
    expect(combined.description).toMatch(
      /seven\\-over\]\(\/findings\/\d+\): 7 days overdue \(SLA 2026-03-03\)\n- \*\*High\*\* \[one\\-over\]/,
    );
    const payload = JSON.parse(combined.payload!) as TEventPayload;
    expect(payload.sla).toMatchObject({ kind: 'overdue', total: 2, list_limit: 100 });
    expect((payload.sla as { items: { title: string; days_left: number }[] }).items.map((i) => [i.title, i.days_left])).toEqual([
      ['seven-over', -7],
      ['one-over', -1],
    ]);
  });

  it('tells everyone who may see the product, nobody else, with the finding and the notice in the payload', async () => {
    const { w, add } = await setUp();
    const id = await add({ title: 'VPN hole', expiresIn: 2, product: 'vpn', severity: 'Critical' });
    await runSlaNotices(w.deps);
    const title = "SLA: 'VPN hole' (Critical) breaches in 2 days";
    for (const who of ['admin', 'carol'] as const) expect(await alertTitles(w.deps, w.users[who].id)).toContain(title);
    for (const who of ['alice', 'bob', 'erin', 'dave'] as const) expect(await alertTitles(w.deps, w.users[who].id)).toEqual([]);
    const [event] = await slaEvents(w.deps);
    expect(event?.description).toBe(
      'The **Critical** finding **VPN hole** in **VPN** / Audit breaches its SLA in 2 days, on 2026-03-12. It was found on ' +
        '2026-01-01 and is active: fix it, or record why it may stay (risk acceptance, false positive).',
    );
    expect(JSON.parse(event!.payload!)).toEqual({
      finding: {
        id,
        title: 'VPN hole',
        severity: 'Critical',
        status: 'active',
        date_found: '2026-01-01',
        sla_expires_on: '2026-03-12',
        test_id: expect.any(Number),
        url: `/findings/${id}`,
        url_ui: `/findings/${id}`,
        url_api: `/api/findings/${id}`,
      },
      sla: { kind: 'pre_breach', days_left: 2, expires_on: '2026-03-12' },
    });
  });

  it('notifies once per finding and day, whatever re-runs, restarts or two runners at once do; the next day again', async () => {
    const { w, add } = await setUp();
    for (let i = 0; i < 7; i++) await add({ title: `f${i}`, expiresIn: i - 3 });
    const twice = await Promise.all([runSlaNotices(w.deps), runSlaNotices({ ...w.deps })]);
    expect(twice[0].single + twice[1].single).toBe(7);
    expect(twice[0].combined + twice[1].combined).toBe(3);
    // A restart: a new deps object on the same database, the same day.
    const again = await runSlaNotices({ ...w.deps, now: () => NOW + 10 * 3_600_000 });
    expect(again).toMatchObject({ due: 7, single: 0, combined: 0 });
    expect(await titles(w.deps)).toHaveLength(7);
    expect(await alertTitles(w.deps, w.users.bob.id)).toHaveLength(10);

    w.deps.now = () => NOW + DAY;
    const tomorrow = await runSlaNotices(w.deps);
    // Tomorrow the window has moved by a day: f6 (3 days left today) is 2 days left, f0 is 4 days overdue.
    expect(tomorrow.single).toBe(7);
    expect(await titles(w.deps)).toContain("SLA: 'f6' (High) breaches in 2 days");
  });

  it('with the back-off, notifies overdue findings only on days 1, 2, 4, 8 … overdue', async () => {
    const { w, add } = await setUp();
    await w.clients.admin.put('/api/system-settings/findings', { sla_backoff: true, sla_post_breach_days: 10 });
    for (let over = 1; over <= 10; over++) await add({ title: `over-${over}`, expiresIn: -over });
    await runSlaNotices(w.deps);
    expect((await titles(w.deps)).map((t) => Number(/over-(\d+)/.exec(t)?.[1])).sort((a, b) => a - b)).toEqual([1, 2, 4, 8]);
  });

  it('follows the windows, the verified-only switch, the off switch and products that switched SLA notices off', async () => {
    const { w, add } = await setUp();
    await add({ title: 'active-5-left', expiresIn: 5 });
    await add({ title: 'verified-5-left', expiresIn: 5, status: 'verified' });
    await add({ title: 'vpn-verified', expiresIn: 0, status: 'verified', product: 'vpn' });
    const settings = await w.clients.admin.put('/api/system-settings/findings', {
      sla_pre_breach_days: 5,
      sla_notify_findings: 'verified',
    });
    expect(settings.status).toBe(200);
    await w.clients.admin.put(`/api/products/${w.vpn.id}/sla`, { sla_notifications: false });
    await runSlaNotices(w.deps);
    expect(await titles(w.deps)).toEqual(["SLA: 'verified-5-left' (High) breaches in 5 days"]);

    await w.clients.admin.put('/api/system-settings/findings', { sla_notifications_enabled: false });
    w.deps.now = () => NOW + DAY;
    expect(await runSlaNotices(w.deps)).toMatchObject({ disabled: true, single: 0 });
    expect(await titles(w.deps)).toHaveLength(1);
  });

  it('runs as the daily job at SLA_JOB_TIME in TIME_ZONE, and "Run now" reports what it sent', async () => {
    const { w, add } = await setUp();
    await add({ title: 'due', expiresIn: 0 });
    const berlin = { ...w.deps, env: { ...w.deps.env, TIME_ZONE: 'Europe/Berlin', SLA_JOB_TIME: '06:30' } };
    expect(slaNoticesJob.schedule(berlin)).toEqual({ kind: 'daily', at: '06:30', timeZone: 'Europe/Berlin' });
    // 05:29 UTC is 06:29 in Berlin in March: not yet; 05:30 UTC is the time.
    expect(currentPeriod(slaNoticesJob.schedule(berlin), Date.parse('2026-03-10T05:29:00Z'))).toBeNull();
    expect(currentPeriod(slaNoticesJob.schedule(berlin), Date.parse('2026-03-10T05:30:00Z'))).toBe('d:2026-03-10');
    const run = await getJobRunner(w.deps).runNow('sla_notifications', w.users.admin.id);
    expect(run).toMatchObject({
      status: 'ok',
      eventsRaised: 2,
      summary: '2026-03-10: 1 finding due a notice; 1 SLA notice and 1 combined notice sent',
    });
    const rerun = await getJobRunner(w.deps).runNow('sla_notifications', w.users.admin.id);
    expect(rerun).toMatchObject({ status: 'ok', eventsRaised: 0 });
  });
});
