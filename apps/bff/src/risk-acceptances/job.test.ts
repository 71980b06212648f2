/**
 * The risk acceptance job: one heads-up inside the window (none with 0 days), one expiry notice, reactivation
 * restoring each finding's previous status (and, when asked, restarting its SLA), and each notice once across
 * re-runs and two runners at once.
 */
import type { TFindingDetail, TRiskAcceptance } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { alertTitles, createFindingsWorld, eventRows, importOk, sessionAuth, type TWorld } from '../findings/test-helpers';
import type { TEventPayload } from '../notifications/event-payload';
import { getJobRunner } from '../scheduler/jobs';
import { runRiskAcceptanceNotices } from './job';

let w: TWorld | undefined;
afterEach(async () => {
  await w?.deps.cleanup();
  w = undefined;
});

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-10T09:00:00Z');

/** Trivy in Payments API (found 2026-03-01); two findings accepted until `expiresOn`, one of them verified before. */
async function setUp(expiresOn = '2026-03-15', extra: Record<string, unknown> = {}) {
  w = await createFindingsWorld();
  w.deps.now = () => NOW;
  await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id, scan_date: '2026-03-01' }, { fixture: 'trivy.sarif' });
  const ids = (await w.deps.db.all<{ id: number }>(sql`select id from findings order by id`)).map((r) => r.id);
  await w.clients.bob.post(`/api/findings/${ids[1]}/status`, { status: 'verified' });
  const res = await w.clients.bob.post(`/api/engagements/${w.ci.id}/risk-acceptances`, {
    name: 'Vendor patch pending',
    finding_ids: [ids[0], ids[1]],
    owner_id: w.users.alice.id,
    expires_on: expiresOn,
    ...extra,
  });
  expect(res.status).toBe(201);
  const ra = (await res.json()) as TRiskAcceptance;
  await w.deps.db.run(sql`delete from alerts`);
  return { w, ids, ra };
}

const noticeTitles = async (world: TWorld) => (await eventRows(world.deps, sql`name = 'risk_acceptance_expiration'`)).map((e) => e.title);
const at = (world: TWorld, daysLater: number) => {
  world.deps.now = () => NOW + daysLater * DAY;
};

