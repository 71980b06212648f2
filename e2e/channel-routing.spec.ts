/**
 * Channels and the System notifications matrix point at each other: System Settings says, per enabled channel,
 * how many System events go to it (and warns when none does), linking to the System matrix; the System matrix
 * names the channels switched off, linking to System Settings.
 */
import { DEMO_ADMIN, expect, loginAs, test } from './fixtures';

test('System Settings counts the System events of each enabled channel, and the System matrix names the channels switched off', async ({
  page,
  admin,
}) => {
  const before = await admin.get('/api/system-settings');
  const systemBefore = await admin.get('/api/notifications/settings/system');
  expect(systemBefore.status).toBe(200);
  const matrixBefore: Record<string, string[]> = systemBefore.body.settings;
  // Webhooks on with no System event routed to them; mail off.
  const withoutWebhooks = Object.fromEntries(
    Object.entries(matrixBefore).map(([event, channels]) => [event, channels.filter((c) => c !== 'webhooks')]),
  );
  try {
    expect((await admin.put('/api/system-settings', { webhooks_enabled: true, mail_enabled: false })).status).toBe(200);
    expect((await admin.put('/api/notifications/settings/system', { settings: withoutWebhooks, columns: ['webhooks'] })).status).toBe(200);

    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/system-settings');
    const webhooks = page.getByRole('region', { name: 'Webhooks' });
    await expect(webhooks).toContainText(
      'Webhooks is on, but no event is sent to the system webhooks yet: choose events in the System notifications matrix.',
    );
    // Mail is off: no routing notice there.
    await expect(page.getByRole('region', { name: 'Email' })).not.toContainText('System notifications matrix');

    await webhooks.getByRole('link', { name: 'System notifications matrix' }).click();
    await expect(page).toHaveURL(/\/notifications\?scope=system$/);
    await expect(page.getByLabel('Scope', { exact: true })).toHaveValue('system');
    const off = page.getByText(/switched off in System Settings, so (it has|they have) no column here/);
    await expect(off).toContainText('Mail');
    await expect(page.getByRole('checkbox', { name: 'Scan Added: Mail', exact: true })).toHaveCount(0);

    // Route one event to the webhooks here, then System Settings counts it.
    await page.getByRole('checkbox', { name: 'Scan Added: Webhooks', exact: true }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: /saved/i })).toBeVisible();
    await page.getByRole('link', { name: 'Switch channels on in System Settings' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'System Settings' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Webhooks' })).toContainText(
      '1 event of the System notifications matrix is sent to the system webhooks.',
    );
    expect((await admin.get('/api/system-settings')).body.system_event_counts.webhooks).toBe(1);
  } finally {
    await admin.put('/api/notifications/settings/system', {
      settings: matrixBefore,
      columns: ['alert', 'mail', 'slack', 'msteams', 'webhooks'],
    });
    await admin.put('/api/system-settings', { webhooks_enabled: before.body.webhooks_enabled, mail_enabled: before.body.mail_enabled });
  }
});
