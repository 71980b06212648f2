/**
 * Axe on every page and state at desktop width: logged out, each main page, the bell open, dialogs open,
 * error states and validation errors. The phone states are in a11y.phone.spec.ts.
 */
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { type ApiSession, DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';
import { startReceiver } from './receiver';

// Each axe run takes a few seconds; these tests check many states in a row.
test.describe.configure({ timeout: 120_000 });

const bellButton = (page: Page) => page.getByRole('button', { name: /^Alerts( \d+\+?)?$/ });
const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });

async function raiseMentions(admin: ApiSession, username: string, titles: string[]) {
  for (const title of titles) {
    const res = await admin.post('/api/events', {
      event: 'user_mentioned',
      title,
      description: `**${title}**: see [the ticket](https://jira.example.com/browse/SEC-1)`,
      recipients: [username],
      alert_only: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  }
}

test('logged out: the login page, and its error state', async ({ page }) => {
  await page.goto('/login');
  await expect(heading(page, 'Log in')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'login');

  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yViolations(page, 'login with field errors');

  await page.getByLabel('Username').fill('nobody-here');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toBeFocused();
  await expectNoSeriousA11yViolations(page, 'login refused');
});

test('alerts: the list, the bell open, Show more, selection bar, toast, Clear all dialog, empty state', async ({
  admin,
  makeUser,
  page,
}) => {
  const user = await makeUser();
  const saved = await user.api.put('/api/notifications/settings/personal', { settings: { user_mentioned: ['alert'] }, columns: ['alert'] });
  expect(saved.status).toBe(200);
  await raiseMentions(
    admin,
    user.username,
    Array.from({ length: 14 }, (_, i) => uniqueName(`A11y alert ${i + 1}`)),
  );
  await loginAs(page, user.username, user.password);
  await page.goto('/alerts');
  await expect(page.getByRole('checkbox', { name: /^Select alert: / })).toHaveCount(14);
  await expectNoSeriousA11yViolations(page, 'alerts page');

  await bellButton(page).click();
  const panel = page.getByRole('dialog', { name: 'Newest alerts', exact: true });
  await expect(panel.getByRole('listitem')).toHaveCount(12);
  await expectNoSeriousA11yViolations(page, 'bell open');
  await panel.getByRole('button', { name: 'Show more' }).click();
  await expect(panel.getByRole('listitem')).toHaveCount(14);
  await expectNoSeriousA11yViolations(page, 'bell open, shown more');
  await page.keyboard.press('Escape');

  await page
    .getByRole('checkbox', { name: /^Select alert: / })
    .first()
    .check();
  await expect(page.getByRole('region', { name: 'Selected alerts' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'alerts with the selection bar');
  await page.getByRole('button', { name: 'Remove selected' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Removed 1 alert.' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'alerts with the removal toast');

  await bellButton(page).click();
  await panel.getByRole('button', { name: 'Clear All Alerts ›' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clear all alerts?' });
  await expect(dialog).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'Clear all dialog');
  await dialog.getByRole('button', { name: 'Clear all alerts' }).click();
  await expect(page.getByRole('main').getByText('No alerts found.', { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'alerts empty');
});

test('products, product types and the product page with its dialogs and errors', async ({ page, makeProduct }) => {
  const product = await makeProduct();
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);

  await page.goto('/products');
  await expect(heading(page, 'Products')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'products');
  const addProduct = page.getByRole('form', { name: 'Add product' });
  await addProduct.getByRole('button', { name: 'Add product' }).click();
  await expect(addProduct.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yViolations(page, 'add product with field errors');

  await page.goto('/product-types');
  await expect(heading(page, 'Product Types')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'product types');
  await page.goto(`/product-types/${product.productTypeId}`);
  await expect(heading(page, `${product.name}-type`)).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'product type');

  await page.goto('/products/1');
  await expect(page.getByRole('button', { name: /^Close engagement / }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'product with engagements and notifications');
  await page
    .getByRole('button', { name: /^Close engagement / })
    .first()
    .click();
  await expect(page.getByRole('dialog', { name: 'Close engagement' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'close engagement dialog');
  await page.keyboard.press('Escape');

  await page.goto('/products/999999');
  await expect(heading(page, 'Product not found.')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'product not found');
  await page.goto('/no-such-page');
  await expect(heading(page, 'Page not found')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'page not found');
});

test('users, a user, and a non-superuser refused', async ({ page, makeUser }) => {
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/users');
  await expect(page.getByRole('link', { name: 'alice', exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'users');
  await page.getByRole('link', { name: 'alice', exact: true }).click();
  await expect(heading(page, 'alice')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save memberships' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'user');

  const other = await makeUser();
  await page.getByRole('button', { name: 'Log out' }).click();
  await loginAs(page, other.username, other.password);
  await page.goto('/users');
  await expect(page.getByText('You do not have permission to view this page.')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'users refused');
});

test('notifications and the unsaved-changes dialog', async ({ page }) => {
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/notifications');
  // Not in the demo's system record: an editable box (Test Added is inherited from the system, so not editable).
  const box = page.getByRole('checkbox', { name: 'Jira Update: Alert', exact: true });
  await expect(box).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'notifications');
  await box.setChecked(!(await box.isChecked()));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(page.getByRole('dialog', { name: 'Unsaved changes' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'unsaved changes dialog');
  await page.getByRole('button', { name: 'Leave without saving' }).click();
});

test('profile with a new token and the revoke dialog', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/profile');
  await expect(heading(page, 'Profile')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'profile');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yViolations(page, 'change password with field errors');
  await page.getByLabel('Token name').fill('A11y token');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByLabel('API key')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'profile with a new key');
  await page.getByRole('button', { name: 'Revoke token A11y token' }).click();
  await expect(page.getByRole('dialog', { name: 'Revoke token' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'revoke dialog');
});

test('system settings, with a field error and a test result', async ({ page }) => {
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/system-settings');
  await expect(heading(page, 'System Settings')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'system settings');
  await page.getByLabel('Request timeout (seconds)').fill('0');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByLabel('Request timeout (seconds)')).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yViolations(page, 'system settings with a field error');
  await page.getByLabel('Request timeout (seconds)').fill('10');
});

test('webhooks: list, edit form, delete dialog, refused ping; delivery log and a missing delivery', async ({ page, admin }) => {
  const receiver = await startReceiver({ status: 200 });
  const name = uniqueName('A11y hook');
  try {
    expect((await admin.post('/api/webhooks', { name, url: receiver.url })).status).toBe(201);
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/webhooks');
    await expect(page.getByRole('rowheader', { name, exact: true })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'webhooks');
    await page.getByRole('button', { name: `Edit webhook ${name}`, exact: true }).click();
    await expect(page.getByRole('form', { name: `Edit webhook ${name}` })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'webhook edit form');
    receiver.state.status = 500;
    await page
      .getByRole('form', { name: `Edit webhook ${name}` })
      .getByRole('button', { name: 'Save webhook' })
      .click();
    await expect(page.getByRole('form', { name: `Edit webhook ${name}` }).getByRole('alert')).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'webhook ping refused');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: `Delete webhook ${name}`, exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'Delete webhook?' })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'delete webhook dialog');
    await page.keyboard.press('Escape');

    await page.goto('/deliveries');
    await expect(heading(page, 'Delivery Log')).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'delivery log');
    await page.goto('/deliveries/999999');
    await expect(heading(page, 'Delivery not found.')).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'delivery not found');
  } finally {
    const list = await admin.get('/api/webhooks');
    for (const w of list.body.items as { id: number; name: string }[]) if (w.name === name) await admin.delete(`/api/webhooks/${w.id}`);
    await receiver.close();
  }
});
