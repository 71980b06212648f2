/** A product's findings (filters, paging, SLA days left), one finding, status changes by people, severity, product tags. */
import type { TFindingDetail, TFindingPage, TFindingStatusChangeResult, TProductTags } from '@tocsin/contract/findings-api';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createFindingsWorld, errorOf, importOk, sessionAuth, type TWorld } from './test-helpers';

let w: TWorld | undefined;
afterEach(async () => {
  await w?.deps.cleanup();
  w = undefined;
});

/** Semgrep and Trivy in Payments API, found on 2026-03-01; today is 2026-03-10 (UTC). */
async function setUp() {
  w = await createFindingsWorld();
  w.deps.now = () => Date.parse('2026-03-10T12:00:00Z');
  const bob = sessionAuth(w.clients.bob);
  const semgrep = await importOk(
    w.app,
    bob,
    { engagement_id: w.ci.id, scan_date: '2026-03-01', tags: 'backend' },
    { fixture: 'semgrep.sarif' },
  );
  const trivy = await importOk(w.app, bob, { engagement_id: w.ci.id, scan_date: '2026-03-01' }, { fixture: 'trivy.sarif' });
  const id = async (where: string) => (await w!.deps.db.get<{ id: number }>(sql.raw(`select id from findings where ${where}`)))!.id;
  return { w, semgrep, trivy, sqli: await id('cwe = 89'), stripe: await id('cwe = 798'), zlib: await id("component = 'zlib1g'") };
}

const page = async (w: TWorld, query: string, client: keyof TWorld['clients'] = 'carol') => {
  const res = await w.clients[client].get(`/api/products/${w.payments.id}/findings${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as TFindingPage;
};

describe('GET /api/products/:id/findings', () => {
  it('lists most severe first with the SLA days left, filtered by severity, status, tag and test, paged', async () => {
    const { w, semgrep, trivy } = await setUp();
    const all = await page(w, '');
    expect(all.total).toBe(9);
    expect(all.items.map((f) => f.severity)).toEqual(['Critical', 'Critical', 'High', 'High', 'High', 'High', 'Medium', 'Medium', 'Low']);
    const stripe = all.items.find((f) => f.cwe === 798)!;
    // Critical: 7 days from 2026-03-01, so two days overdue on 2026-03-10.
    expect(stripe.sla).toEqual({ expires_on: '2026-03-08', days_left: -2, state: 'overdue' });
    const sqli = all.items.find((f) => f.cwe === 89)!;
    expect(sqli.sla).toEqual({ expires_on: '2026-03-31', days_left: 21, state: 'ok' });
    // Low: 120 days.
    expect(all.items.at(-1)?.sla).toEqual({ expires_on: '2026-06-29', days_left: 111, state: 'ok' });

    expect((await page(w, '?severity=Critical')).items.map((f) => f.title)).toEqual([
      'Stripe API Key detected',
      'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6',
    ]);
    expect((await page(w, '?severity=Critical,Low')).total).toBe(3);
    expect((await page(w, '?status=false_positive')).items.map((f) => f.cwe)).toEqual([327]);
    expect((await page(w, '?status=active,verified')).total).toBe(8);
    expect((await page(w, '?tag=BACKEND')).total).toBe(4);
    expect((await page(w, '?tag=misconfiguration')).items.map((f) => f.rule_id)).toEqual(['DS002']);
    expect((await page(w, `?test_id=${trivy.test_id}`)).total).toBe(5);
    expect((await page(w, `?test_id=${semgrep.test_id}&severity=Medium`)).total).toBe(2);
    const second = await page(w, '?page=2&page_size=4');
    expect(second).toMatchObject({ total: 9, page: 2, page_size: 4 });
    expect(second.items.map((f) => f.id)).toEqual(all.items.slice(4, 8).map((f) => f.id));
  });

  it('answers 404 for a product the caller may not see and 400 for bad filters', async () => {
    const { w } = await setUp();
    expect((await w.clients.dave.get(`/api/products/${w.payments.id}/findings`)).status).toBe(404);
    expect((await w.clients.bob.get(`/api/products/${w.vpn.id}/findings`)).status).toBe(404);
    const bad = await w.clients.bob.get(`/api/products/${w.payments.id}/findings?severity=Urgent`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain('severity');
    expect((await w.clients.bob.get(`/api/products/${w.payments.id}/findings?page_size=500`)).status).toBe(400);
  });
});

describe('GET /api/findings/:id', () => {
  it('shows the details, the SLA with its configuration, the status history with who and when, notes and reviews', async () => {
    const { w, sqli } = await setUp();
    await w.clients.erin.post(`/api/findings/${sqli}/notes`, { entry: 'Seen in prod logs' });
    const res = await w.clients.erin.get(`/api/findings/${sqli}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as TFindingDetail;
    expect(detail).toMatchObject({
      id: sqli,
      severity: 'High',
      status: 'active',
      rule_id: 'python.django.security.injection.sql.sql-injection-using-db-cursor-execute.sql-injection-db-cursor-execute',
      tool_version: '1.85.0',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      sla_detail: { configuration: { name: 'Default', is_default: true }, days: 30, start_date: '2026-03-01' },
      status_history: [{ from: null, to: 'active', source: 'import', changed_by: { username: 'bob' } }],
      notes: [{ entry: 'Seen in prod logs', author: { username: 'erin' }, can_edit: true }],
      reviews: [],
      risk_acceptance: null,
      can_edit: false,
    });
    expect(detail.description).toContain('Detected user input');
    expect(((await (await w.clients.bob.get(`/api/findings/${sqli}`)).json()) as TFindingDetail).can_edit).toBe(true);
    expect((await w.clients.dave.get(`/api/findings/${sqli}`)).status).toBe(404);
    expect((await w.clients.bob.get('/api/findings/999999')).status).toBe(404);
  });
});

