/**
 * No more floods (issue 10 §4–5): a coalesced alert shows "and N more like this"; a person sets their time zone,
 * digests and quiet hours on the profile page; a superuser sets the coalescing window and confidential mode.
 */
import { DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';

test('two events with one dedupe key make one alert that says "and 1 more like this"', async ({ page, admin, makeUser, makeProduct }) => {
  const product = await makeProduct();
  const user = await makeUser({ products: [{ id: product.productId }] });
  const key = uniqueName('dedupe');
  const body = {
    event: 'sla_breach',
    title: `Finding ${key} is overdue`,
    product_id: product.productId,
    recipients: [user.username],
    dedupe_key: key,
  };
  const first = await admin.post('/api/events', body);
  expect(first.status, JSON.stringify(first.body)).toBe(202);
  expect(first.body.alerts_created).toBe(1);
  const second = await admin.post('/api/events', body);
  expect(second.body.alerts_created).toBe(0);

  await loginAs(page, user.username, user.password);
  await page.goto('/alerts');
  const row = page.getByRole('row').filter({ hasText: `Finding ${key} is overdue` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('and 1 more like this');
});

test('a person sets their time zone, a daily email digest and quiet hours, and a wrong time zone is explained', async ({
  page,
  makeUser,
}) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/profile');
  const section = page.getByRole('form', { name: 'Delivery: digests and quiet hours' });
  await section.getByLabel('Time zone').fill('Mars/Olympus');
  await section.getByRole('button', { name: 'Save delivery preferences' }).click();
  // The server's message is shown at the field it is about.
  await expect(section.getByText(/^Enter an IANA time zone name/)).toBeVisible();
  await expect(section.getByLabel('Time zone')).toHaveAttribute('aria-invalid', 'true');

  await section.getByLabel('Time zone').fill('Europe/Paris');
  await section.getByLabel('Email delivery').selectOption('daily');
  await section.getByLabel('Email daily digest at').fill('08:00');
  await section.getByLabel('Quiet hours for my email, Slack and webhooks').check();
  await section.getByLabel('Quiet from').fill('22:00');
  await section.getByLabel('Quiet until').fill('07:00');
  await section.getByLabel('Let notices about Critical findings through during quiet hours').check();
  await section.getByRole('button', { name: 'Save delivery preferences' }).click();
  await expect(section.getByText('Delivery preferences saved.')).toBeVisible();

  const saved = await user.api.get('/api/delivery-preferences/me');
  expect(saved.body).toEqual({
    time_zone: 'Europe/Paris',
    channels: {
      mail: { mode: 'daily', daily_at: '08:00' },
      slack: { mode: 'immediate', daily_at: '08:00' },
      webhooks: { mode: 'immediate', daily_at: '08:00' },
    },
    quiet_hours: { start: '22:00', end: '07:00', critical_passes: true },
  });
  await page.reload();
  await expect(page.getByLabel('Email delivery')).toHaveValue('daily');
});

test('a superuser sets the coalescing window and confidential mode in System Settings', async ({ page, admin }) => {
  const before = await admin.get('/api/system-settings');
  try {
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/system-settings');
    await page.getByLabel('Coalescing window (seconds)').fill('300');
    await page.getByLabel(/Confidential mode/).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
    const after = await admin.get('/api/system-settings');
    expect(after.body).toMatchObject({ coalesce_window_seconds: 300, confidential_mode: true });
  } finally {
    await admin.put('/api/system-settings', {
      coalesce_window_seconds: before.body.coalesce_window_seconds,
      confidential_mode: before.body.confidential_mode,
    });
  }
});
