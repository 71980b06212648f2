/**
 * Products and their notifications, product types, users & access, and the profile page
 * (Slack email, API tokens).
 */
import type { Locator, Page } from '@playwright/test';
import { DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';

const productCell = (scope: Page | Locator, event: string, channel: string) =>
  scope.getByRole('checkbox', { name: `${event}: ${channel}`, exact: true });

test('product notifications start empty, mark what already arrives, save and persist', async ({ page, makeProduct, makeUser }) => {
  const product = await makeProduct();
  const user = await makeUser({ products: [{ id: product.productId, role: 'Reader' }] });
  // The template gave the new user an alert for every event; drop the product events the system record does not
  // send, so the product page has editable boxes as well as inherited ones (every event is sent: a missing one is cleared).
  const current = await user.api.get('/api/notifications/settings/personal');
  const personal = await user.api.put('/api/notifications/settings/personal', {
    settings: { ...current.body.settings, jira_update: [], stale_engagement: [], upcoming_engagement: [], auto_close_engagement: [] },
  });
  expect(personal.status, JSON.stringify(personal.body)).toBe(200);
  await loginAs(page, user.username, user.password);
  await page.goto(`/products/${product.productId}`);
  await expect(page.getByRole('heading', { level: 1, name: product.name })).toBeVisible();

  const section = page.getByRole('region', { name: 'Notifications' });
  await expect(section.getByRole('heading', { name: 'Notifications' })).toBeVisible();
  const record = await user.api.get(`/api/products/${product.productId}/notifications`);
  expect(record.status).toBe(200);
  expect(record.body.columns).not.toContain('msteams');
  expect(record.body.events).not.toContain('product_added');
  expect(Object.values(record.body.settings).flat()).toEqual([]);

  // Only product events, no Teams. The demo's system record sends Scan Added alerts to everyone with access:
  // checked, marked, and not editable here.
  const inherited = section.getByRole('checkbox', { name: 'Scan Added: Alert (from System settings)', exact: true });
  await expect(inherited).toBeChecked();
  await expect(inherited).toBeDisabled();
  await expect(productCell(section, 'Product Added', 'Alert')).toHaveCount(0);
  await expect(productCell(section, 'Scan Added', 'Microsoft Teams')).toHaveCount(0);
  await expect(productCell(section, 'Jira Update', 'Alert')).not.toBeChecked();
  // Every checked box is an inherited one: the product record itself is empty.
  const checked = section.getByRole('checkbox', { checked: true });
  await expect(checked.first()).toBeVisible();
  for (const box of await checked.all()) await expect(box).toBeDisabled();

  await productCell(section, 'Jira Update', 'Alert').check();
  await productCell(section, 'Stale Engagement', 'Alert').check();
  await section.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(section.getByRole('status').filter({ hasText: 'Notification settings updated.' })).toHaveText(
    'Notification settings updated.',
  );

  await page.reload();
  const reloaded = page.getByRole('region', { name: 'Notifications' });
  await expect(productCell(reloaded, 'Jira Update', 'Alert')).toBeChecked();
  await expect(productCell(reloaded, 'Stale Engagement', 'Alert')).toBeChecked();
  await expect(productCell(reloaded, 'Upcoming Engagement', 'Alert')).not.toBeChecked();
  const saved = await user.api.get(`/api/products/${product.productId}/notifications`);
  expect(saved.body.settings.jira_update).toContain('alert');
  expect(saved.body.settings.scan_added).toEqual([]);
});

test('a product the user cannot see is not found', async ({ page, makeProduct, makeUser }) => {
  const product = await makeProduct();
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto(`/products/${product.productId}`);
  await expect(page.getByText('Product not found.')).toBeVisible();
  await expect(page.getByRole('heading', { name: product.name })).toHaveCount(0);
});

test('adding a product shows it in the list and on its product type', async ({ page, admin }) => {
  const typeName = uniqueName('type');
  const type = await admin.post('/api/product-types', { name: typeName, description: 'e2e' });
  expect(type.status).toBe(201);
  const name = uniqueName('Shop');

  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/products');
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Add product' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Description').fill('Created by the e2e suite');
  await form.getByLabel('Product type').selectOption({ label: typeName });
  await form.getByRole('button', { name: 'Add product' }).click();
  await expect(form.getByRole('status')).toContainText(`Product ${name} added.`);

  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(row).toContainText(typeName);
  await row.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

  await page.goto(`/product-types/${type.body.id}`);
  await expect(page.getByRole('heading', { level: 1, name: typeName })).toBeVisible();
  await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
});

