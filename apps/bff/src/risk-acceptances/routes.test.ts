/** Risk acceptances: accepting findings of a product or an engagement, and every refusal. */
import type { TFindingDetail, TRiskAcceptance, TRiskAcceptanceList } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { countRows, createFindingsWorld, errorOf, importOk, sessionAuth, type TWorld } from '../findings/test-helpers';

let w: TWorld | undefined;
afterEach(async () => {
  await w?.deps.cleanup();
  w = undefined;
});

async function setUp() {
  w = await createFindingsWorld();
  w.deps.now = () => Date.parse('2026-03-10T12:00:00Z');
  await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id }, { fixture: 'trivy.sarif' });
  await importOk(w.app, sessionAuth(w.clients.admin), { engagement_id: w.vpnAudit.id }, { fixture: 'codeql.sarif' });
  const ids = (await w.deps.db.all<{ id: number }>(sql`select id from findings where product_id = ${w.payments.id} order by id`)).map(
    (r) => r.id,
  );
  const vpnFinding = (await w.deps.db.get<{ id: number }>(sql`select id from findings where product_id = ${w.vpn.id} order by id`))!.id;
  return { w, ids, vpnFinding };
}

const body = (findingIds: number[], ownerId: number, extra: Record<string, unknown> = {}) => ({
  name: 'Legacy TLS until the migration',
  finding_ids: findingIds,
  owner_id: ownerId,
  expires_on: '2026-06-30',
  decision_details: 'Compensating control: WAF rule 42.',
  ...extra,
});

