/** The worker: concurrency, isolation between destinations, leases, stop, final failures and their alerts. */
import { eq, SQL, StringChunk, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRows } from '../db/rows';
import { alerts, deliveries, deliveryAttempts } from '../db/schema';
import { createTestDeps, createUser, type TTestDeps } from '../test-utils';
import { computeLeases, renderDeliveryContent } from './channels/registry';
import { FAILURE_NOTICE_INTERVAL_MS } from './failure-notices';
import { claim, retryDeliveryNow } from './queue';
import { getPublicBaseUrl, getSystemSettings } from './settings';
import {
  drainDeliveries,
  getDelivery,
  insertDelivery,
  insertEvent,
  insertWebhook,
  updateSystemSettings,
  waitFor,
} from './test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from './test-peers/http-receiver';
import { startSlackStandIn } from './test-peers/slack';
import { startSmtpReceiver } from './test-peers/smtp';
import { perDestinationCap, runDueDeliveries, SentRecorder, startWorker } from './worker';

let deps: TTestDeps;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  deps = await createTestDeps({
    OUTBOUND_ALLOW: '127.0.0.1',
    DELIVERY_BACKOFF_BASE_MS: 10,
    DELIVERY_BACKOFF_MAX_MS: 40,
    DELIVERY_MAX_ATTEMPTS: 3,
    WORKER_POLL_MS: 50,
  });
  await updateSystemSettings(deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 5 });
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await deps.cleanup();
});

