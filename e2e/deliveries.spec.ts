/**
 * Delivery Log: a real event goes to a system webhook (a loopback receiver) that refuses it; the log lists
 * the failed delivery with its response code, Retry now sends it once the receiver works, and the detail
 * view shows both attempts and the rendered content. Users see only their own deliveries.
 */
import { DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';
import { startReceiver as startSharedReceiver } from './receiver';

const startReceiver = (initialStatus = 200) => startSharedReceiver({ status: initialStatus, errorBody: 'bad request from the receiver' });

test('the Delivery Log lists a failed delivery, and Retry now sends it', async ({ page, admin, makeUser }) => {
  const receiver = await startReceiver(200);
  const hookName = uniqueName('Log hook');
  const title = uniqueName('Delivery log event');
  const settingsBefore = await admin.get('/api/system-settings');
  const systemBefore = await admin.get('/api/notifications/settings/system');
  expect(systemBefore.status, JSON.stringify(systemBefore.body)).toBe(200);
  const otherBefore: string[] = systemBefore.body.settings.other ?? [];
  let webhookId: number | null = null;
  try {
    expect((await admin.put('/api/system-settings', { webhooks_enabled: true })).status).toBe(200);
    const hook = await admin.post('/api/webhooks', { name: hookName, url: receiver.url });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    webhookId = hook.body.id;
    const routed = await admin.put('/api/notifications/settings/system', {
      settings: { other: [...new Set([...otherBefore, 'webhooks'])] },
      columns: ['webhooks'],
    });
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);

    // The receiver refuses the event with a 400: a permanent failure, no retries.
    receiver.state.status = 400;
    const event = await admin.post('/api/events', { event: 'other', title });
    expect(event.status, JSON.stringify(event.body)).toBe(202);
    await expect
      .poll(async () => {
        const list = await admin.get('/api/deliveries?channel=webhooks&status=failed');
        return (list.body.items as { event_title: string }[]).some((d) => d.event_title === title);
      })
      .toBe(true);

    // Reactivate the endpoint (the 400 switched it off) and let it accept.
    expect((await admin.post(`/api/webhooks/${webhookId}/activate`)).status).toBe(200);
    receiver.state.status = 200;

    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Delivery Log' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Delivery Log' })).toBeVisible();
    const chart = page.getByRole('figure', { name: /Sent, failed, queued and retrying in the last 24 hours/ });
    await expect(chart.getByRole('row', { name: /Webhooks/ })).toBeVisible();

    await page.getByLabel('Channel').selectOption({ label: 'Webhooks' });
    await page.getByLabel('Event').selectOption({ label: 'Other' });
    await expect(page).toHaveURL(/channel=webhooks/);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: title }) });
    await expect(row).toContainText('Failed');
    await expect(row).toContainText('400');
    await expect(row).toContainText(`Webhook ${hookName}`);

    // The row's button names its delivery.
    const deliveryId = Number(((await row.getByRole('link', { name: title }).getAttribute('href')) ?? '').split('/').pop());
    await row.getByRole('button', { name: `Retry delivery ${deliveryId}`, exact: true }).click();
    await expect(row.getByRole('status')).toBeVisible();
    await expect(row).toContainText('Sent', { timeout: 15_000 });

    await row.getByRole('link', { name: title }).click();
    await expect(page.getByRole('heading', { level: 1, name: /^Delivery \d+$/ })).toBeVisible();
    const attempts = page.getByRole('table', { name: 'Attempts, oldest first' });
    await expect(attempts.getByRole('row')).toHaveCount(3);
    await expect(attempts.getByRole('row').nth(1)).toContainText('400');
    await expect(attempts.getByRole('row').nth(2)).toContainText('200');
    await expect(page.locator('pre')).toContainText(title);
    expect(receiver.bodies.some((b) => b.includes(title))).toBe(true);

    // Someone else does not see it.
    const user = await makeUser();
    const theirs = await user.api.get('/api/deliveries?channel=webhooks');
    expect((theirs.body.items as { event_title: string }[]).some((d) => d.event_title === title)).toBe(false);
    const stats = await admin.get('/api/deliveries/stats');
    expect(stats.body.channels.find((c: { channel: string }) => c.channel === 'webhooks').sent).toBeGreaterThanOrEqual(1);
  } finally {
    await admin.put('/api/notifications/settings/system', { settings: { other: otherBefore }, columns: ['webhooks'] });
    if (webhookId !== null) await admin.delete(`/api/webhooks/${webhookId}`);
    await admin.put('/api/system-settings', { webhooks_enabled: settingsBefore.body.webhooks_enabled });
    await receiver.close();
  }
});

