/**
 * The domain blocks of webhook payloads: stored with the event as paths, rendered absolute into the webhook body
 * (delivery/render.ts addEventPayloadBlocks), and delivered to a real receiver after a scan import; and what mail,
 * Slack and Teams show of the new events.
 */
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMail, renderSlack, renderTeams, renderWebhookPayload, type TRenderEvent } from '../delivery/render';
import { drainDeliveries, insertWebhook, updateSystemSettings } from '../delivery/test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from '../delivery/test-peers/http-receiver';
import { createFindingsWorld, importOk, sessionAuth, type TWorld } from '../findings/test-helpers';

const settings = { teamName: 'Tocsin', disclaimer: '', baseUrl: 'https://tocsin.test' };
const context = { productType: { id: 1, name: 'Web' }, product: { id: 2, name: 'Payments API' }, engagement: { id: 3, name: 'CI' } };

const event = (payload: string | null): TRenderEvent => ({
  id: 9,
  name: 'scan_added',
  title: 'Semgrep scan imported into Payments API / CI: 1 new',
  description: '**Semgrep** scan imported into **Payments API** / **CI** by bob.\n\n- 1 new finding: 1 High',
  url: '/tests/5',
  source: 'Scan Added',
  createdAt: Date.parse('2026-03-10T12:00:00Z'),
  productTypeId: 1,
  productId: 2,
  engagementId: 3,
  payload,
});

describe('addEventPayloadBlocks', () => {
  it('adds the stored blocks to the webhook body with every link made absolute', () => {
    const stored = JSON.stringify({
      test: { id: 5, title: 'Semgrep', format: 'sarif', url: '/tests/5', url_ui: '/tests/5', url_api: '/api/tests/5' },
      findings: {
        new: [{ id: 7, title: 'SQLi', severity: 'High', url: '/findings/7', url_ui: '/findings/7', url_api: '/api/findings/7' }],
        reactivated: [],
        mitigated: [],
        untouched: [],
        totals: { new: 1, reactivated: 0, mitigated: 0, untouched: 0 },
        list_limit: 100,
      },
      // Not a block name: never copied, so it cannot replace the envelope.
      title: 'forged',
      url: 'https://evil.example',
    });
    const body = renderWebhookPayload(event(stored), context, settings, 'uuid-1');
    expect(body.title).toBe('Semgrep scan imported into Payments API / CI: 1 new');
    expect(body.url).toBe('https://tocsin.test/tests/5');
    expect(body.test).toEqual({
      id: 5,
      title: 'Semgrep',
      format: 'sarif',
      url: 'https://tocsin.test/tests/5',
      url_ui: 'https://tocsin.test/tests/5',
      url_api: 'https://tocsin.test/api/tests/5',
    });
    expect(body.findings?.new[0]).toEqual({
      id: 7,
      title: 'SQLi',
      severity: 'High',
      url: 'https://tocsin.test/findings/7',
      url_ui: 'https://tocsin.test/findings/7',
      url_api: 'https://tocsin.test/api/findings/7',
    });
    expect(body.findings?.totals.new).toBe(1);
  });

  it('sends the envelope alone when the event has no blocks or they cannot be read', () => {
    for (const stored of [null, '', 'not json', '42', 'null']) {
      const body = renderWebhookPayload(event(stored), context, settings, 'uuid-2') as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(
        [
          'created',
          'delivery_id',
          'description',
          'description_text',
          'engagement',
          'event',
          'product',
          'product_type',
          'source',
          'title',
          'url',
          'url_api',
          'url_ui',
        ].sort(),
      );
    }
  });

  it('gives mail, Slack and Teams the title, the description and the context of a scan import', () => {
    const mail = renderMail(event(null), context, settings);
    expect(mail.subject).toBe('Tocsin notification: Semgrep scan imported into Payments API / CI: 1 new');
    expect(mail.text).toContain('- 1 new finding: 1 High');
    expect(mail.text).toContain('Open it in Tocsin: https://tocsin.test/tests/5');
    expect(mail.html).toContain('https://tocsin.test/tests/5');
    const slack = renderSlack(event(null), context, settings);
    expect(JSON.stringify(slack.blocks)).toContain('1 new finding');
    const teams = renderTeams(event(null), context, settings);
    expect(JSON.stringify(teams.message)).toContain('https://tocsin.test/tests/5');
  });
});

let w: TWorld | undefined;
let receiver: THttpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  await w?.deps.cleanup();
  receiver = undefined;
  w = undefined;
});

describe('webhook payloads of a scan import, end to end', () => {
  it('delivers test_added with the test block and scan_added with the test and findings blocks', async () => {
    w = await createFindingsWorld({
      PUBLIC_URL: 'https://tocsin.test',
      OUTBOUND_ALLOW: '127.0.0.1',
      DELIVERY_BACKOFF_BASE_MS: 10,
      DELIVERY_BACKOFF_MAX_MS: 50,
    });
    receiver = await startHttpReceiver();
    await updateSystemSettings(w.deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 2 });
    await insertWebhook(w.deps, { name: 'SIEM', url: `${receiver.url}/hooks` });
    await w.deps.db.run(
      sql`update notification_settings set channels = 17 where scope = 'system' and event in ('test_added', 'scan_added')`,
    );
    const result = await importOk(w.app, sessionAuth(w.clients.bob), { engagement_id: w.ci.id }, { fixture: 'codeql.sarif' });
    await drainDeliveries(w.deps);
    const bodies = receiver.requests.map((r) => r.json as Record<string, unknown>);
    expect(bodies.map((b) => b.event)).toEqual(['test_added', 'scan_added']);
    const testBlock = {
      id: result.test_id,
      title: 'CodeQL',
      format: 'sarif',
      url: `https://tocsin.test/tests/${result.test_id}`,
      url_ui: `https://tocsin.test/tests/${result.test_id}`,
      url_api: `https://tocsin.test/api/tests/${result.test_id}`,
    };
    expect(bodies[0]).toMatchObject({ title: 'Test CodeQL added to Payments API / CI', test: testBlock });
    expect(bodies[0]?.findings).toBeUndefined();
    const scan = bodies[1] as {
      test: unknown;
      findings: { new: { severity: string; url_api: string }[]; totals: unknown; list_limit: number };
      url: string;
    };
    expect(scan.test).toEqual(testBlock);
    expect(scan.url).toBe(`https://tocsin.test/tests/${result.test_id}`);
    expect(scan.findings.totals).toEqual({ new: 4, reactivated: 0, mitigated: 0, untouched: 0 });
    expect(scan.findings.new.map((f) => f.severity)).toEqual(['Critical', 'High', 'Medium', 'Low']);
    expect(scan.findings.new[0]?.url_api).toMatch(/^https:\/\/tocsin\.test\/api\/findings\/\d+$/);
    expect(scan.findings.list_limit).toBe(100);
  });
});
