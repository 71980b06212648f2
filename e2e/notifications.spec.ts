/**
 * The notification matrix: scopes and their columns, saving and reloading, hidden columns kept
 * across a save, the unsaved-changes guard, and what a non-superuser may see.
 */
import type { Page } from '@playwright/test';
import { type ApiSession, DEMO_ADMIN, expect, loginAs, test } from './fixtures';

const CHANNEL_LABELS: Record<string, string> = {
  alert: 'Alert',
  mail: 'Mail',
  slack: 'Slack',
  msteams: 'Microsoft Teams',
  webhooks: 'Webhooks',
};
const ALL_CHANNELS = Object.keys(CHANNEL_LABELS);

/** A cell of the matrix, editable or inherited from another record ("Scan Added: Alert (from System settings)"). */
const cell = (page: Page, event: string, channel: string) =>
  page.getByRole('checkbox', { name: new RegExp(`^${event}: ${CHANNEL_LABELS[channel]}( \\(from [^)]+\\))?$`) });

/** Every channel: its "Scan Added" checkbox is on the page exactly when the API lists the column. */
async function expectColumns(page: Page, columns: string[]) {
  for (const channel of ALL_CHANNELS) {
    await expect(cell(page, 'Scan Added', channel)).toHaveCount(columns.includes(channel) ? 1 : 0);
  }
}

/** Change some system settings for one test and put them back afterwards (tests share one server). */
async function withSystemSettings(admin: ApiSession, change: Record<string, unknown>, run: () => Promise<void>) {
  const before = await admin.get('/api/system-settings');
  expect(before.status).toBe(200);
  const restore: Record<string, unknown> = {};
  for (const key of Object.keys(change)) restore[key] = before.body[key];
  const changed = await admin.put('/api/system-settings', change);
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  try {
    await run();
  } finally {
    await admin.put('/api/system-settings', restore);
  }
}

test('a superuser switches scope and sees the columns of each scope', async ({ page, admin }) => {
  await withSystemSettings(admin, { msteams_enabled: true, msteams_url: 'https://example.com/teams-webhook' }, async () => {
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/notifications');
    await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();

    const scope = page.getByLabel('Scope', { exact: true });
    await expect(scope).toHaveValue('personal');
    await expect(page.getByText('Personal notifications apply to every product you can see')).toBeVisible();
    const personal = await admin.get('/api/notifications/settings/personal');
    expect(personal.body.columns).not.toContain('msteams');
    await expectColumns(page, personal.body.columns);

    await scope.selectOption({ label: 'System' });
    await expect(
      page.getByText('System-wide notifications apply to all products and all users. Users cannot opt out of them.'),
    ).toBeVisible();
    const system = await admin.get('/api/notifications/settings/system');
    expect(system.body.columns).toContain('msteams');
    await expect(cell(page, 'Scan Added', 'msteams')).toBeVisible();
    await expectColumns(page, system.body.columns);

    await scope.selectOption({ label: 'Template' });
    await expect(page.getByText('The template is copied into the personal notifications of every user created from now on.')).toBeVisible();
    const template = await admin.get('/api/notifications/settings/template');
    expect(template.body.columns).not.toContain('msteams');
    await expectColumns(page, template.body.columns);
  });

  // With Teams switched off again, the system scope no longer offers it.
  await page.reload();
  await page.getByLabel('Scope', { exact: true }).selectOption({ label: 'System' });
  await expect(cell(page, 'Scan Added', 'alert')).toBeVisible();
  await expect(cell(page, 'Scan Added', 'msteams')).toHaveCount(0);
});

test('personal selections persist after a reload', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/notifications');

  const jiraAlert = cell(page, 'Jira Update', 'alert');
  const wasChecked = await jiraAlert.isChecked();
  await jiraAlert.setChecked(!wasChecked);
  const otherAlert = cell(page, 'Other', 'alert');
  const otherWasChecked = await otherAlert.isChecked();
  await otherAlert.setChecked(!otherWasChecked);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toHaveText('Settings saved.');

  await page.reload();
  await expect(cell(page, 'Jira Update', 'alert')).toBeChecked({ checked: !wasChecked });
  await expect(cell(page, 'Other', 'alert')).toBeChecked({ checked: !otherWasChecked });

  const saved = await user.api.get('/api/notifications/settings/personal');
  expect((saved.body.settings.jira_update ?? []).includes('alert')).toBe(!wasChecked);
});

test('saving never wipes the selections of a hidden column', async ({ page, admin, makeUser }) => {
  const user = await makeUser();
  // Code Review has no product context: a non-superuser's personal choice for it never sends anything.
  await withSystemSettings(admin, { webhooks_enabled: true }, async () => {
    const put = await user.api.put('/api/notifications/settings/personal', {
      settings: { code_review: ['alert', 'webhooks'] },
      columns: ['alert', 'webhooks'],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.settings.code_review).toEqual(['alert', 'webhooks']);
  });

  await withSystemSettings(admin, { webhooks_enabled: false }, async () => {
    await loginAs(page, user.username, user.password);
    await page.goto('/notifications');
    await expect(cell(page, 'Code Review', 'alert')).toBeChecked();
    await expect(cell(page, 'Code Review', 'webhooks')).toHaveCount(0);
    await cell(page, 'Code Review', 'alert').uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
  });

  await withSystemSettings(admin, { webhooks_enabled: true }, async () => {
    const after = await user.api.get('/api/notifications/settings/personal');
    expect(after.body.columns).toContain('webhooks');
    expect(after.body.settings.code_review).toEqual(['webhooks']);
  });
});

test('unsaved changes are confirmed before leaving or switching scope', async ({ page }) => {
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/notifications');
  // Jira Update is not in the demo's system record, so its Alert box is the admin's own to change.
  const box = cell(page, 'Jira Update', 'alert');
  await box.setChecked(!(await box.isChecked()));

  await page.getByLabel('Scope', { exact: true }).selectOption({ label: 'Template' });
  const dialog = page.getByRole('dialog', { name: 'Unsaved changes' });
  await expect(dialog).toContainText('You have unsaved changes. Leave without saving?');
  await dialog.getByRole('button', { name: 'Stay on this scope' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByLabel('Scope', { exact: true })).toHaveValue('personal');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(dialog).toContainText('You have unsaved changes. Leave without saving?');
  await dialog.getByRole('button', { name: 'Stay on this page' }).click();
  await expect(page).toHaveURL(/\/notifications$/);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await dialog.getByRole('button', { name: 'Leave without saving' }).click();
  await expect(page).toHaveURL(/\/alerts$/);
});

test('a non-superuser edits only the personal scope', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/notifications');
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await expect(cell(page, 'Scan Added', 'alert')).toBeVisible();
  await expect(page.getByLabel('Scope', { exact: true })).toHaveCount(0);
  await expect(page.getByText('Personal notifications apply to every product you can see')).toBeVisible();
  await expect(cell(page, 'Scan Added', 'msteams')).toHaveCount(0);

  const system = await user.api.get('/api/notifications/settings/system');
  expect(system.status).toBe(403);
  const template = await user.api.get('/api/notifications/settings/template');
  expect(template.status).toBe(403);
});
