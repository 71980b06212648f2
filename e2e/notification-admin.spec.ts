/**
 * Admin-managed notification preferences: a superuser edits another user's settings and the user sees who did it;
 * the template applied to chosen people with its preview; the personal matrix marking what the system already sends.
 */
import { expectNoSeriousA11yViolations } from './a11y';
import { DEMO_ADMIN, expect, loginAs, test } from './fixtures';

test('the personal matrix marks what the system record already sends, and says when products are out of reach', async ({
  page,
  makeProduct,
  makeUser,
}) => {
  const product = await makeProduct();
  const member = await makeUser({ products: [{ id: product.productId }] });
  await loginAs(page, member.username, member.password);
  await page.goto('/notifications');
  // The demo's system record sends Scan Added alerts to everyone with access.
  const inherited = page.getByRole('checkbox', { name: 'Scan Added: Alert (from System settings)', exact: true });
  await expect(inherited).toBeChecked();
  await expect(inherited).toBeDisabled();
  await expect(
    page
      .getByRole('row', { name: /Scan Added/ })
      .first()
      .getByText('from System settings'),
  ).toBeVisible();
  // Jira Update is not in the system record: the member's own box, editable.
  await expect(page.getByRole('checkbox', { name: 'Jira Update: Alert', exact: true })).toBeEnabled();
  await expect(page.getByText('events about products will not reach you')).toHaveCount(0);
  // When messages go out, in words: immediately until the member chooses a digest and quiet hours.
  const timing = page.getByRole('list', { name: 'When your messages go out' });
  await expect(timing).toContainText('Email: immediately');
  const prefs = await member.api.put('/api/delivery-preferences/me', {
    time_zone: 'Europe/Paris',
    channels: {
      mail: { mode: 'daily', daily_at: '08:30' },
      slack: { mode: 'hourly', daily_at: '08:00' },
      webhooks: { mode: 'immediate', daily_at: '08:00' },
    },
    quiet_hours: { start: '22:00', end: '07:00', critical_passes: true },
  });
  expect(prefs.status, JSON.stringify(prefs.body)).toBe(200);
  await page.reload();
  await expect(timing.getByRole('listitem')).toHaveText([
    'Email: daily digest at 08:30 (Europe/Paris)',
    'Slack: hourly digest',
    'Webhooks: immediately, held during quiet hours',
  ]);
  await expect(
    page.getByText(
      'Quiet hours 22:00–07:00 (Europe/Paris): messages sent immediately wait until they end; Critical findings go out at once. Digests keep their time.',
    ),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'personal matrix with inherited cells');

  const outsider = await makeUser();
  await page.getByRole('button', { name: 'Log out' }).click();
  await loginAs(page, outsider.username, outsider.password);
  await page.goto('/notifications');
  await expect(page.getByText(/You cannot see any product or product type yet, so events about products will not reach you/)).toBeVisible();
  // Nothing reaches them from the system record, so nothing is marked as inherited.
  await expect(page.getByRole('checkbox', { name: /\(from System settings\)$/ })).toHaveCount(0);
});