async function receiver(opts: Parameters<typeof startHttpReceiver>[0] = {}): Promise<THttpReceiver> {
  const r = await startHttpReceiver(opts);
  closers.push(r.close);
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function queue(hookId: number, count: number, eventId?: number) {
  const event = eventId ?? (await insertEvent(deps)).id;
  const rows = [];
  for (let i = 0; i < count; i++) {
    rows.push(await insertDelivery(deps, { eventId: event, channel: 'webhooks', targetKind: 'webhook', webhookId: hookId }));
  }
  return rows;
}

/** How many of the rows have this status now. */
async function countWithStatus(ids: readonly number[], status: string): Promise<number> {
  const row = await deps.db.get<{ n: number }>(
    sql`select count(*) as n from deliveries where status = ${status} and ${deps.db.fragments.inIds(sql`id`, ids)}`,
  );
  return row?.n ?? 0;
}

describe('final failures and superuser alerts', () => {
  it('fails after DELIVERY_MAX_ATTEMPTS and alerts every active superuser once per destination per hour', async () => {
    const root = await createUser(deps, { username: 'root', isSuperuser: true });
    const admin = await createUser(deps, { username: 'admin', isSuperuser: true });
    await createUser(deps, { username: 'retired', isSuperuser: true, isActive: false });
    const plain = await createUser(deps, { username: 'plain' });
    const changed: number[][] = [];
    deps.bus.subscribe('alerts-changed', (m) => changed.push(m.userIds));

    const down = await receiver({ respond: { status: 500 } });
    const hook = await insertWebhook(deps, { name: 'SIEM', url: down.url, status: 'active' });
    // The endpoint rests 60 s after each failure; keep it "active" between attempts so the retries are quick.
    const keepActive = () => deps.db.run(sql`update webhooks set status = 'active', first_error_at = null where id = ${hook.id}`);
    const [a, b] = await queue(hook.id, 2, (await insertEvent(deps, { title: 'Scan added' })).id);
    for (let i = 0; i < 10 && (await countWithStatus([a!.id, b!.id], 'failed')) < 2; i++) {
      await keepActive();
      // Due again at once; a row that met the endpoint already resting was put back untried (queued) for later.
      await deps.db.run(sql`update deliveries set next_attempt_at = 0 where status in ('queued', 'retrying')`);
      await runDueDeliveries(deps);
    }
    expect(await getDelivery(deps, a!.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await getDelivery(deps, b!.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await getDelivery(deps, a!.id)).lastError).toMatch(/^Gave up after 3 attempts\. Last error: The webhook answered HTTP 500/);

    // Two failures for one destination within the hour: one alert each for root and admin, none for others.
    const rows = await findRows(deps.db, alerts, undefined, { orderBy: sql`${alerts.id}` });
    expect(rows.map((r) => r.userId).sort()).toEqual([root.id, admin.id].sort());
    expect(rows[0]).toMatchObject({ source: 'Webhook Notification', icon: 'webhooks', url: '/deliveries?status=failed&channel=webhooks' });
    expect(rows[0]?.title).toMatch(/Webhook notification failed: webhook "SIEM"/);
    expect(rows[0]?.description).toMatch(/Scan added[\s\S]*HTTP 500/);
    expect(rows.some((r) => r.userId === plain.id)).toBe(false);
    // Heard after the commit (on PostgreSQL through NOTIFY, a moment later).
    await waitFor(() => changed.length > 0);
    expect(changed).toEqual([[root.id, admin.id].sort((x, y) => x - y)]);

    // Another destination failing in the same hour gets its own alert.
    const system = await insertDelivery(deps, { eventId: a!.eventId, channel: 'slack', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect((await getDelivery(deps, system.id)).lastError).toBe(
      'Slack notifications are disabled in System Settings, so this was not sent.',
    );
    expect(await findRows(deps.db, alerts, eq(alerts.source, 'Slack Notification'))).toHaveLength(2);

    // An hour later the webhook may alert again.
    const later = Date.now() + FAILURE_NOTICE_INTERVAL_MS + 1000;
    deps.now = () => later;
    await deps.db.run(sql`update webhooks set status = 'inactive_permanent' where id = ${hook.id}`);
    await queue(hook.id, 1);
    await runDueDeliveries(deps);
    expect(await findRows(deps.db, alerts, eq(alerts.source, 'Webhook Notification'))).toHaveLength(4);
  });
});

describe('isolation', () => {
  it('one failing channel never holds back the others for the same event', async () => {
    const smtp = await startSmtpReceiver();
    closers.push(smtp.close);
    const slack = await startSlackStandIn();
    closers.push(slack.close);
    const hook = await receiver();
    const slackDeps = await createTestDeps({
      OUTBOUND_ALLOW: '127.0.0.1',
      SLACK_API_URL: slack.url,
      DELIVERY_BACKOFF_BASE_MS: 10,
      DELIVERY_MAX_ATTEMPTS: 3,
    });
    closers.push(() => slackDeps.cleanup());
    // A stopped clock: the failing mail is not retried within the run, however long the other sends take.
    const now = Date.now();
    slackDeps.now = () => now;
    await updateSystemSettings(slackDeps, {
      mailEnabled: true,
      mailTo: 'sec@example.test',
      smtpHost: '127.0.0.1',
      smtpPort: 1, // nothing listens there: mail keeps failing
      slackEnabled: true,
      slackToken: slack.token,
      slackChannel: '#sec',
      msteamsEnabled: true,
      msteamsUrl: `${hook.url}/teams`,
      webhooksEnabled: true,
    });
    const endpoint = await insertWebhook(slackDeps, { url: `${hook.url}/hook` });
    const event = await insertEvent(slackDeps);
    const mail = await insertDelivery(slackDeps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    const others = [
      await insertDelivery(slackDeps, { eventId: event.id, channel: 'slack', targetKind: 'system' }),
      await insertDelivery(slackDeps, { eventId: event.id, channel: 'msteams', targetKind: 'system' }),
      await insertDelivery(slackDeps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: endpoint.id }),
    ];
    await runDueDeliveries(slackDeps);
    for (const d of others) expect((await getDelivery(slackDeps, d.id)).status).toBe('sent');
    expect((await getDelivery(slackDeps, mail.id)).status).toBe('retrying');
    expect(slack.posts).toHaveLength(1);
    expect(hook.requests.map((r) => r.path).sort()).toEqual(['/hook', '/teams']);
  });

  it('a hanging endpoint does not delay a healthy one, and a 503 endpoint rests instead of taking every slot', async () => {
    const hanging = await receiver({ respond: 'hang' });
    const failing = await receiver({ respond: { status: 503 } });
    const healthy = await receiver();
    // A timeout far longer than the healthy sends need: they must all be sent while the hanging ones still hang.
    await updateSystemSettings(deps, { webhooksTimeoutSeconds: 20 });
    const hangHook = await insertWebhook(deps, { url: hanging.url });
    const failHook = await insertWebhook(deps, { url: failing.url });
    const okHook = await insertWebhook(deps, { url: healthy.url });
    const hung = (await queue(hangHook.id, 3)).map((d) => d.id);
    await queue(failHook.id, 30);
    const good = (await queue(okHook.id, 60)).map((d) => d.id);

    const worker = startWorker(deps, { concurrency: 4, stopGraceMs: 50 });
    try {
      await waitFor(async () => (await countWithStatus(good, 'sent')) === good.length, 15_000);
      // Sent before any hanging request ended: the hanging endpoint still holds its capped share, unanswered.
      expect(hanging.requests.length).toBeGreaterThan(0);
      expect(await countWithStatus(hung, 'sending')).toBe(hanging.requests.length);
      const attempted = await deps.db.get<{ n: number | string }>(
        sql`select count(*) as n from delivery_attempts where ${deps.db.fragments.inIds(sql`delivery_id`, hung)}`,
      );
      expect(Number(attempted?.n)).toBe(0);
      expect(healthy.requests).toHaveLength(60);
      // The 503 endpoint went inactive_tmp after its first answers; the rest of its rows wait, unsent.
      expect(failing.requests.length).toBeLessThanOrEqual(4);
      const waiting = await findRows(deps.db, deliveries, eq(deliveries.webhookId, failHook.id));
      expect(waiting.every((d) => d.status === 'queued' || d.status === 'retrying')).toBe(true);
    } finally {
      await worker.stop();
    }
  });

  it('caps the sends in flight per endpoint: a hanging one holds only its share, the healthy ones get every other slot', async () => {
    const concurrency = 16;
    const cap = perDestinationCap(concurrency);
    expect(cap).toBe(2);
    const hanging = await receiver({ respond: 'hang' });
    // Far longer than the healthy sends need: they must all be sent while the hanging requests still hang.
    await updateSystemSettings(deps, { webhooksTimeoutSeconds: 20 });
    const hangHook = await insertWebhook(deps, { url: hanging.url });
    // The hanging endpoint's rows are the oldest: without the cap they would fill the first claim.
    const hung = (await queue(hangHook.id, 20)).map((d) => d.id);
    const healthy: THttpReceiver[] = [];
    const good: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await receiver();
      healthy.push(r);
      const hook = await insertWebhook(deps, { url: r.url });
      good.push(...(await queue(hook.id, 15)).map((d) => d.id));
    }

    const worker = startWorker(deps, { concurrency, stopGraceMs: 50 });
    try {
      await waitFor(async () => (await countWithStatus(good, 'sent')) === good.length, 15_000, 'every healthy delivery sent');
      // All 90 sent while the hanging endpoint's requests were still hanging (nothing of it attempted, below).
      for (const r of healthy) expect(r.requests).toHaveLength(15);
      // The hanging endpoint holds exactly its capped slots; its other rows were never claimed.
      expect(hanging.requests).toHaveLength(cap);
      expect(await countWithStatus(hung, 'sending')).toBe(cap);
      expect(await countWithStatus(hung, 'queued')).toBe(hung.length - cap);
      const attempted = await deps.db.get<{ n: number }>(
        sql`select count(*) as n from deliveries where ${deps.db.fragments.inIds(sql`id`, hung)} and attempts > 0`,
      );
      expect(attempted?.n).toBe(0);
    } finally {
      await worker.stop();
    }
  });
});

describe('isolation of a hanging channel service', () => {
  it('caps a hanging Teams webhook like an endpoint: the deliveries behind its backlog still go', async () => {
    const teams = await receiver({ respond: 'hang' });
    const healthy = await receiver();
    await updateSystemSettings(deps, { msteamsEnabled: true, msteamsUrl: `${teams.url}/teams` });
    const event = await insertEvent(deps);
    // The Teams rows are the oldest: without the cap they would take every slot until Teams' 15 s timeout.
    const stuck: number[] = [];
    for (let i = 0; i < 10; i++)
      stuck.push((await insertDelivery(deps, { eventId: event.id, channel: 'msteams', targetKind: 'system' })).id);
    const good: number[] = [];
    for (let h = 0; h < 3; h++) {
      const hook = await insertWebhook(deps, { url: `${healthy.url}/${h}` });
      good.push(...(await queue(hook.id, 10, event.id)).map((d) => d.id));
    }
    const concurrency = 8;
    const worker = startWorker(deps, { concurrency, stopGraceMs: 50 });
    try {
      await waitFor(async () => (await countWithStatus(good, 'sent')) === good.length, 5000, 'every webhook delivery sent');
      expect(healthy.requests).toHaveLength(30);
      expect(teams.requests).toHaveLength(perDestinationCap(concurrency));
      expect(await countWithStatus(stuck, 'queued')).toBe(stuck.length - perDestinationCap(concurrency));
    } finally {
      await worker.stop();
    }
  });
});

describe('leases and crash recovery', () => {
  it('claims a sending row whose lease expired, and leaves one with a live lease alone', async () => {
    const r = await receiver();
    const hook = await insertWebhook(deps, { url: r.url });
    const [expired, live] = await queue(hook.id, 2);
    await deps.db.run(sql`update deliveries set status = 'sending', lease_until = ${deps.now() - 1} where id = ${expired!.id}`);
    await deps.db.run(sql`update deliveries set status = 'sending', lease_until = ${deps.now() + 60_000} where id = ${live!.id}`);
    const stats = await runDueDeliveries(deps);
    expect(stats.sent).toBe(1);
    expect((await getDelivery(deps, expired!.id)).status).toBe('sent');
    expect((await getDelivery(deps, live!.id)).status).toBe('sending');
    expect(r.requests.map((q) => q.headers['x-tocsin-delivery'])).toEqual([expired!.uuid]);
  });

  it("leases each row for at least its channel's slowest send, under this instance's name", async () => {
    const event = await insertEvent(deps);
    const hook = await insertWebhook(deps, { url: 'http://127.0.0.1:9/' });
    const w = await insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
    const m = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    const settings = await getSystemSettings(deps); // webhook timeout: 5 s
    const now = deps.now();
    const render = { teamName: settings.teamName, disclaimer: settings.disclaimer, baseUrl: getPublicBaseUrl(deps.env) };
    const claimed = await claim(deps, {
      limit: 10,
      leases: computeLeases(1000, settings),
      inFlight: new Map(),
      perDestination: 10,
      render: (channel, e, context, uuid) => renderDeliveryContent(channel, e, context, render, uuid),
    });
    const leaseOf = (id: number) => claimed.find((c) => c.id === id)!.leaseUntil - now;
    expect(leaseOf(w.id)).toBeGreaterThanOrEqual(7000);
    expect(leaseOf(w.id)).toBeLessThan(7000 + 1000);
    expect(leaseOf(m.id)).toBeGreaterThanOrEqual(47_000);
    expect(await getDelivery(deps, w.id)).toMatchObject({
      status: 'sending',
      leaseUntil: claimed.find((c) => c.id === w.id)!.leaseUntil,
      leaseOwner: deps.instanceId,
    });
    // The channel's own need; the configured minimum is applied on top (max of the two).
    expect(computeLeases(60_000, settings).byChannel.webhooks).toBe(7000);
  });

  it('an outcome from a claimer that lost its lease changes nothing', async () => {
    const r = await receiver({ respond: () => ({ status: 200 }) });
    const hook = await insertWebhook(deps, { url: r.url });
    const [d] = await queue(hook.id, 1);
    // Another claimer takes the row over (a new lease) while the first is still sending.
    const otherLease = deps.now() + 600_000;
    r.respondWith(async () => {
      await deps.db.run(sql`update deliveries set lease_until = ${otherLease} where id = ${d!.id}`);
      return { status: 200 };
    });
    const stats = await runDueDeliveries(deps);
    expect(stats.lost).toBe(1);
    expect(await getDelivery(deps, d!.id)).toMatchObject({ status: 'sending', leaseUntil: otherLease, attempts: 0 });
  });

  it('graceful stop finishes quick sends and puts back the ones still hanging, lease cleared', async () => {
    const slow = await receiver({ respond: 'hang' });
    const quick = await receiver();
    const hook = await insertWebhook(deps, { url: slow.url });
    const quickHook = await insertWebhook(deps, { url: quick.url });
    const hung = await queue(hook.id, 2);
    const worker = startWorker(deps, { concurrency: 8, stopGraceMs: 200 });
    await slow.waitForRequests(2);
    const quickOne = (await queue(quickHook.id, 1))[0]!;
    worker.wake();
    await quick.waitForRequests(1);
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    for (const d of hung) {
      expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'queued', leaseUntil: null, leaseOwner: null, attempts: 0 });
    }
    await waitFor(async () => (await getDelivery(deps, quickOne.id)).status === 'sent');
    expect(await findRows(deps.db, deliveryAttempts)).toHaveLength(1);
    // After the restart they are sent.
    slow.respondWith({ status: 200 });
    await runDueDeliveries(deps);
    for (const d of hung) expect((await getDelivery(deps, d.id)).status).toBe('sent');
  });

  it('a restarted instance takes back its own leased rows at once, and leaves other instances’ live leases alone', async () => {
    const r = await receiver();
    const hook = await insertWebhook(deps, { url: r.url });
    const [mine, theirs] = await queue(hook.id, 2);
    // As a killed instance leaves them: mid-send, with leases that lapse only in ten minutes.
    const leaseUntil = deps.now() + 600_000;
    await deps.db.run(sql`update deliveries set status = 'sending', lease_until = ${leaseUntil}, lease_owner = ${deps.instanceId}
      where id = ${mine!.id}`);
    await deps.db.run(sql`update deliveries set status = 'sending', lease_until = ${leaseUntil}, lease_owner = 'another-replica'
      where id = ${theirs!.id}`);
    const worker = startWorker(deps, { pollMs: 60_000 });
    try {
      await waitFor(async () => (await getDelivery(deps, mine!.id)).status === 'sent', 2000);
      expect(r.requests.map((q) => q.headers['x-tocsin-delivery'])).toEqual([mine!.uuid]);
      expect(await getDelivery(deps, theirs!.id)).toMatchObject({ status: 'sending', leaseUntil, leaseOwner: 'another-replica' });
    } finally {
      await worker.stop();
    }
  });
});

describe('the running worker', () => {
  it('wakes on deliveries-queued well before its poll interval', async () => {
    const r = await receiver();
    const hook = await insertWebhook(deps, { url: r.url });
    const worker = startWorker(deps, { pollMs: 60_000 });
    try {
      await sleep(50);
      const [d] = await queue(hook.id, 1);
      const t0 = Date.now();
      await deps.bus.publish(deps.db, { type: 'deliveries-queued' });
      await r.waitForRequests(1, 2000);
      expect(Date.now() - t0).toBeLessThan(1000);
      await waitFor(async () => (await getDelivery(deps, d!.id)).status === 'sent');
    } finally {
      await worker.stop();
    }
  });

  it('retries on its own at the backoff time and survives an error thrown while sending', async () => {
    let calls = 0;
    const r = await receiver({ signingSecret: 's', respond: () => (++calls === 1 ? { status: 500 } : { status: 200 }) });
    const hook = await insertWebhook(deps, { url: r.url, signingSecret: 's' });
    const event = await insertEvent(deps);
    // Damaged content: signing it throws inside the adapter.
    const broken = await insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      content: JSON.stringify({ channel: 'webhooks', event: 'x' }),
    });
    const [d] = await queue(hook.id, 1, event.id);
    const worker = startWorker(deps, { pollMs: 60_000 });
    try {
      // The 500 makes the endpoint rest 60 s: pretend that time passed by clearing its state each time.
      await waitFor(async () => {
        await deps.db.run(sql`update webhooks set status = 'active' where id = ${hook.id} and status = 'inactive_tmp'`);
        await deps.db.run(sql`update deliveries set next_attempt_at = 0 where status = 'retrying' and id = ${d!.id}`);
        worker.wake();
        // Both sends run side by side: wait for the broken one's attempt too, not only for the good one.
        const brokenTried = (await findRows(deps.db, deliveryAttempts, eq(deliveryAttempts.deliveryId, broken.id))).length > 0;
        return brokenTried && (await getDelivery(deps, d!.id)).status === 'sent';
      });
      const brokenAttempts = await findRows(deps.db, deliveryAttempts, eq(deliveryAttempts.deliveryId, broken.id));
      expect(brokenAttempts[0]?.error).toMatch(/Unexpected error in Tocsin while sending/);
      expect((await getDelivery(deps, broken.id)).status).not.toBe('sending');
    } finally {
      await worker.stop();
    }
  });
});

