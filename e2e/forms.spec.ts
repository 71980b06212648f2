/**
 * Forms across the app: validation in the browser with the contract's schemas, the unsaved-changes guard
 * (navigation, tab close, log out), and a session expiry that must not be mistaken for leaving.
 */
import type { Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

async function endSessionElsewhere(page: Page) {
  // Another tab logs out: the cookie this page holds no longer opens a session.
  const me = await page.request.get('/api/auth/me');
  const { csrf_token: csrf } = await me.json();
  const out = await page.request.post('/api/auth/logout', { headers: { 'x-csrf-token': csrf } });
  expect(out.status()).toBe(204);
}

test('a form with edits asks before the page is left, closed or logged out of', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/profile');
  await page.getByLabel('First name').fill('Edited');
  const dialog = page.getByRole('dialog', { name: 'Unsaved changes' });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(dialog).toContainText('You have unsaved changes. Leave without saving?');
  await dialog.getByRole('button', { name: 'Stay on this page' }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByLabel('First name')).toHaveValue('Edited');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(dialog).toContainText('Log out without saving them?');
  await dialog.getByRole('button', { name: 'Stay on this page' }).click();
  await expect(page).toHaveURL(/\/profile$/);

  // Closing the tab: the browser's own prompt.
  const prompt = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const beforeUnload = await prompt;
  expect(beforeUnload.type()).toBe('beforeunload');
  await beforeUnload.accept();
});

test('saving clears the guard: leaving after a save asks nothing', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/profile');
  await page.getByLabel('Last name').fill('Saved');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Profile saved.' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(page.getByRole('dialog', { name: 'Unsaved changes' })).toHaveCount(0);
});

test('a session that expires with unsaved edits goes to the login page without the unsaved-changes prompt', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/profile');
  await page.getByLabel('First name').fill('Unsaved when the session ends');
  let browserPrompts = 0;
  page.on('dialog', (d) => {
    browserPrompts += 1;
    void d.dismiss();
  });
  await endSessionElsewhere(page);

  // The live alert stream ends with its session, and the app then finds the session gone and goes to the login
  // page by itself, usually before anything is clicked; if the page is still there, saving finds out instead.
  const save = page.getByRole('button', { name: 'Save profile' });
  await save.click({ timeout: 1_000 }).catch(() => undefined);
  await expect(page).toHaveURL(/\/login\?next=%2Fprofile$/);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Unsaved changes' })).toHaveCount(0);
  expect(browserPrompts).toBe(0);

  // Logging in again returns to the page, with nothing held.
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/profile$/);
});

test('forms validate with the contract’s schemas before anything is sent', async ({ page, makeUser, admin }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  const writes: string[] = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET') writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });

  await page.goto('/profile');
  const password = page.getByRole('form', { name: 'Change password' });
  await password.getByLabel('Current password').fill('e2e-password-123');
  await password.getByLabel('New password', { exact: true }).fill('short');
  await password.getByLabel('Confirm new password').fill('different');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByLabel('New password', { exact: true })).toHaveAccessibleDescription(/Use at least 10 characters/);
  await expect(password.getByLabel('New password', { exact: true })).toBeFocused();
  await expect(password.getByLabel('Confirm new password')).toHaveAccessibleDescription('The new password and its confirmation differ.');

  await page.getByLabel('Slack Email Address').fill('not-an-address');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByLabel('Slack Email Address')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Slack Email Address')).toHaveAccessibleDescription(/Enter a valid email address/);

  const token = page.getByRole('form', { name: 'Create token' });
  await token.getByRole('button', { name: 'Create token' }).click();
  await expect(token.getByLabel('Token name')).toHaveAccessibleDescription('Name the token');

  // The profile holds refused edits: leaving asks first.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('dialog', { name: 'Unsaved changes' }).getByRole('button', { name: 'Leave without saving' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  const webhook = page.getByRole('form', { name: 'Add webhook' });
  await webhook.getByLabel('Name', { exact: true }).fill('Validated');
  await webhook.getByLabel('URL', { exact: true }).fill('ftp://files.example.com/x');
  await webhook.getByLabel('Header name').fill('Content-Type');
  await webhook.getByRole('button', { name: 'Add webhook' }).click();
  await expect(webhook.getByLabel('URL', { exact: true })).toHaveAccessibleDescription('Enter an http:// or https:// URL');
  await expect(webhook.getByLabel('Header name')).toHaveAccessibleDescription(/Tocsin sets this header itself/);

  expect(writes).toEqual([]);
  expect((await admin.get('/api/webhooks')).body.items.some((w: { name: string }) => w.name === 'Validated')).toBe(false);
});
