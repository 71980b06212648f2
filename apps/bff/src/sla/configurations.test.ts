/**
 * SLA configurations: the set-based expiry in SQL against computeSlaExpiry (sla/rules.ts) on one table of cases,
 * recomputation when a configuration or a product's choice changes, who may change what, and the notice settings.
 */
import { DEFAULT_SLA_PERIODS, SEVERITIES, type TSeverity, type TSlaPeriods } from '@tocsin/contract/findings';
import type { TFindingNoticeSettings, TProductSla, TSlaConfiguration } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createFindingsWorld, errorOf, type TWorld } from '../findings/test-helpers';
import { recomputeSlaExpiry } from './configurations';
import { computeSlaExpiry } from './rules';

let w: TWorld | undefined;
afterEach(async () => {
  await w?.deps.cleanup();
  w = undefined;
});

const STRICT: TSlaPeriods = {
  Critical: { days: 1, enforced: true },
  High: { days: 14, enforced: false },
  Medium: { days: 45, enforced: true },
  Low: { days: null, enforced: false },
  Info: { days: 365, enforced: true },
};

const START_DATES = ['2026-01-31', '2026-02-28', '2028-02-28', '2026-12-31', '2026-03-29'];

/** One finding per severity and start date in each of Payments API (default) and VPN; returns them. */
async function seedFindings(world: TWorld) {
  const findings: { id: number; productId: number; severity: TSeverity; start: string }[] = [];
  for (const [product, engagement] of [
    [world.payments, world.ci],
    [world.vpn, world.vpnAudit],
  ] as const) {
    const test = await world.deps.db.get<{
      id: number;
    }>(sql`insert into tests (engagement_id, product_id, title, format, created_at, updated_at)
      values (${engagement.id}, ${product.id}, 'Scanny', 'sarif', 1, 1) returning id`);
    for (const severity of SEVERITIES) {
      for (const start of START_DATES) {
        const row = await world.deps.db.get<{ id: number }>(sql`insert into findings (test_id, engagement_id, product_id, title, severity,
            tool, fingerprint, date_found, sla_start_date, status, created_at, updated_at)
          values (${test!.id}, ${engagement.id}, ${product.id}, ${`${severity} ${start}`}, ${severity}, 'Scanny', ${`${severity}${start}`},
            ${start}, ${start}, 'active', 1, 1) returning id`);
        findings.push({ id: row!.id, productId: product.id, severity, start });
      }
    }
  }
  return findings;
}

async function expiries(world: TWorld): Promise<Map<number, string | null>> {
  const rows = await world.deps.db.all<{ id: number; expires: string | null }>(sql`select id, sla_expires_on as expires from findings`);
  return new Map(rows.map((r) => [r.id, r.expires]));
}

describe('SLA expiry', () => {
  it('is computed in SQL exactly as computeSlaExpiry says, for every severity, start date and configuration', async () => {
    w = await createFindingsWorld();
    const findings = await seedFindings(w);
    const created = await w.clients.admin.post('/api/sla-configurations', { name: 'Strict', periods: STRICT });
    expect(created.status).toBe(201);
    const strict = (await created.json()) as TSlaConfiguration;
    await w.deps.db.run(sql`update products set sla_configuration_id = ${strict.id} where id = ${w.vpn.id}`);
    expect(await recomputeSlaExpiry(w.deps.db, sql`1 = 1`)).toBe(findings.length);
    const stored = await expiries(w);
    for (const f of findings) {
      const config = f.productId === w.vpn.id ? STRICT : DEFAULT_SLA_PERIODS;
      expect(stored.get(f.id), `${f.severity} from ${f.start} in product ${f.productId}`).toBe(
        computeSlaExpiry(f.start, f.severity, config),
      );
    }
    // A few by hand, so the rule itself is checked too.
    const of = (productId: number, severity: TSeverity, start: string) =>
      stored.get(findings.find((f) => f.productId === productId && f.severity === severity && f.start === start)!.id);
    expect(of(w.payments.id, 'Critical', '2026-02-28')).toBe('2026-03-07');
    expect(of(w.payments.id, 'Low', '2028-02-28')).toBe('2028-06-27');
    expect(of(w.payments.id, 'Info', '2026-01-31')).toBeNull();
    expect(of(w.vpn.id, 'High', '2026-01-31')).toBeNull();
    expect(of(w.vpn.id, 'Info', '2026-12-31')).toBe('2027-12-31');
  });

  it("follows a configuration's new days, and a product's new configuration, at once", async () => {
    w = await createFindingsWorld();
    const findings = await seedFindings(w);
    await recomputeSlaExpiry(w.deps.db, sql`1 = 1`);
    const criticalOf = async (productId: number) =>
      (await expiries(w!)).get(
        findings.find((f) => f.productId === productId && f.severity === 'Critical' && f.start === '2026-01-31')!.id,
      );
    const list = (await (await w.clients.carol.get('/api/sla-configurations')).json()) as { items: TSlaConfiguration[] };
    const fallback = list.items[0]!;
    expect(fallback).toMatchObject({ name: 'Default', is_default: true, periods: DEFAULT_SLA_PERIODS, product_count: 3 });

    const updated = await w.clients.admin.put(`/api/sla-configurations/${fallback.id}`, {
      name: 'Default',
      periods: { ...DEFAULT_SLA_PERIODS, Critical: { days: 3, enforced: true } },
    });
    expect(updated.status).toBe(200);
    expect(await criticalOf(w.payments.id)).toBe('2026-02-03');
    expect(await criticalOf(w.vpn.id)).toBe('2026-02-03');

    const strict = (await (
      await w.clients.admin.post('/api/sla-configurations', { name: 'Strict', periods: STRICT })
    ).json()) as TSlaConfiguration;
    const switched = await w.clients.admin.put(`/api/products/${w.vpn.id}/sla`, { sla_configuration_id: strict.id });
    expect(switched.status).toBe(200);
    expect((await switched.json()) as TProductSla).toMatchObject({
      configuration: { id: strict.id, name: 'Strict' },
      uses_default: false,
      sla_notifications: true,
    });
    expect(await criticalOf(w.vpn.id)).toBe('2026-02-01');
    expect(await criticalOf(w.payments.id)).toBe('2026-02-03');
    // Back to the default.
    await w.clients.admin.put(`/api/products/${w.vpn.id}/sla`, { sla_configuration_id: null });
    expect(await criticalOf(w.vpn.id)).toBe('2026-02-03');
  });
});

