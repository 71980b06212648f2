/**
 * System Settings: the Teams Workflows URL field appears with its switch, saving, write-only secrets (the Teams
 * URL among them), test notifications with their outcome inline (a loopback stand-in plays Teams), and who may
 * see the page.
 */
import { type ApiSession, DEMO_ADMIN, expect, loginAs, test } from './fixtures';
import { startReceiver as startSharedReceiver } from './receiver';

const startReceiver = (initialStatus = 200) =>
  startSharedReceiver({ status: initialStatus, path: '/teams', okBody: '1', errorBody: 'Teams stand-in is down' });

const SETTINGS_KEYS = ['msteams_enabled', 'slack_enabled', 'slack_channel', 'team_name', 'disclaimer'] as const;
const TEAMS_LABEL = 'Teams Workflows webhook URL';
const WORKFLOWS_URL =
  'https://prod-00.westeurope.logic.azure.com/workflows/e2e/triggers/manual/paths/invoke?api-version=2016-06-01&sig=e2e-sig';

/** Tests share one server: put back what a test changed. Secrets cannot be read back, so tests that set one clear it. */
async function snapshotSettings(admin: ApiSession) {
  const before = await admin.get('/api/system-settings');
  expect(before.status).toBe(200);
  const restore: Record<string, unknown> = {};
  for (const key of SETTINGS_KEYS) restore[key] = before.body[key];
  // The Teams URL is write-only: one set by a test is cleared unless one was there before.
  if (!before.body.msteams_url_set && !before.body.msteams_enabled) restore.msteams_url = '';
  return async () => {
    const res = await admin.put('/api/system-settings', restore);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
}

test('enabling Teams reveals the Teams Workflows webhook URL field, and saving keeps the URL without showing it', async ({
  page,
  admin,
}) => {
  const restore = await snapshotSettings(admin);
  await admin.put('/api/system-settings', { msteams_enabled: false });
  try {
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System Settings' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'System Settings' })).toBeVisible();
    for (const section of ['Email', 'Slack', 'Microsoft Teams', 'Webhooks', 'Notification disclaimer']) {
      await expect(page.getByRole('region', { name: section })).toBeVisible();
    }

    const teams = page.getByRole('region', { name: 'Microsoft Teams' });
    await expect(teams.getByLabel(TEAMS_LABEL, { exact: true })).toHaveCount(0);
    await teams.getByLabel('Enable Microsoft Teams notifications').check();
    await expect(teams.getByLabel(TEAMS_LABEL, { exact: true })).toBeVisible();
    // How to make one is explained next to the field.
    await teams.getByText('How to get a Teams Workflows webhook URL').click();
    await expect(teams.getByText('Post card in a chat or channel')).toBeVisible();
    await teams.getByLabel(TEAMS_LABEL, { exact: true }).fill(WORKFLOWS_URL);
    await page.getByLabel('Team name').fill('E2E Blue Team');
    await page.getByLabel('Disclaimer', { exact: true }).fill('Confidential: for the security team only.');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();

    await page.reload();
    await expect(teams.getByLabel('Enable Microsoft Teams notifications')).toBeChecked();
    // The URL is a credential (its sig=): saved, shown as set, never filled back in.
    await expect(teams.getByLabel(TEAMS_LABEL, { exact: true })).toHaveValue('');
    await expect(teams.getByLabel(TEAMS_LABEL, { exact: true })).toHaveAttribute('placeholder', 'Set — leave empty to keep');
    expect(await page.content()).not.toContain('e2e-sig');
    expect((await admin.get('/api/system-settings')).body).toMatchObject({ msteams_enabled: true, msteams_url_set: true });
    await expect(page.getByLabel('Team name')).toHaveValue('E2E Blue Team');
    await expect(page.getByLabel('Disclaimer', { exact: true })).toHaveValue('Confidential: for the security team only.');

    // Switching Teams off hides the field again.
    await teams.getByLabel('Enable Microsoft Teams notifications').uncheck();
    await expect(teams.getByLabel(TEAMS_LABEL, { exact: true })).toHaveCount(0);
  } finally {
    await restore();
  }
});

test('an invalid Teams URL is refused in the browser with the schema’s message on the field, and nothing is saved', async ({
  page,
  admin,
}) => {
  const restore = await snapshotSettings(admin);
  await admin.put('/api/system-settings', { msteams_enabled: false, msteams_url: '' });
  try {
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/system-settings');
    const teams = page.getByRole('region', { name: 'Microsoft Teams' });
    await teams.getByLabel('Enable Microsoft Teams notifications').check();
    const url = teams.getByLabel(TEAMS_LABEL, { exact: true });
    await url.fill('http://teams.example.com/hook');
    let puts = 0;
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().endsWith('/api/system-settings')) puts += 1;
    });
    await page.getByRole('button', { name: 'Save settings' }).click();
    // The contract's own rule, checked before anything is sent; focus goes to the field, which names the problem.
    await expect(url).toBeFocused();
    await expect(url).toHaveAttribute('aria-invalid', 'true');
    await expect(url).toHaveAccessibleDescription(/Enter the https:\/\/ URL of the Teams Workflows webhook/);
    expect(puts).toBe(0);
    const after = await admin.get('/api/system-settings');
    expect(after.body.msteams_enabled).toBe(false);

    // Fixed, it saves.
    await url.fill(WORKFLOWS_URL);
    await expect(url).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
    expect((await admin.get('/api/system-settings')).body).toMatchObject({ msteams_enabled: true, msteams_url_set: true });
  } finally {
    await restore();
  }
});

