/**
 * Role-based access in routing, seen from the browser: an event about a product reaches the bell of a member
 * of that product, live, and never the bell or Alerts page of a user who cannot see the product, even though
 * both have asked for alerts on every event of that kind.
 */
import type { Page } from '@playwright/test';
import { expect, loginAs, test, uniqueName } from './fixtures';

const bellButton = (page: Page) => page.getByRole('button', { name: /^Alerts( \d+\+?)?$/ });

test('a user without access to a product hears nothing about it; a member does', async ({ admin, makeUser, makeProduct, browser }) => {
  const { productId } = await makeProduct();
  const member = await makeUser({ products: [{ id: productId, role: 'Reader' }] });
  const outsider = await makeUser();
  for (const user of [member, outsider]) {
    const saved = await user.api.put('/api/notifications/settings/personal', { settings: { scan_added: ['alert'] }, columns: ['alert'] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }

  const memberPage = await browser.newPage();
  const outsiderPage = await browser.newPage();
  await loginAs(memberPage, member.username, member.password);
  await loginAs(outsiderPage, outsider.username, outsider.password);
  await expect(bellButton(memberPage)).toHaveAccessibleName('Alerts 0');
  await expect(bellButton(outsiderPage)).toHaveAccessibleName('Alerts 0');

  const title = uniqueName('ZAP scan imported');
  const sent = await admin.post('/api/events', { event: 'scan_added', title, product_id: productId });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);

  // The member's bell updates live; by then the outsider's would have too, had the event reached them.
  await expect(bellButton(memberPage)).toHaveAccessibleName('Alerts 1');
  await memberPage.goto('/alerts');
  await expect(memberPage.getByRole('link', { name: title, exact: true })).toBeVisible();

  await outsiderPage.goto('/alerts');
  await expect(outsiderPage.getByRole('main').getByText('No alerts found.')).toBeVisible();
  await expect(bellButton(outsiderPage)).toHaveAccessibleName('Alerts 0');
  await expect(outsiderPage.getByRole('link', { name: title, exact: true })).toHaveCount(0);

  await memberPage.close();
  await outsiderPage.close();
});