describe('SLA configurations API', () => {
  it('lets superusers add, change and delete configurations; everybody logged in reads them', async () => {
    w = await createFindingsWorld();
    for (const client of ['alice', 'carol', 'dave'] as const) {
      expect((await w.clients[client].post('/api/sla-configurations', { name: 'X', periods: STRICT })).status).toBe(403);
      // Before the body is looked at.
      expect((await w.clients[client].post('/api/sla-configurations', { nonsense: true })).status).toBe(403);
    }
    expect((await w.clients.dave.get('/api/sla-configurations')).status).toBe(200);
    const created = (await (
      await w.clients.admin.post('/api/sla-configurations', { name: 'Strict', periods: STRICT })
    ).json()) as TSlaConfiguration;
    expect(created).toMatchObject({ name: 'Strict', description: '', is_default: false, periods: STRICT, product_count: 0 });
    const duplicate = await w.clients.admin.post('/api/sla-configurations', { name: 'STRICT', periods: STRICT });
    expect(duplicate.status).toBe(409);
    const invalid = await w.clients.admin.post('/api/sla-configurations', {
      name: 'Bad',
      periods: { ...STRICT, Critical: { days: null, enforced: true } },
    });
    expect(invalid.status).toBe(400);
    expect((await errorOf(invalid)).message).toContain('periods.Critical.days');

    await w.clients.admin.put(`/api/products/${w.shop.id}/sla`, { sla_configuration_id: created.id });
    const inUse = await w.clients.admin.delete(`/api/sla-configurations/${created.id}`);
    expect(inUse.status).toBe(409);
    expect((await errorOf(inUse)).message).toBe('"Strict" is used by 1 product; give it another configuration first.');
    const defaultId = ((await (await w.clients.admin.get('/api/sla-configurations')).json()) as { items: TSlaConfiguration[] }).items[0]!
      .id;
    expect((await w.clients.admin.delete(`/api/sla-configurations/${defaultId}`)).status).toBe(409);
    await w.clients.admin.put(`/api/products/${w.shop.id}/sla`, { sla_configuration_id: null });
    expect((await w.clients.admin.delete(`/api/sla-configurations/${created.id}`)).status).toBe(204);
    expect((await w.clients.admin.get(`/api/sla-configurations/${created.id}`)).status).toBe(404);
  });

  it("lets a product's Maintainers choose its configuration and switch its notices off; Writers 403, outsiders 404", async () => {
    w = await createFindingsWorld();
    const sla = (await (await w.clients.erin.get(`/api/products/${w.payments.id}/sla`)).json()) as TProductSla;
    expect(sla).toMatchObject({
      product_id: w.payments.id,
      uses_default: true,
      sla_notifications: true,
      configuration: { name: 'Default' },
    });
    expect((await w.clients.bob.put(`/api/products/${w.payments.id}/sla`, { sla_notifications: false })).status).toBe(403);
    expect((await w.clients.dave.get(`/api/products/${w.payments.id}/sla`)).status).toBe(404);
    expect((await w.clients.dave.put(`/api/products/${w.payments.id}/sla`, { sla_notifications: false })).status).toBe(404);
    const off = await w.clients.alice.put(`/api/products/${w.payments.id}/sla`, { sla_notifications: false });
    expect(((await off.json()) as TProductSla).sla_notifications).toBe(false);
    const unknown = await w.clients.alice.put(`/api/products/${w.payments.id}/sla`, { sla_configuration_id: 999 });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).message).toContain('sla_configuration_id');
  });
});

describe('GET/PUT /api/system-settings/findings', () => {
  it('shows and changes the notice settings for superusers only, with their defaults', async () => {
    w = await createFindingsWorld({ SLA_JOB_TIME: '05:45' });
    const defaults = (await (await w.clients.admin.get('/api/system-settings/findings')).json()) as TFindingNoticeSettings;
    expect(defaults).toEqual({
      sla_notifications_enabled: true,
      sla_notify_findings: 'active',
      sla_pre_breach_days: 3,
      sla_post_breach_days: 7,
      sla_backoff: false,
      risk_acceptance_heads_up_days: 10,
      sla_job_time: '05:45',
      time_zone: 'UTC',
    });
    const saved = await w.clients.admin.put('/api/system-settings/findings', { sla_backoff: true, risk_acceptance_heads_up_days: 0 });
    expect((await saved.json()) as TFindingNoticeSettings).toMatchObject({
      sla_backoff: true,
      risk_acceptance_heads_up_days: 0,
      sla_pre_breach_days: 3,
    });
    const bad = await w.clients.admin.put('/api/system-settings/findings', { sla_pre_breach_days: -1, sla_job_time: '07:00' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/sla_pre_breach_days.*sla_job_time|sla_job_time.*sla_pre_breach_days/);
    expect((await w.clients.alice.get('/api/system-settings/findings')).status).toBe(403);
    expect((await w.clients.alice.put('/api/system-settings/findings', { sla_backoff: false })).status).toBe(403);
  });
});