describe('POST /api/products/:id/risk-acceptances', () => {
  it('accepts open findings: status risk accepted with a history row each, shown on the finding and the product', async () => {
    const { w, ids } = await setUp();
    await w.clients.bob.post(`/api/findings/${ids[1]}/status`, { status: 'verified' });
    const res = await w.clients.bob.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[0]!, ids[1]!], w.users.alice.id));
    expect(res.status).toBe(201);
    const ra = (await res.json()) as TRiskAcceptance;
    expect(ra).toMatchObject({
      name: 'Legacy TLS until the migration',
      product_id: w.payments.id,
      engagement_id: null,
      owner: { username: 'alice' },
      decision: 'accept',
      expires_on: '2026-06-30',
      reactivate_expired: true,
      restart_sla_expired: false,
      state: 'active',
      created_by: { username: 'bob' },
      url: `/risk-acceptances/${ra.id}`,
    });
    expect(ra.findings.map((f) => [f.id, f.status])).toEqual(
      [
        [ids[0], 'risk_accepted'],
        [ids[1], 'risk_accepted'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const detail = (await (await w.clients.erin.get(`/api/findings/${ids[1]}`)).json()) as TFindingDetail;
    expect(detail.status).toBe('risk_accepted');
    expect(detail.risk_acceptance).toEqual({ id: ra.id, name: ra.name, expires_on: '2026-06-30', url: `/risk-acceptances/${ra.id}` });
    expect(detail.status_history.at(-1)).toMatchObject({
      from: 'verified',
      to: 'risk_accepted',
      source: 'risk_acceptance',
      changed_by: { username: 'bob' },
    });
    expect(
      (await w.deps.db.all(sql`select previous_status as s from risk_acceptance_findings order by finding_id`)).map(
        (r) => (r as { s: string }).s,
      ),
    ).toEqual(['active', 'verified']);
    // A person cannot change it while the acceptance holds it.
    const held = await w.clients.bob.post(`/api/findings/${ids[0]}/status`, { status: 'mitigated' });
    expect(held.status).toBe(409);
    expect((await errorOf(held)).message).toContain('The risk acceptance "Legacy TLS until the migration" holds this finding');

    const list = (await (await w.clients.carol.get(`/api/products/${w.payments.id}/risk-acceptances`)).json()) as TRiskAcceptanceList;
    expect(list.items.map((r) => r.id)).toEqual([ra.id]);
    expect((await w.clients.carol.get(`/api/risk-acceptances/${ra.id}`)).status).toBe(200);
    expect((await w.clients.dave.get(`/api/risk-acceptances/${ra.id}`)).status).toBe(404);
    expect((await w.clients.dave.get(`/api/products/${w.payments.id}/risk-acceptances`)).status).toBe(404);
  });

  it('accepts findings of one engagement through the engagement', async () => {
    const { w, ids, vpnFinding } = await setUp();
    const res = await w.clients.bob.post(
      `/api/engagements/${w.ci.id}/risk-acceptances`,
      body([ids[2]!], w.users.bob.id, { expires_on: null }),
    );
    expect(res.status).toBe(201);
    expect((await res.json()) as TRiskAcceptance).toMatchObject({ engagement_id: w.ci.id, engagement_name: 'CI', expires_on: null });
    const elsewhere = await w.clients.admin.post(`/api/engagements/${w.ci.id}/risk-acceptances`, body([vpnFinding], w.users.admin.id));
    expect(elsewhere.status).toBe(400);
    expect((await errorOf(elsewhere)).message).toBe(`finding_ids: finding ${vpnFinding} is not a finding of this engagement`);
  });

  it('refuses, naming each problem and changing nothing: other findings, closed or already accepted ones, bad owners, past expiry', async () => {
    const { w, ids, vpnFinding } = await setUp();
    await w.clients.bob.post(`/api/findings/${ids[0]}/status`, { status: 'mitigated' });
    await w.clients.bob.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[1]!], w.users.bob.id));
    const before = { ra: await countRows(w.deps, 'risk_acceptances'), history: await countRows(w.deps, 'finding_status_history') };
    const res = await w.clients.bob.post(
      `/api/products/${w.payments.id}/risk-acceptances`,
      body([ids[0]!, ids[1]!, vpnFinding, 999_999], w.users.dave.id, { expires_on: '2026-03-10' }),
    );
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.details).toEqual([
      { path: 'expires_on', message: 'must be after today (2026-03-10); leave it null for an acceptance that never expires' },
      { path: 'owner_id', message: 'the owner must be someone who may see the product' },
      { path: 'finding_ids', message: `finding ${ids[0]} is mitigated: only open (active or verified) findings can be accepted` },
      { path: 'finding_ids', message: `finding ${ids[1]} is already held by another risk acceptance` },
      { path: 'finding_ids', message: `finding ${vpnFinding} is not a finding of this product` },
      { path: 'finding_ids', message: 'finding 999999 is not a finding of this product' },
    ]);
    const inactive = await w.clients.bob.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[2]!], w.users.gone.id));
    expect((await errorOf(inactive)).message).toContain('owner_id: that account is deactivated');
    const noOwner = await w.clients.bob.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[2]!], 999_999));
    expect((await errorOf(noOwner)).message).toContain('owner_id: there is no user with id 999999');
    const twice = await w.clients.bob.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[2]!, ids[2]!], w.users.bob.id));
    expect((await errorOf(twice)).message).toContain('lists a finding twice');
    expect({ ra: await countRows(w.deps, 'risk_acceptances'), history: await countRows(w.deps, 'finding_status_history') }).toEqual(before);
  });

  it('lets Writers and above accept; Readers get 403, outsiders 404', async () => {
    const { w, ids } = await setUp();
    const reader = await w.clients.erin.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[0]!], w.users.erin.id));
    expect(reader.status).toBe(403);
    expect((await w.clients.carol.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[0]!], w.users.carol.id))).status).toBe(
      403,
    );
    expect((await w.clients.dave.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[0]!], w.users.dave.id))).status).toBe(
      404,
    );
    expect((await w.clients.dave.post(`/api/engagements/${w.ci.id}/risk-acceptances`, body([ids[0]!], w.users.dave.id))).status).toBe(404);
    expect((await w.clients.alice.post(`/api/products/${w.payments.id}/risk-acceptances`, body([ids[0]!], w.users.erin.id))).status).toBe(
      201,
    );
  });
});