test('a user’s Delivery Log filters by status and shows only their deliveries', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Delivery Log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Delivery Log' })).toBeVisible();
  await expect(page.getByText('Your deliveries')).toBeVisible();
  await page.getByLabel('Status').selectOption({ label: 'Failed' });
  await expect(page).toHaveURL(/status=failed/);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).not.toHaveURL(/status=/);
});

test('at 1366×768 the log fits with Retry in view; a retrying delivery can be sent now; a deactivated webhook says so', async ({
  page,
  admin,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const receiver = await startReceiver(503);
  const hookName = uniqueName('A webhook with a rather long name for the delivery log');
  const title = uniqueName('Retrying at 1366 with a long title that has to wrap somewhere');
  const settingsBefore = await admin.get('/api/system-settings');
  const systemBefore = await admin.get('/api/notifications/settings/system');
  const otherBefore: string[] = systemBefore.body.settings.other ?? [];
  let webhookId: number | null = null;
  try {
    expect((await admin.put('/api/system-settings', { webhooks_enabled: true })).status).toBe(200);
    receiver.state.status = 200;
    const hook = await admin.post('/api/webhooks', { name: hookName, url: `${receiver.url}?token=${'x'.repeat(80)}` });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    webhookId = hook.body.id;
    await admin.put('/api/notifications/settings/system', {
      settings: { other: [...new Set([...otherBefore, 'webhooks'])] },
      columns: ['webhooks'],
    });
    // A 503 is transient: the delivery waits for its retry (the endpoint rests for a minute).
    receiver.state.status = 503;
    expect((await admin.post('/api/events', { event: 'other', title })).status).toBe(202);
    await expect
      .poll(async () => {
        const list = await admin.get('/api/deliveries?channel=webhooks&status=retrying');
        return (list.body.items as { event_title: string }[]).some((d) => d.event_title === title);
      })
      .toBe(true);

    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    // Not filtered by status: the row stays in view once it is no longer retrying.
    await page.goto('/deliveries?channel=webhooks');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: title }) });
    await expect(row).toContainText('Retrying');
    await expect(row).toContainText('HTTP 503');
    const deliveryId = Number(((await row.getByRole('link', { name: title }).getAttribute('href')) ?? '').split('/').pop());
    const retry = row.getByRole('button', { name: `Retry delivery ${deliveryId}`, exact: true });

    // The table does not scroll sideways, and Retry is on screen once scrolled down to its row.
    await retry.scrollIntoViewIfNeeded();
    await expect(retry).toBeInViewport();
    const box = await retry.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1366);
    const wrap = page.locator('.table-wrap').filter({ has: page.getByRole('table', { name: 'Deliveries, newest first' }) });
    const overflow = await wrap.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);

    // Deactivated meanwhile: Retry says so, in an alert, not as "Queued".
    expect((await admin.post(`/api/webhooks/${webhookId}/deactivate`)).status).toBe(200);
    await retry.click();
    await expect(row.getByRole('alert')).toContainText(`The webhook "${hookName}" is deactivated`);
    await expect(row.getByRole('status')).toHaveCount(0);

    // Reactivated, the endpoint accepts: Retry sends it now.
    expect((await admin.post(`/api/webhooks/${webhookId}/activate`)).status).toBe(200);
    receiver.state.status = 200;
    await retry.click();
    await expect(row.getByRole('status')).toBeVisible();
    await expect(row).toContainText('Sent', { timeout: 15_000 });
  } finally {
    await admin.put('/api/notifications/settings/system', { settings: { other: otherBefore }, columns: ['webhooks'] });
    if (webhookId !== null) await admin.delete(`/api/webhooks/${webhookId}`);
    await admin.put('/api/system-settings', { webhooks_enabled: settingsBefore.body.webhooks_enabled });
    await receiver.close();
  }
});