test('a duplicate product type name is refused with the server message', async ({ page, admin }) => {
  const typeName = uniqueName('type');
  expect((await admin.post('/api/product-types', { name: typeName })).status).toBe(201);
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/product-types');
  await expect(page.getByRole('heading', { level: 1, name: 'Product Types' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Add product type' });
  await form.getByLabel('Name', { exact: true }).fill(typeName.toUpperCase());
  await form.getByRole('button', { name: 'Add product type' }).click();
  await expect(form.getByRole('alert')).toContainText('already exists');
});

test('engagements are added and closed from the product page', async ({ page, makeProduct }) => {
  const product = await makeProduct();
  const name = uniqueName('Pentest');
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto(`/products/${product.productId}`);
  const form = page.getByRole('form', { name: 'Add engagement' });
  await form.getByLabel('Engagement name').fill(name);
  await form.getByLabel('Lead').selectOption({ label: 'alice' });
  await form.getByLabel('Target start').fill('2030-01-10');
  await form.getByLabel('Target end').fill('2030-01-20');
  await form.getByRole('button', { name: 'Add engagement' }).click();
  await expect(form.getByRole('status')).toContainText(`Engagement ${name} added.`);

  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('alice');
  await expect(row).toContainText('Not Started');
  await row.getByRole('button', { name: `Close engagement ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Close engagement' });
  await dialog.getByRole('button', { name: 'Close engagement' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('Completed');
  await expect(row.getByRole('button', { name: `Close engagement ${name}` })).toHaveCount(0);
});

test('a superuser adds a user and gives them a membership', async ({ page, admin, makeProduct }) => {
  const product = await makeProduct();
  const username = uniqueName('newbie');
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Add user' });
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Email').fill(`${username}@example.test`);
  await form.getByLabel('First name').fill('New');
  await form.getByLabel('Last name').fill('Person');
  await form.getByLabel('Password').fill('a-long-password-1');
  await form.getByLabel('Global role').selectOption('None');
  await form.getByRole('button', { name: 'Add user' }).click();
  await expect(form.getByRole('status')).toContainText(`User ${username} added.`);

  await page.getByLabel('Search users').fill(username);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: username, exact: true }) });
  await expect(row).toContainText(`${username}@example.test`);
  await row.getByRole('link', { name: username, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: username })).toBeVisible();

  await page.getByLabel('Add product', { exact: true }).selectOption({ label: product.name });
  await page.getByLabel('Role for the new product', { exact: true }).selectOption('Writer');
  await page.getByRole('button', { name: 'Add product membership' }).click();
  await page.getByRole('button', { name: 'Save memberships' }).click();
  await expect(page.getByText('Memberships saved.')).toBeVisible();

  const users = await admin.get(`/api/users?q=${encodeURIComponent(username)}`);
  const created = users.body.find((u: { username: string }) => u.username === username);
  const memberships = await admin.get(`/api/users/${created.id}/memberships`);
  expect(memberships.body.products).toEqual([{ id: product.productId, name: product.name, role: 'Writer' }]);
});

test('users & access is for superusers only', async ({ page, makeUser }) => {
  const user = await makeUser({ globalRole: 'Owner' });
  await loginAs(page, user.username, user.password);
  await page.goto('/users');
  await expect(page.getByText('You do not have permission to view this page.')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Add user' })).toHaveCount(0);
});

test('the profile saves the Slack email address', async ({ page, makeUser }) => {
  const user = await makeUser();
  const slackEmail = `${user.username}@slack.example.test`;
  await loginAs(page, user.username, user.password);
  await page.goto('/profile');
  await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Additional Contact Information' })).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveValue(user.username);
  await page.getByLabel('Slack Email Address').fill(slackEmail);
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Profile saved.' })).toHaveText('Profile saved.');

  await page.reload();
  await expect(page.getByLabel('Slack Email Address')).toHaveValue(slackEmail);
  const me = await user.api.get('/api/me');
  expect(me.body.slack_email).toBe(slackEmail);
});

test('a new API token key is shown once and works', async ({ page, makeUser, request }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/profile');
  await page.getByLabel('Token name').fill('CI pipeline');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByText('Copy this key now. You will not be able to see it again.')).toBeVisible();
  const key = await page.getByLabel('API key').inputValue();
  expect(key.length).toBeGreaterThan(20);
  await expect(page.getByRole('button', { name: 'Copy', exact: true })).toBeVisible();
  await expect(page.locator('pre')).toContainText(`Authorization: Token ${key}`);

  const row = page.getByRole('row').filter({ hasText: 'CI pipeline' });
  await expect(row).toBeVisible();
  const me = await request.get('/api/me', { headers: { Authorization: `Token ${key}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).username).toBe(user.username);

  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: 'CI pipeline' })).toBeVisible();
  await expect(page.getByLabel('API key')).toHaveCount(0);
  expect(await page.content()).not.toContain(key);

  await page.getByRole('button', { name: 'Revoke token CI pipeline' }).click();
  await page.getByRole('dialog', { name: 'Revoke token' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'CI pipeline' })).toHaveCount(0);
  const after = await request.get('/api/me', { headers: { Authorization: `Token ${key}` } });
  expect(after.status()).toBe(401);
});