describe('POST /api/findings/:id/status', () => {
  it('lets Writers set a status, recording who and when, keeping the reason as a note whose mentions notify', async () => {
    const { w, sqli } = await setUp();
    const res = await w.clients.bob.post(`/api/findings/${sqli}/status`, {
      status: 'false_positive',
      note: 'Parameterised upstream, @alice. @dave',
    });
    expect(res.status).toBe(200);
    const { finding, mentions } = (await res.json()) as TFindingStatusChangeResult;
    expect(finding.status).toBe('false_positive');
    expect(finding.sla.state).toBe('closed');
    expect(finding.status_history.at(-1)).toMatchObject({
      from: 'active',
      to: 'false_positive',
      source: 'manual',
      changed_by: { username: 'bob' },
      note: 'Parameterised upstream, @alice. @dave',
      created_at: '2026-03-10T12:00:00.000Z',
    });
    expect(finding.notes.map((n) => n.entry)).toEqual(['Parameterised upstream, @alice. @dave']);
    expect(mentions?.notified).toEqual(['alice']);
    expect(mentions?.not_notified.map((m) => m.reason)).toEqual(['no_access']);

    const mitigated = (await (
      await w.clients.alice.post(`/api/findings/${sqli}/status`, { status: 'mitigated' })
    ).json()) as TFindingStatusChangeResult;
    expect(mitigated.finding).toMatchObject({ status: 'mitigated', mitigated_on: '2026-03-10', mitigated_by: { username: 'alice' } });
    expect(mitigated.mentions).toBeNull();
    const reopened = (await (
      await w.clients.bob.post(`/api/findings/${sqli}/status`, { status: 'verified' })
    ).json()) as TFindingStatusChangeResult;
    expect(reopened.finding).toMatchObject({ status: 'verified', mitigated_on: null, mitigated_by: null });
    expect(reopened.finding.status_history.map((h) => h.to)).toEqual(['active', 'false_positive', 'mitigated', 'verified']);
  });

  it('refuses Readers (403), outsiders (404), the same status (409) and statuses people may not set (400)', async () => {
    const { w, sqli } = await setUp();
    const reader = await w.clients.erin.post(`/api/findings/${sqli}/status`, { status: 'mitigated' });
    expect(reader.status).toBe(403);
    expect((await errorOf(reader)).message).toContain('needs the Writer role or higher');
    expect((await w.clients.carol.post(`/api/findings/${sqli}/status`, { status: 'mitigated' })).status).toBe(403);
    expect((await w.clients.dave.post(`/api/findings/${sqli}/status`, { status: 'mitigated' })).status).toBe(404);
    const same = await w.clients.bob.post(`/api/findings/${sqli}/status`, { status: 'active' });
    expect(same.status).toBe(409);
    expect((await errorOf(same)).message).toBe('The finding is already Active.');
    expect((await w.clients.bob.post(`/api/findings/${sqli}/status`, { status: 'risk_accepted' })).status).toBe(400);
    expect((await w.clients.bob.post(`/api/findings/${sqli}/status`, { status: 'duplicate' })).status).toBe(400);
    expect(await w.deps.db.get(sql`select count(*) as n from finding_status_history where finding_id = ${sqli}`)).toEqual({ n: 1 });
  });
});