test('a superuser edits another user’s settings; the user sees who changed what', async ({ page, makeProduct, makeUser }) => {
  const product = await makeProduct();
  const user = await makeUser({ products: [{ id: product.productId }] });
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto(`/users/${user.id}`);
  await page.getByRole('tab', { name: 'Notification settings' }).click();
  await expect(page).toHaveURL(/tab=notifications/);

  const personal = page.getByRole('region', { name: 'Personal notifications' });
  // New users start from the demo template (an alert for every event).
  const jira = personal.getByRole('checkbox', { name: 'Jira Update: Alert', exact: true });
  await expect(jira).toBeChecked();
  await jira.uncheck();
  await personal.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(personal.getByRole('status')).toHaveText(`Saved. ${user.username} will see that you changed their settings.`);

  // The effective view and the history follow.
  const effective = page.getByRole('region', { name: `What ${user.username} receives`, exact: true });
  await expect(
    effective
      .getByRole('row', { name: /^Jira Update/ })
      .getByRole('cell')
      .first(),
  ).toHaveText('No');
  await expect(
    effective
      .getByRole('row', { name: /^Scan Added/ })
      .getByRole('cell')
      .first(),
  ).toHaveText('Yes (System, Personal)');
  // The superuser sees when messages to the user go out (the user chose nothing: immediately, no quiet hours).
  await expect(page.getByRole('list', { name: `When messages to ${user.username} go out` })).toContainText('Email: immediately');
  await expect(page.getByText(/^No quiet hours/)).toBeVisible();
  const history = page.getByRole('region', { name: 'Changes made by others' });
  await expect(history).toContainText('Changed by admin on');
  await expect(history).toContainText('Jira Update: removed Alert');
  await expectNoSeriousA11yViolations(page, 'user notification settings tab');

  await page.getByRole('button', { name: 'Log out' }).click();
  await loginAs(page, user.username, user.password);
  await page.goto('/notifications');
  await expect(page.getByText(/^Changed by admin on .+\.$/)).toBeVisible();
  await page.getByText(/Changes made to your settings by others \(1\)/).click();
  await expect(page.getByText('Jira Update: removed Alert')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'my notifications with changes by others');
  await expect(page.getByRole('checkbox', { name: 'Jira Update: Alert', exact: true })).not.toBeChecked();
});

test('the template is applied to chosen people after a preview and a confirmation', async ({ page, makeUser }) => {
  const first = await makeUser();
  const second = await makeUser();
  // Both drop two of the alerts the demo template gave them (every event is sent: a missing one would be cleared);
  // merging the template gives them back.
  for (const u of [first, second]) {
    const current = await u.api.get('/api/notifications/settings/personal');
    const settings = { ...current.body.settings, jira_update: [], code_review: [] };
    const res = await u.api.put('/api/notifications/settings/personal', { settings });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notification Template' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Notification template' })).toBeVisible();
  const apply = page.getByRole('region', { name: 'Apply to existing users' });
  await apply.getByRole('radio', { name: /^Merge/ }).check();
  await apply.getByRole('radio', { name: /^Chosen people/ }).check();
  await expect(apply.getByText('Choose at least one person to see what would change.')).toBeVisible();
  for (const u of [first, second]) {
    await apply.getByLabel('Find people').fill(u.username);
    await apply.getByRole('checkbox', { name: u.username, exact: true }).check();
  }
  await expect(apply.getByText(/^2 of 2 people would change$/)).toBeVisible();
  await expect(apply.getByText(/^4 event × channel settings would change$/)).toBeVisible();
  await apply.getByText('Who would change').click();
  await expect(apply.getByText(`${first.username}: 2 settings`)).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'notification template with a preview');

  await apply.getByRole('button', { name: 'Apply template…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Apply the template?' });
  await expect(dialog).toContainText('Merge into the personal settings of 2 people: 4 settings change, all at once.');
  await expectNoSeriousA11yViolations(page, 'apply template dialog');
  await dialog.getByRole('button', { name: 'Merge settings' }).click();
  await expect(dialog).toBeHidden();
  await expect(apply.getByRole('status').filter({ hasText: 'Template applied' })).toHaveText(
    'Template applied: 2 people and 4 settings changed.',
  );
  // Nothing is left to change for them now.
  await expect(apply.getByText(/^0 of 2 people would change$/)).toBeVisible();
  await expect(apply.getByRole('button', { name: 'Apply template…' })).toBeDisabled();

  for (const u of [first, second]) {
    const saved = await u.api.get('/api/notifications/settings/personal');
    expect(saved.body.settings.jira_update).toEqual(['alert']);
    const changes = await u.api.get('/api/users/me/notification-changes');
    expect(changes.body.items[0]).toMatchObject({ source: 'template', changed_by: { username: 'admin' } });
  }
  await page.getByRole('button', { name: 'Log out' }).click();
  await loginAs(page, first.username, first.password);
  await page.goto('/notifications');
  await expect(page.getByText(/^Template applied by admin on .+\.$/)).toBeVisible();
});