test('a secret shows as set but never its value', async ({ page, admin }) => {
  const restore = await snapshotSettings(admin);
  const secret = `xoxb-e2e-${Date.now()}-do-not-show`;
  try {
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/system-settings');
    const slack = page.getByRole('region', { name: 'Slack' });
    await expect(slack.getByRole('button', { name: 'Copy manifest' })).toBeVisible();
    await expect(slack.locator('pre')).toContainText('"display_name": "Tocsin Notifications"');
    await expect(slack.locator('pre')).toContainText('"name": "Tocsin"');

    await slack.getByLabel('Enable Slack notifications').check();
    await slack.getByLabel('Slack token', { exact: true }).fill(secret);
    await slack.getByLabel('Slack channel').fill('#security-e2e');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();

    await page.reload();
    const token = slack.getByLabel('Slack token', { exact: true });
    await expect(token).toHaveValue('');
    await expect(token).toHaveAttribute('placeholder', 'Set — leave empty to keep');
    await expect(token).toHaveAttribute('type', 'password');
    expect(await page.content()).not.toContain(secret);
    const api = await admin.get('/api/system-settings');
    expect(api.body.slack_token_set).toBe(true);
    expect(JSON.stringify(api.body)).not.toContain(secret);

    // Saving other fields keeps the token.
    await page.getByLabel('Team name').fill('Kept Token Team');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
    expect((await admin.get('/api/system-settings')).body.slack_token_set).toBe(true);
  } finally {
    await admin.put('/api/system-settings', { slack_enabled: false, slack_token: '' });
    await restore();
  }
});

test('Send test notification shows the result inline, and a failure shows the provider’s error', async ({ page, admin }) => {
  const restore = await snapshotSettings(admin);
  const teamsStandIn = await startReceiver(200);
  try {
    const saved = await admin.put('/api/system-settings', { msteams_enabled: true, msteams_url: teamsStandIn.url });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/system-settings');
    const teams = page.getByRole('region', { name: 'Microsoft Teams' });

    await teams.getByRole('button', { name: 'Send test notification' }).click();
    await expect(teams.getByRole('status')).toContainText('Microsoft Teams');
    expect(teamsStandIn.bodies).toHaveLength(1);
    expect(teamsStandIn.bodies[0]).toContain('Test notification');

    teamsStandIn.state.status = 500;
    await teams.getByRole('button', { name: 'Send test notification' }).click();
    await expect(teams.getByRole('alert')).toContainText('500');
    await expect(teams.getByRole('status')).toHaveCount(0);

    // The button says plainly what it sends.
    await expect(teams.getByRole('button', { name: 'Send test notification' })).toHaveAccessibleDescription(
      'Sends a real message now, using the saved settings.',
    );
    // Unsaved changes: the test would use the old settings, so it waits for a save.
    await page.getByLabel('Team name').fill('Unsaved name');
    await expect(teams.getByRole('button', { name: 'Send test notification' })).toBeDisabled();
    await expect(teams.getByRole('button', { name: 'Send test notification' })).toHaveAccessibleDescription(
      'Save your changes first: the test uses the saved settings.',
    );
  } finally {
    await teamsStandIn.close();
    await restore();
  }
});

test('only superusers see System Settings', async ({ page, makeUser }) => {
  const user = await makeUser({ globalRole: 'Owner' });
  await loginAs(page, user.username, user.password);
  await expect(page.getByRole('link', { name: 'System Settings' })).toHaveCount(0);
  await page.goto('/system-settings');
  await expect(page.getByRole('heading', { level: 1, name: 'System Settings' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Only superusers');
  await expect(page.getByLabel('Enable mail notifications')).toHaveCount(0);
  expect((await user.api.get('/api/system-settings')).status).toBe(403);
});
