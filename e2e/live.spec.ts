/**
 * Live updates over networks that do not pass Server-Sent Events through: the bell still follows, by polling.
 */
import { expect, loginAs, test, uniqueName } from './fixtures';

test('a stream held back by a proxy: the bell falls back to polling and still shows a new alert', async ({ admin, makeUser, page }) => {
  const user = await makeUser();
  const saved = await user.api.put('/api/notifications/settings/personal', { settings: { user_mentioned: ['alert'] }, columns: ['alert'] });
  expect(saved.status).toBe(200);
  // Like a buffering proxy: the stream request never answers.
  await page.route('**/api/alerts/stream', () => {});
  let summaryRequests = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/alerts/summary')) summaryRequests += 1;
  });
  await loginAs(page, user.username, user.password);
  const bell = page.getByRole('button', { name: /^Alerts( \d+\+?)?$/ });
  await expect(bell).toHaveAccessibleName('Alerts 0');

  const res = await admin.post('/api/events', {
    event: 'user_mentioned',
    title: uniqueName('Arrives by polling'),
    recipients: [user.username],
    alert_only: true,
  });
  expect(res.status).toBe(202);
  // Ten seconds without a message, then the summary is fetched at once (and every 20 s after).
  await expect(bell).toHaveAccessibleName('Alerts 1', { timeout: 15_000 });
  expect(summaryRequests).toBeGreaterThanOrEqual(2);
});

test('a stream that fails at once: polling starts right away, and the stream is live again once it can connect', async ({
  admin,
  makeUser,
  page,
}) => {
  const user = await makeUser();
  const saved = await user.api.put('/api/notifications/settings/personal', { settings: { user_mentioned: ['alert'] }, columns: ['alert'] });
  expect(saved.status).toBe(200);
  let streamAttempts = 0;
  await page.route('**/api/alerts/stream', (route) => {
    streamAttempts += 1;
    return route.abort('connectionrefused');
  });
  await loginAs(page, user.username, user.password);
  const bell = page.getByRole('button', { name: /^Alerts( \d+\+?)?$/ });
  await expect(bell).toHaveAccessibleName('Alerts 0');
  // Retried with back-off (2 s, then 4 s…).
  await expect.poll(() => streamAttempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);

  // The network heals: the next retry connects and the stream carries the news again.
  await page.unroute('**/api/alerts/stream');
  const title = uniqueName('Arrives live');
  await page.waitForResponse((r) => r.url().includes('/api/alerts/stream'), { timeout: 20_000 });
  const res = await admin.post('/api/events', { event: 'user_mentioned', title, recipients: [user.username], alert_only: true });
  expect(res.status).toBe(202);
  await expect(bell).toHaveAccessibleName('Alerts 1', { timeout: 5_000 });
});
