/** Mail channel against a real SMTP server on loopback. */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRow, findRows } from '../db/rows';
import { deliveryAttempts } from '../db/schema';
import { createTestDeps, createUser, type TTestDeps } from '../test-utils';
import { sendTestNotification } from './test-notification';
import { getDelivery, insertDelivery, insertEvent, updateSystemSettings } from './test-peers/fixtures';
import { startSmtpReceiver, type TSmtpReceiver } from './test-peers/smtp';
import { runDueDeliveries } from './worker';

let deps: TTestDeps;
let smtp: TSmtpReceiver;

beforeEach(async () => {
  deps = await createTestDeps({
    // The SMTP stand-in listens on loopback, which the outbound policy refuses unless it is listed.
    OUTBOUND_ALLOW: '127.0.0.1',
    DELIVERY_BACKOFF_BASE_MS: 10,
    DELIVERY_BACKOFF_MAX_MS: 50,
    DELIVERY_MAX_ATTEMPTS: 3,
    PUBLIC_URL: 'https://tocsin.test',
  });
  smtp = await startSmtpReceiver({ rejectRecipients: ['gone@example.test'], deferRecipients: ['busy@example.test'] });
  await updateSystemSettings(deps, {
    mailEnabled: true,
    mailTo: 'security@example.test',
    mailFrom: 'tocsin@example.test',
    teamName: 'Acme',
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpTlsMode: 'none',
    disclaimer: 'Internal use only.',
  });
});
afterEach(async () => {
  await smtp.close();
  await deps.cleanup();
});

describe('mail deliveries', () => {
  it('sends a system notification to the system address with subject, text and html', async () => {
    const event = await insertEvent(deps, { title: 'Scan <added>', description: 'ZAP found 3 issues', url: '/products/1' });
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    const stats = await runDueDeliveries(deps);
    expect(stats.sent).toBe(1);
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.envelopeTo).toEqual(['security@example.test']);
    expect(mail.subject).toBe('Acme notification: Scan <added>');
    expect(mail.from).toContain('tocsin@example.test');
    expect(mail.text).toContain('ZAP found 3 issues');
    expect(mail.text).toContain('https://tocsin.test/products/1');
    expect(mail.text).toContain('https://tocsin.test/notifications');
    expect(mail.text).toContain('Internal use only.');
    expect(mail.html).toContain('Scan &lt;added&gt;');
    expect(mail.html).toContain('href="https://tocsin.test/notifications"');

    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, responseCode: 250, lastError: null, leaseUntil: null });
    expect(row.sentAt).not.toBeNull();
    // The rendered content was stored, and it is what was sent.
    expect(JSON.parse(row.content ?? '{}')).toMatchObject({ channel: 'mail', subject: 'Acme notification: Scan <added>' });
    const attempts = await findRows(deps.db, deliveryAttempts, eq(deliveryAttempts.deliveryId, d.id));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ ok: true, responseCode: 250, error: null });
  });

  it('sends a personal notification to the user login email', async () => {
    const alice = await createUser(deps, { username: 'alice', email: 'alice@example.test' });
    const event = await insertEvent(deps, { title: 'Engagement added' });
    await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'user', userId: alice.id });
    await runDueDeliveries(deps);
    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['alice@example.test']]);
    expect(smtp.messages[0]?.subject).toBe('Acme notification: Engagement added');
  });

  it('fails at once, without retrying, when the server rejects the recipient (5xx)', async () => {
    const gone = await createUser(deps, { username: 'gone', email: 'gone@example.test' });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'user', userId: gone.id });
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, responseCode: 550 });
    expect(row.lastError).toMatch(/refused.*550.*Recipient address rejected/);
    expect(smtp.messages).toHaveLength(0);
  });

  it('retries a 4xx deferral with backoff', async () => {
    // A stopped clock: the retry is not due within the first run, however long its statements take.
    let clock = Date.now();
    deps.now = () => clock;
    const busy = await createUser(deps, { username: 'busy', email: 'busy@example.test' });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'user', userId: busy.id });
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, d.id);
    expect(row).toMatchObject({ status: 'retrying', attempts: 1, responseCode: 451 });
    expect(row.nextAttemptAt).toBeGreaterThan(deps.now() - 5);
    smtp.deferRecipients.clear();
    clock += 60;
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, d.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('treats a refused connection as transient', async () => {
    // A stopped clock: the retry is not due within the run, however long its statements take.
    const now = Date.now();
    deps.now = () => now;
    const port = smtp.port;
    await smtp.close();
    await updateSystemSettings(deps, { smtpPort: port });
    const event = await insertEvent(deps);
    const d = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    await runDueDeliveries(deps);
    const row = await getDelivery(deps, d.id);
    expect(row.status).toBe('retrying');
    expect(row.lastError).toMatch(/SMTP server/);
    smtp = await startSmtpReceiver();
  });

  it('fails with a clear reason when no system address is set or mail is switched off', async () => {
    await updateSystemSettings(deps, { mailTo: '' });
    const event = await insertEvent(deps);
    const a = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect(await getDelivery(deps, a.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await getDelivery(deps, a.id)).lastError).toMatch(/No system email address/);

    await updateSystemSettings(deps, { mailTo: 'security@example.test', mailEnabled: false });
    const b = await insertDelivery(deps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
    await runDueDeliveries(deps);
    expect((await getDelivery(deps, b.id)).lastError).toBe('Mail notifications are disabled in System Settings, so this was not sent.');
    expect(smtp.messages).toHaveLength(0);
  });

  it('applies SMTP_* environment overrides over the settings row', async () => {
    const envDeps = await createTestDeps({
      OUTBOUND_ALLOW: '127.0.0.1',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: smtp.port,
      SMTP_TLS_MODE: 'none',
    });
    try {
      await updateSystemSettings(envDeps, { mailEnabled: true, mailTo: 'ops@example.test', smtpHost: 'smtp.invalid', smtpPort: 2 });
      const event = await insertEvent(envDeps);
      await insertDelivery(envDeps, { eventId: event.id, channel: 'mail', targetKind: 'system' });
      await runDueDeliveries(envDeps);
      expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['ops@example.test']]);
    } finally {
      await envDeps.cleanup();
    }
  });

  it('sendTestNotification sends a real test mail and reports the server error on failure', async () => {
    const ok = await sendTestNotification(deps, 'mail');
    expect(ok).toMatchObject({ ok: true });
    expect(smtp.messages[0]?.subject).toBe('Acme notification: Test notification from Acme');
    const bad = await sendTestNotification(deps, 'mail', { to: 'gone@example.test' });
    expect(bad.ok).toBe(false);
    expect(bad.responseCode).toBe(550);
    expect(bad.message).toMatch(/Recipient address rejected/);
    const last = await findRow(deps.db, deliveryAttempts, undefined);
    expect(last).toBeUndefined();
  });
});