describe('PATCH /api/findings/:id', () => {
  it('corrects the severity, recomputes the SLA expiry with it and keeps who, when, from → to and why', async () => {
    const { w, sqli } = await setUp();
    const before = (await (await w.clients.bob.get(`/api/findings/${sqli}`)).json()) as TFindingDetail;
    expect(before.severity).toBe('High');
    expect(before.severity_history).toEqual([]);
    const res = await w.clients.bob.patch(`/api/findings/${sqli}`, { severity: 'Critical', reason: '  Reachable from the internet.  ' });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as TFindingDetail;
    expect(detail.severity).toBe('Critical');
    expect(detail.sla).toEqual({ expires_on: '2026-03-08', days_left: -2, state: 'overdue' });
    expect(detail.sla_detail.days).toBe(7);
    expect(detail.severity_history).toEqual([
      {
        id: expect.any(Number),
        from: 'High',
        to: 'Critical',
        changed_by: { id: w.users.bob.id, username: 'bob', name: 'bob' },
        reason: 'Reachable from the internet.',
        sla_expires_before: before.sla.expires_on,
        sla_expires_after: '2026-03-08',
        created_at: new Date(w.deps.now()).toISOString(),
      },
    ]);
    // What the finding page reads afterwards is what the PATCH answered: the SLA is stored, not only shown.
    const reread = (await (await w.clients.erin.get(`/api/findings/${sqli}`)).json()) as TFindingDetail;
    expect(reread.sla).toEqual(detail.sla);
    expect(reread.severity_history).toEqual(detail.severity_history);
    const stored = await w.deps.db.get(sql`select severity, sla_expires_on as "slaExpiresOn" from findings where id = ${sqli}`);
    expect(stored).toEqual({ severity: 'Critical', slaExpiresOn: '2026-03-08' });

    const info = (await (
      await w.clients.bob.patch(`/api/findings/${sqli}`, { severity: 'Info', reason: 'A test fixture.' })
    ).json()) as TFindingDetail;
    expect(info.sla).toEqual({ expires_on: null, days_left: null, state: 'none' });
    expect(info.severity_history.map((h) => [h.from, h.to, h.sla_expires_before, h.sla_expires_after])).toEqual([
      ['High', 'Critical', before.sla.expires_on, '2026-03-08'],
      ['Critical', 'Info', '2026-03-08', null],
    ]);
  });

  it('refuses readers (403), outsiders (404), no reason, an unknown severity and the severity it already has', async () => {
    const { w, sqli } = await setUp();
    const reader = await w.clients.erin.patch(`/api/findings/${sqli}`, { severity: 'Low', reason: 'x' });
    expect(reader.status).toBe(403);
    expect((await errorOf(reader)).message).toContain('needs the Writer role or higher');
    expect((await w.clients.dave.patch(`/api/findings/${sqli}`, { severity: 'Low', reason: 'x' })).status).toBe(404);
    const noReason = await w.clients.bob.patch(`/api/findings/${sqli}`, { severity: 'Low' });
    expect(noReason.status).toBe(400);
    expect((await errorOf(noReason)).message).toBe('reason: Say why the severity changes');
    const blank = await w.clients.bob.patch(`/api/findings/${sqli}`, { severity: 'Low', reason: '   ' });
    expect(blank.status).toBe(400);
    expect((await errorOf(blank)).message).toContain('Say why the severity changes');
    expect((await w.clients.bob.patch(`/api/findings/${sqli}`, { severity: 'Urgent', reason: 'x' })).status).toBe(400);
    const same = await w.clients.bob.patch(`/api/findings/${sqli}`, { severity: 'High', reason: 'x' });
    expect(same.status).toBe(409);
    expect((await errorOf(same)).message).toBe('The finding is already High.');
    expect(await w.deps.db.get(sql`select count(*) as n from finding_severity_history`)).toEqual({ n: 0 });
    expect(await w.deps.db.get(sql`select severity from findings where id = ${sqli}`)).toEqual({ severity: 'High' });
  });
});

describe('product tags', () => {
  it('lets Maintainers set the tags of a product; Writers get 403, outsiders 404', async () => {
    const { w } = await setUp();
    const put = await w.clients.alice.put(`/api/products/${w.payments.id}/tags`, { tags: ['PCI', 'internet-facing'] });
    expect(put.status).toBe(200);
    expect((await put.json()) as TProductTags).toEqual({ product_id: w.payments.id, tags: ['internet-facing', 'pci'] });
    expect((await (await w.clients.erin.get(`/api/products/${w.payments.id}/tags`)).json()) as TProductTags).toMatchObject({
      tags: ['internet-facing', 'pci'],
    });
    expect((await w.clients.bob.put(`/api/products/${w.payments.id}/tags`, { tags: [] })).status).toBe(403);
    expect((await w.clients.dave.put(`/api/products/${w.payments.id}/tags`, { tags: [] })).status).toBe(404);
    expect((await w.clients.dave.get(`/api/products/${w.payments.id}/tags`)).status).toBe(404);
    const twice = await w.clients.alice.put(`/api/products/${w.payments.id}/tags`, { tags: ['pci', 'PCI'] });
    expect(twice.status).toBe(400);
    expect((await errorOf(twice)).message).toContain('lists a tag twice');
    expect(((await (await w.clients.alice.put(`/api/products/${w.payments.id}/tags`, { tags: [] })).json()) as TProductTags).tags).toEqual(
      [],
    );
  });
});