describe('retryDeliveryNow', () => {
  it('puts a failed delivery back in the queue with a fresh attempt budget and wakes the worker', async () => {
    const r = await receiver({ respond: { status: 400 } });
    const hook = await insertWebhook(deps, { url: r.url });
    const [d] = await queue(hook.id, 1);
    await runDueDeliveries(deps);
    expect((await getDelivery(deps, d!.id)).status).toBe('failed');
    let woken = 0;
    deps.bus.subscribe('deliveries-queued', () => woken++);
    await deps.db.run(sql`update webhooks set status = 'active' where id = ${hook.id}`);
    r.respondWith({ status: 200 });
    const row = await retryDeliveryNow(deps, d!.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 0 });
    await waitFor(() => woken > 0);
    expect(woken).toBe(1);
    await drainDeliveries(deps);
    expect((await getDelivery(deps, d!.id)).status).toBe('sent');
    expect(await findRows(deps.db, deliveryAttempts, eq(deliveryAttempts.deliveryId, d!.id))).toHaveLength(2);
    await expect(retryDeliveryNow(deps, d!.id)).rejects.toThrow(/Only failed or retrying deliveries can be retried; this one is sent/);
    await expect(retryDeliveryNow(deps, 999_999)).rejects.toThrow(/was not found/);
  });
});

