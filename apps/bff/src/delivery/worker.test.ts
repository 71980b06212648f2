/** The worker: concurrency, isolation between destinations, leases, stop, final failures and their alerts. */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alerts, deliveries, deliveryAttempts } from '../db/schema';
import { createTestDeps, createUser } from '../test-utils';
import { claimDueDeliveries } from './claim';
import { FAILURE_NOTICE_INTERVAL_MS } from './failure-notices';
import { retryDeliveryNow } from './retry';
import { getSystemSettings } from './settings';
import { drainDeliveries, getDelivery, insertDelivery, insertEvent, insertWebhook, updateSystemSettings } from './test-peers/fixtures';
import { startHttpReceiver, type THttpReceiver } from './test-peers/http-receiver';
import { startSlackStandIn } from './test-peers/slack';
import { startSmtpReceiver } from './test-peers/smtp';
import { computeLeases, runDueDeliveries, startWorker } from './worker';

let deps: ReturnType<typeof createTestDeps>;
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  deps = createTestDeps({ DELIVERY_BACKOFF_BASE_MS: 10, DELIVERY_BACKOFF_MAX_MS: 40, DELIVERY_MAX_ATTEMPTS: 3, WORKER_POLL_MS: 50 });
  updateSystemSettings(deps, { webhooksEnabled: true, webhooksTimeoutSeconds: 5 });
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  deps.cleanup();
});