describe('runRiskAcceptanceNotices', () => {
  it('sends one heads-up inside the window and one notice when it expires, reactivating the findings as they were', async () => {
    const { w, ids, ra } = await setUp('2026-03-15');
    expect(await runRiskAcceptanceNotices(w.deps)).toEqual({ headsUp: 1, expired: 0, reactivatedFindings: 0, failed: 0 });
    expect(await runRiskAcceptanceNotices(w.deps)).toEqual({ headsUp: 0, expired: 0, reactivatedFindings: 0, failed: 0 });
    at(w, 3);
    expect((await runRiskAcceptanceNotices(w.deps)).headsUp).toBe(0);
    expect(await noticeTitles(w)).toEqual(['Risk acceptance with 2 accepted findings will expire on Mar 15, 2026 for Payments API: CI']);
    const [headsUp] = await eventRows(w.deps, sql`name = 'risk_acceptance_expiration'`);
    expect(headsUp).toMatchObject({
      url: `/risk-acceptances/${ra.id}`,
      productId: w.payments.id,
      engagementId: w.ci.id,
      createdBy: null,
      idempotencyKey: `risk_acceptance_expiration:${ra.id}:heads_up`,
    });
    expect(headsUp?.description).toContain('covers 2 findings and expires on 2026-03-15, in 5 days. Its findings become active again then');
    // The heads-up goes to everyone who may see the product.
    expect(await alertTitles(w.deps, w.users.erin.id)).toHaveLength(1);
    expect(await alertTitles(w.deps, w.users.dave.id)).toEqual([]);

    at(w, 5);
    expect(await runRiskAcceptanceNotices(w.deps)).toEqual({ headsUp: 0, expired: 1, reactivatedFindings: 2, failed: 0 });
    expect(await runRiskAcceptanceNotices(w.deps)).toMatchObject({ expired: 0 });
    expect((await noticeTitles(w))[1]).toBe('Risk acceptance with 2 accepted findings has expired for Payments API: CI');
    const [, expired] = await eventRows(w.deps, sql`name = 'risk_acceptance_expiration'`);
    expect(expired?.description).toContain('expired on 2026-03-15. Its 2 findings are active again.');
    const payload = JSON.parse(expired!.payload!) as TEventPayload;
    expect(payload.risk_acceptance).toMatchObject({
      id: ra.id,
      notice: 'expired',
      expires_on: '2026-03-15',
      owner: 'alice',
      reactivated: true,
      findings_total: 2,
      url_api: `/api/risk-acceptances/${ra.id}`,
    });
    const detail = async (id: number) => (await (await w.clients.bob.get(`/api/findings/${id}`)).json()) as TFindingDetail;
    const first = await detail(ids[0]!);
    expect(first.status).toBe('active');
    expect(first.risk_acceptance).toBeNull();
    expect(first.status_history.at(-1)).toMatchObject({
      from: 'risk_accepted',
      to: 'active',
      source: 'risk_acceptance_expired',
      changed_by: null,
    });
    expect((await detail(ids[1]!)).status).toBe('verified');
    // Not restarted: the SLA still counts from the date found.
    expect(first.sla_detail.start_date).toBe('2026-03-01');
    const shown = (await (await w.clients.bob.get(`/api/risk-acceptances/${ra.id}`)).json()) as TRiskAcceptance;
    expect(shown).toMatchObject({ state: 'expired', heads_up_sent_at: new Date(NOW).toISOString() });
  });

  it('restarts the SLA from the day of expiry when the acceptance says so', async () => {
    const { w, ids } = await setUp('2026-03-12', { restart_sla_expired: true });
    at(w, 2);
    await runRiskAcceptanceNotices(w.deps);
    const detail = (await (await w.clients.bob.get(`/api/findings/${ids[0]}`)).json()) as TFindingDetail;
    expect(detail.sla_detail.start_date).toBe('2026-03-12');
    expect(detail.sla.expires_on).toBe(detail.severity === 'Critical' ? '2026-03-19' : '2026-04-11');
    const [expired, ...more] = await eventRows(w.deps, sql`name = 'risk_acceptance_expiration'`);
    expect(more).toEqual([]);
    expect(expired?.description).toContain('with their SLA restarting today');
  });

  it('leaves the findings accepted when the acceptance does not reactivate them, and lets people change them then', async () => {
    const { w, ids } = await setUp('2026-03-12', { reactivate_expired: false });
    at(w, 3);
    expect(await runRiskAcceptanceNotices(w.deps)).toMatchObject({ expired: 1, reactivatedFindings: 0 });
    const [expired] = await eventRows(w.deps, sql`name = 'risk_acceptance_expiration'`);
    expect(expired?.description).toContain('Its 2 findings stay risk accepted: decide what to do with them.');
    expect(((await (await w.clients.bob.get(`/api/findings/${ids[0]}`)).json()) as TFindingDetail).status).toBe('risk_accepted');
    expect((await w.clients.bob.post(`/api/findings/${ids[0]}/status`, { status: 'active' })).status).toBe(200);
  });

  it('sends only the expiry notice when the heads-up was never sent, and no heads-up when its window is 0', async () => {
    const { w } = await setUp('2026-03-20');
    await w.clients.admin.put('/api/system-settings/findings', { risk_acceptance_heads_up_days: 0 });
    expect((await runRiskAcceptanceNotices(w.deps)).headsUp).toBe(0);
    at(w, 12);
    expect(await runRiskAcceptanceNotices(w.deps)).toMatchObject({ headsUp: 0, expired: 1 });
    expect(await noticeTitles(w)).toEqual(['Risk acceptance with 2 accepted findings has expired for Payments API: CI']);
  });

  it('gives an acceptance created inside the window its heads-up at the next run, and nothing beyond the window', async () => {
    const { w } = await setUp('2026-03-21');
    expect((await runRiskAcceptanceNotices(w.deps)).headsUp).toBe(0);
    at(w, 1);
    expect((await runRiskAcceptanceNotices(w.deps)).headsUp).toBe(1);
  });

  it('notifies once when two runners handle the same acceptance at once', async () => {
    const { w } = await setUp('2026-03-11');
    at(w, 1);
    const [a, b] = await Promise.all([runRiskAcceptanceNotices(w.deps), runRiskAcceptanceNotices({ ...w.deps })]);
    expect(a.expired + b.expired).toBe(1);
    expect(a.reactivatedFindings + b.reactivatedFindings).toBe(2);
    expect(await noticeTitles(w)).toHaveLength(1);
    const run = await getJobRunner(w.deps).runNow('risk_acceptance_expiration', w.users.admin.id);
    expect(run).toMatchObject({ status: 'ok', eventsRaised: 0, summary: '0 heads-ups, 0 expiries (0 findings reactivated)' });
  });
});