describe('reading endpoints', () => {
  it('reads the webhook endpoints of a claimed batch in one query, not once per send', async () => {
    const ok = await receiver();
    const hooks = [];
    for (const name of ['A', 'B', 'C']) hooks.push(await insertWebhook(deps, { name, url: ok.url, status: 'active' }));
    const event = (await insertEvent(deps)).id;
    const ids: number[] = [];
    for (const hook of hooks) for (const row of await queue(hook.id, 3, event)) ids.push(row.id);
    const reads: string[] = [];
    const textOf = (q: SQL): string =>
      q.queryChunks.map((c) => (c instanceof StringChunk ? c.value.join('') : c instanceof SQL ? textOf(c) : '?')).join('');
    for (const method of ['get', 'all'] as const) {
      const original = deps.db[method].bind(deps.db) as (q: SQL) => Promise<unknown>;
      (deps.db as unknown as Record<string, unknown>)[method] = (query: SQL) => {
        if (/from webhooks where/.test(textOf(query))) reads.push(textOf(query));
        return original(query);
      };
    }
    await runDueDeliveries(deps);
    expect(await countWithStatus(ids, 'sent')).toBe(9);
    expect(ok.requests).toHaveLength(9);
    expect(reads).toHaveLength(1);
  });
});

describe('recording sends', () => {
  it('records the sends that finish together in one write, each learning whether its own row changed', async () => {
    const ok = await receiver();
    const hook = await insertWebhook(deps, { name: 'A', url: ok.url, status: 'active' });
    const rows = await queue(hook.id, 6);
    const claimed = await claim(deps, {
      limit: 10,
      leases: computeLeases(30_000, await getSystemSettings(deps)),
      inFlight: new Map(),
      perDestination: 10,
      render: (channel, event, context, uuid) =>
        renderDeliveryContent(
          channel,
          event,
          context,
          { teamName: 'T', disclaimer: '', baseUrl: getPublicBaseUrl(deps.env), confidential: false },
          uuid,
        ),
    });
    expect(claimed).toHaveLength(6);
    const recorder = new SentRecorder(deps);
    const attempt = { startedAt: 1, finishedAt: 2, ok: true, responseCode: 200, error: null, errorSummary: null };
    const results = await Promise.all(
      claimed.map((row, i) => recorder.record(i === 5 ? { ...row, leaseUntil: row.leaseUntil + 1 } : row, attempt)),
    );
    expect(results).toEqual([true, true, true, true, true, false]);
    expect(recorder.writes).toBe(1);
    expect(
      await countWithStatus(
        rows.map((r) => r.id),
        'sent',
      ),
    ).toBe(5);
    // A lone send later is written on its own, at once.
    expect(await recorder.record(claimed[5]!, attempt)).toBe(true);
    expect(recorder.writes).toBe(2);
  });
});