async function receiver(opts: Parameters<typeof startHttpReceiver>[0] = {}): Promise<THttpReceiver> {
  const r = await startHttpReceiver(opts);
  closers.push(r.close);
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

function queue(hookId: number, count: number, eventId = insertEvent(deps).id) {
  return Array.from({ length: count }, () =>
    insertDelivery(deps, { eventId, channel: 'webhooks', targetKind: 'webhook', webhookId: hookId }),
  );
}

describe('final failures and superuser alerts', () => {
  it('fails after DELIVERY_MAX_ATTEMPTS and alerts every active superuser once per destination per hour', async () => {
    const root = await createUser(deps, { username: 'root', isSuperuser: true });
    const admin = await createUser(deps, { username: 'admin', isSuperuser: true });
    await createUser(deps, { username: 'retired', isSuperuser: true, isActive: false });
    const plain = await createUser(deps, { username: 'plain' });
    const changed: number[][] = [];
    deps.bus.on('alerts-changed', (ids: number[]) => changed.push(ids));

    const down = await receiver({ respond: { status: 500 } });
    const hook = insertWebhook(deps, { name: 'SIEM', url: down.url, status: 'active' });
    // The endpoint rests 60 s after each failure; keep it "active" between attempts so the retries are quick.
    const keepActive = () => deps.sqlite.prepare("update webhooks set status = 'active', first_error_at = null where id = ?").run(hook.id);
    const [a, b] = queue(hook.id, 2, insertEvent(deps, { title: 'Scan added' }).id);
    for (let i = 0; i < 10 && [a, b].some((d) => getDelivery(deps, d!.id).status !== 'failed'); i++) {
      keepActive();
      deps.sqlite.prepare("update deliveries set next_attempt_at = 0 where status = 'retrying'").run();
      await runDueDeliveries(deps);
    }
    expect(getDelivery(deps, a!.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(getDelivery(deps, b!.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(getDelivery(deps, a!.id).lastError).toMatch(/^Gave up after 3 attempts\. Last error: The webhook answered HTTP 500/);

    // Two failures for one destination within the hour: one alert each for root and admin, none for others.
    const rows = deps.db.select().from(alerts).all();
    expect(rows.map((r) => r.userId).sort()).toEqual([root.id, admin.id].sort());
    expect(rows[0]).toMatchObject({ source: 'Webhook Notification', icon: 'webhooks', url: '/deliveries?status=failed&channel=webhooks' });
    expect(rows[0]?.title).toMatch(/Webhook notification failed: webhook "SIEM"/);
    expect(rows[0]?.description).toMatch(/Scan added[\s\S]*HTTP 500/);
    expect(rows.some((r) => r.userId === plain.id)).toBe(false);
    expect(changed).toEqual([[root.id, admin.id].sort((x, y) => x - y)]);

    // Another destination failing in the same hour gets its own alert.
    const system = insertDelivery(deps, { eventId: a!.eventId, channel: 'slack', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect(getDelivery(deps, system.id).lastError).toBe('Slack notifications are disabled in System Settings, so this was not sent.');
    expect(deps.db.select().from(alerts).where(eq(alerts.source, 'Slack Notification')).all()).toHaveLength(2);

    // An hour later the webhook may alert again.
    const later = Date.now() + FAILURE_NOTICE_INTERVAL_MS + 1000;
    deps.now = () => later;
    deps.sqlite.prepare("update webhooks set status = 'inactive_permanent' where id = ?").run(hook.id);
    queue(hook.id, 1);
    await runDueDeliveries(deps);
    expect(deps.db.select().from(alerts).where(eq(alerts.source, 'Webhook Notification')).all()).toHaveLength(4);
  });
});

describe('isolation', () => {
  it('one failing channel never holds back the others for the same event', async () => {
    const smtp = await startSmtpReceiver();
    closers.push(smtp.close);
    const slack = await startSlackStandIn();
    closers.push(slack.close);
    const hook = await receiver();
    const slackDeps = createTestDeps({ SLACK_API_URL: slack.url, DELIVERY_BACKOFF_BASE_MS: 10, DELIVERY_MAX_ATTEMPTS: 3 });
    closers.push(async () => slackDeps.cleanup());
    updateSystemSettings(slackDeps, {
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
    const endpoint = insertWebhook(slackDeps, { url: `${hook.url}/hook` });
    const event = insertEvent(slackDeps);
    const mail = insertDelivery(slackDeps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    const others = [
      insertDelivery(slackDeps, { eventId: event.id, channel: 'slack', targetKind: 'system' }),
      insertDelivery(slackDeps, { eventId: event.id, channel: 'msteams', targetKind: 'system' }),
      insertDelivery(slackDeps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: endpoint.id }),
    ];
    await runDueDeliveries(slackDeps);
    for (const d of others) expect(getDelivery(slackDeps, d.id).status).toBe('sent');
    expect(getDelivery(slackDeps, mail.id).status).toBe('retrying');
    expect(slack.posts).toHaveLength(1);
    expect(hook.requests.map((r) => r.path).sort()).toEqual(['/hook', '/teams']);
  });

  it('a hanging endpoint does not delay a healthy one, and a 503 endpoint rests instead of taking every slot', async () => {
    const hanging = await receiver({ respond: 'hang' });
    const failing = await receiver({ respond: { status: 503 } });
    const healthy = await receiver();
    updateSystemSettings(deps, { webhooksTimeoutSeconds: 3 });
    const hangHook = insertWebhook(deps, { url: hanging.url });
    const failHook = insertWebhook(deps, { url: failing.url });
    const okHook = insertWebhook(deps, { url: healthy.url });
    queue(hangHook.id, 3);
    queue(failHook.id, 30);
    const good = queue(okHook.id, 60);

    const started = Date.now();
    const worker = startWorker(deps, { concurrency: 4, stopGraceMs: 50 });
    try {
      await waitFor(() => good.every((d) => getDelivery(deps, d.id).status === 'sent'), 2500);
      // Well before the hanging endpoint's 3 s timeout.
      expect(Date.now() - started).toBeLessThan(2500);
      expect(healthy.requests).toHaveLength(60);
      // The 503 endpoint went inactive_tmp after its first answers; the rest of its rows wait, unsent.
      expect(failing.requests.length).toBeLessThanOrEqual(4);
      const waiting = deps.db.select().from(deliveries).where(eq(deliveries.webhookId, failHook.id)).all();
      expect(waiting.every((d) => d.status === 'queued' || d.status === 'retrying')).toBe(true);
    } finally {
      await worker.stop();
    }
  });
});

describe('leases and crash recovery', () => {
  it('claims a sending row whose lease expired, and leaves one with a live lease alone', async () => {
    const r = await receiver();
    const hook = insertWebhook(deps, { url: r.url });
    const [expired, live] = queue(hook.id, 2);
    deps.sqlite.prepare("update deliveries set status = 'sending', lease_until = ? where id = ?").run(deps.now() - 1, expired!.id);
    deps.sqlite.prepare("update deliveries set status = 'sending', lease_until = ? where id = ?").run(deps.now() + 60_000, live!.id);
    const stats = await runDueDeliveries(deps);
    expect(stats.sent).toBe(1);
    expect(getDelivery(deps, expired!.id).status).toBe('sent');
    expect(getDelivery(deps, live!.id).status).toBe('sending');
    expect(r.requests.map((q) => q.headers['x-tocsin-delivery'])).toEqual([expired!.uuid]);
  });

  it("leases each row for at least its channel's slowest send", () => {
    const event = insertEvent(deps);
    const hook = insertWebhook(deps, { url: 'http://127.0.0.1:9/' });
    const w = insertDelivery(deps, { eventId: event.id, channel: 'webhooks', targetKind: 'webhook', webhookId: hook.id });
    const m = insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    const settings = getSystemSettings(deps); // webhook timeout: 5 s
    const now = deps.now();
    const claimed = claimDueDeliveries(deps, 10, settings, computeLeases(1000, settings));
    const leaseOf = (id: number) => claimed.find((c) => c.id === id)!.leaseUntil - now;
    expect(leaseOf(w.id)).toBeGreaterThanOrEqual(7000);
    expect(leaseOf(w.id)).toBeLessThan(7000 + 1000);
    expect(leaseOf(m.id)).toBeGreaterThanOrEqual(47_000);
    expect(getDelivery(deps, w.id)).toMatchObject({ status: 'sending', leaseUntil: claimed.find((c) => c.id === w.id)!.leaseUntil });
    // The channel's own need; the configured minimum is applied on top (max of the two).
    expect(computeLeases(60_000, settings).byChannel.webhooks).toBe(7000);
  });

  it('an outcome from a claimer that lost its lease changes nothing', async () => {
    const r = await receiver({ respond: () => ({ status: 200 }) });
    const hook = insertWebhook(deps, { url: r.url });
    const [d] = queue(hook.id, 1);
    // Another claimer takes the row over (a new lease) while the first is still sending.
    const otherLease = deps.now() + 600_000;
    r.respondWith(() => {
      deps.sqlite.prepare('update deliveries set lease_until = ? where id = ?').run(otherLease, d!.id);
      return { status: 200 };
    });
    const stats = await runDueDeliveries(deps);
    expect(stats.lost).toBe(1);
    expect(getDelivery(deps, d!.id)).toMatchObject({ status: 'sending', leaseUntil: otherLease, attempts: 0 });
  });

  it('graceful stop finishes quick sends and puts back the ones still hanging, lease cleared', async () => {
    const slow = await receiver({ respond: 'hang' });
    const quick = await receiver();
    const hook = insertWebhook(deps, { url: slow.url });
    const quickHook = insertWebhook(deps, { url: quick.url });
    const hung = queue(hook.id, 2);
    const worker = startWorker(deps, { concurrency: 8, stopGraceMs: 200 });
    await slow.waitForRequests(2);
    const quickOne = queue(quickHook.id, 1)[0]!;
    worker.wake();
    await quick.waitForRequests(1);
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    for (const d of hung) {
      expect(getDelivery(deps, d.id)).toMatchObject({ status: 'queued', leaseUntil: null, attempts: 0 });
    }
    await waitFor(() => getDelivery(deps, quickOne.id).status === 'sent');
    expect(deps.db.select().from(deliveryAttempts).all()).toHaveLength(1);
    // After the restart they are sent.
    slow.respondWith({ status: 200 });
    await runDueDeliveries(deps);
    for (const d of hung) expect(getDelivery(deps, d.id).status).toBe('sent');
  });
});

describe('the running worker', () => {
  it('wakes on deliveries-queued well before its poll interval', async () => {
    const r = await receiver();
    const hook = insertWebhook(deps, { url: r.url });
    const worker = startWorker(deps, { pollMs: 60_000 });
    try {
      await sleep(50);
      const [d] = queue(hook.id, 1);
      const t0 = Date.now();
      deps.bus.emit('deliveries-queued');
      await r.waitForRequests(1, 2000);
      expect(Date.now() - t0).toBeLessThan(1000);
      await waitFor(() => getDelivery(deps, d!.id).status === 'sent');
    } finally {
      await worker.stop();
    }
  });

  it('retries on its own at the backoff time and survives an error thrown while sending', async () => {
    let calls = 0;
    const r = await receiver({ signingSecret: 's', respond: () => (++calls === 1 ? { status: 500 } : { status: 200 }) });
    const hook = insertWebhook(deps, { url: r.url, signingSecret: 's' });
    const event = insertEvent(deps);
    // Damaged content: signing it throws inside the adapter.
    const broken = insertDelivery(deps, {
      eventId: event.id,
      channel: 'webhooks',
      targetKind: 'webhook',
      webhookId: hook.id,
      content: JSON.stringify({ channel: 'webhooks', event: 'x' }),
    });
    const [d] = queue(hook.id, 1, event.id);
    const worker = startWorker(deps, { pollMs: 60_000 });
    try {
      // The 500 makes the endpoint rest 60 s: pretend that time passed by clearing its state each time.
      await waitFor(() => {
        deps.sqlite.prepare("update webhooks set status = 'active' where id = ? and status = 'inactive_tmp'").run(hook.id);
        deps.sqlite.prepare("update deliveries set next_attempt_at = 0 where status = 'retrying' and id = ?").run(d!.id);
        worker.wake();
        return getDelivery(deps, d!.id).status === 'sent';
      });
      const brokenAttempts = deps.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, broken.id)).all();
      expect(brokenAttempts[0]?.error).toMatch(/Unexpected error in Tocsin while sending/);
      expect(getDelivery(deps, broken.id).status).not.toBe('sending');
    } finally {
      await worker.stop();
    }
  });
});

describe('retryDeliveryNow', () => {
  it('puts a failed delivery back in the queue with a fresh attempt budget and wakes the worker', async () => {
    const r = await receiver({ respond: { status: 400 } });
    const hook = insertWebhook(deps, { url: r.url });
    const [d] = queue(hook.id, 1);
    await runDueDeliveries(deps);
    expect(getDelivery(deps, d!.id).status).toBe('failed');
    let woken = 0;
    deps.bus.on('deliveries-queued', () => woken++);
    deps.sqlite.prepare("update webhooks set status = 'active' where id = ?").run(hook.id);
    r.respondWith({ status: 200 });
    const row = retryDeliveryNow(deps, d!.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 0 });
    expect(woken).toBe(1);
    await drainDeliveries(deps);
    expect(getDelivery(deps, d!.id).status).toBe('sent');
    expect(deps.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, d!.id)).all()).toHaveLength(2);
    expect(() => retryDeliveryNow(deps, d!.id)).toThrow(/Only failed or retrying deliveries can be retried; this one is sent/);
    expect(() => retryDeliveryNow(deps, 999_999)).toThrow(/was not found/);
  });
});
