/**
 * The bell and the Alerts page, end to end. Each test uses a fresh non-superuser who hears only the
 * mentions raised for them here, so counts are exact whatever other specs do on the shared server.
 */
import type { Page } from '@playwright/test';
import { type ApiSession, expect, loginAs, type TestUser, test, uniqueName } from './fixtures';

/** The new user opts in to in-app alerts for mentions (personal record, alert column only). */
async function enableMentionAlerts(user: TestUser) {
  const res = await user.api.put('/api/notifications/settings/personal', { settings: { user_mentioned: ['alert'] }, columns: ['alert'] });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

type TRaise = { title: string; url?: string; description?: string };

/** Raises a mention of `username` through the integration API; exactly one alert must result. */
async function raiseMention(admin: ApiSession, username: string, { title, url, description }: TRaise) {
  const res = await admin.post('/api/events', {
    event: 'user_mentioned',
    title,
    recipients: [username],
    alert_only: true,
    ...(url ? { url } : {}),
    ...(description ? { description } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.alerts_created).toBe(1);
}

const bellButton = (page: Page) => page.getByRole('button', { name: /^Alerts( \d+\+?)?$/ });
const bellPanel = (page: Page) => page.getByRole('dialog', { name: 'Newest alerts', exact: true });
const rowCheckboxes = (page: Page) => page.getByRole('checkbox', { name: /^Select alert: / });
const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selected alerts' });

async function newUserWithAlerts(admin: ApiSession, makeUser: () => Promise<TestUser>, titles: string[]) {
  const user = await makeUser();
  await enableMentionAlerts(user);
  for (const title of titles) await raiseMention(admin, user.username, { title });
  return user;
}

test.describe('login', () => {
  test('shows the server message for a bad password, then returns to the page asked for', async ({ makeUser, page }) => {
    const user = await makeUser();
    await page.goto('/alerts?page=1');
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Invalid username or password.');
    // Focus goes to the reason, and the password is not kept.
    await expect(page.getByRole('alert')).toBeFocused();
    await expect(page.getByLabel('Password')).toHaveValue('');

    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(/\/alerts\?page=1$/);
    await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 0');
    await expect(page.getByRole('link', { name: 'Alerts', exact: true })).toHaveAttribute('aria-current', 'page');

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login(\?|$)/);
    await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
    await page.goto('/alerts');
    await expect(page).toHaveURL(/\/login\?next=%2Falerts$/);
  });
});

test.describe('bell', () => {
  test('an event raised through the API appears in the open bell without a reload', async ({ admin, makeUser, page }) => {
    const user = await makeUser();
    await enableMentionAlerts(user);
    await loginAs(page, user.username, user.password);
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const bell = bellButton(page);
    await expect(bell).toHaveAccessibleName('Alerts 0');
    await bell.click();
    await expect(bell).toHaveAttribute('aria-expanded', 'true');
    await expect(bellPanel(page).getByText('No alerts found.')).toBeVisible();

    const title = uniqueName('Mentioned in a note');
    await raiseMention(admin, user.username, { title });

    await expect(bell).toHaveAccessibleName('Alerts 1');
    await expect(bellPanel(page).getByRole('link', { name: new RegExp(title) })).toBeVisible();
    // The Alerts page behind it follows as well.
    await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible();
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  test('opens with aria-expanded, never lowers the count, closes on Escape and navigates to an alert', async ({
    admin,
    makeUser,
    page,
  }) => {
    const user = await makeUser();
    await enableMentionAlerts(user);
    const title = uniqueName('Go to profile');
    await raiseMention(admin, user.username, { title, url: '/profile' });
    await raiseMention(admin, user.username, { title: uniqueName('Other') });
    await loginAs(page, user.username, user.password);

    const bell = bellButton(page);
    await expect(bell).toHaveAccessibleName('Alerts 2');
    await expect(bell).toHaveAttribute('aria-haspopup', 'dialog');
    await expect(bell).toHaveAttribute('aria-expanded', 'false');

    await bell.click();
    await expect(bell).toHaveAttribute('aria-expanded', 'true');
    await expect(bellPanel(page).getByRole('listitem')).toHaveCount(2);
    await page.keyboard.press('Escape');
    await expect(bell).toHaveAttribute('aria-expanded', 'false');
    await expect(bellPanel(page)).toBeHidden();
    await expect(bell).toBeFocused();

    // Reading never lowers the count.
    await page.reload();
    await expect(bell).toHaveAccessibleName('Alerts 2');

    // A click outside closes it.
    await bell.click();
    await page.getByRole('navigation', { name: 'Main' }).getByText('Configuration').click();
    await expect(bell).toHaveAttribute('aria-expanded', 'false');

    await bell.click();
    await bellPanel(page)
      .getByRole('link', { name: new RegExp(title) })
      .click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(bell).toHaveAttribute('aria-expanded', 'false');
    await expect(bell).toHaveAccessibleName('Alerts 2');

    await bell.click();
    await bellPanel(page).getByRole('link', { name: 'See All Alerts ›' }).click();
    await expect(page).toHaveURL(/\/alerts$/);
  });

  test('Clear All Alerts asks first: Cancel keeps them, confirming empties the bell and the page', async ({ admin, makeUser, page }) => {
    const user = await newUserWithAlerts(admin, makeUser, [uniqueName('First'), uniqueName('Second')]);
    await loginAs(page, user.username, user.password);
    const bell = bellButton(page);
    await expect(bell).toHaveAccessibleName('Alerts 2');

    await bell.click();
    await bellPanel(page).getByRole('button', { name: 'Clear All Alerts ›' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clear all alerts?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('This removes all 2 alerts from your list and from the Alerts page.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(bell).toHaveAccessibleName('Alerts 2');
    await expect(rowCheckboxes(page)).toHaveCount(2);

    await bellPanel(page).getByRole('button', { name: 'Clear All Alerts ›' }).click();
    await dialog.getByRole('button', { name: 'Clear all alerts' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'Cleared 2 alerts.' })).toBeVisible();
    await expect(bell).toHaveAccessibleName('Alerts 0');
    await expect(bellPanel(page).getByText('No alerts found.')).toBeVisible();
    await expect(page.getByRole('main').getByText('No alerts found.', { exact: true })).toBeVisible();
    await expect(rowCheckboxes(page)).toHaveCount(0);

    const list = await user.api.get('/api/alerts');
    expect(list.body.total).toBe(0);
  });
});

test.describe('alert links', () => {
  test('links to other sites open in a new tab and show their host; links on this origin stay in the app', async ({
    admin,
    makeUser,
    page,
    baseURL,
  }) => {
    const user = await makeUser();
    await enableMentionAlerts(user);
    const external = uniqueName('Jira ticket');
    const own = uniqueName('Own page');
    await raiseMention(admin, user.username, { title: external, url: 'https://jira.example.com/browse/SEC-7' });
    await raiseMention(admin, user.username, { title: own, url: `${baseURL}/profile` });
    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const externalLink = page.getByRole('link', { name: new RegExp(external) });
    await expect(externalLink).toHaveAttribute('href', 'https://jira.example.com/browse/SEC-7');
    await expect(externalLink).toHaveAttribute('target', '_blank');
    await expect(externalLink).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(externalLink).toContainText('jira.example.com');
    await expect(externalLink).toHaveAccessibleName(new RegExp(`${external}.*\\(opens in a new tab\\)`));

    await bellButton(page).click();
    const inBell = bellPanel(page).getByRole('link', { name: new RegExp(external) });
    await expect(inBell).toHaveAttribute('target', '_blank');
    await expect(inBell).toContainText('jira.example.com');
    await page.keyboard.press('Escape');

    const ownLink = page.getByRole('link', { name: own, exact: true });
    await expect(ownLink).toHaveAttribute('href', '/profile');
    await expect(ownLink).not.toHaveAttribute('target', /.*/);
    await ownLink.click();
    await expect(page).toHaveURL(/\/profile$/);
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });
});

test.describe('alerts page', () => {
  test('removes exactly the checked alerts and the bell follows', async ({ admin, makeUser, page }) => {
    const [a, b, c] = [uniqueName('Alpha'), uniqueName('Bravo'), uniqueName('Charlie')];
    const user = await newUserWithAlerts(admin, makeUser, [a, b, c]);
    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');

    // Nothing selected: no action bar.
    const bar = selectionBar(page);
    await expect(bar).toHaveCount(0);
    // Newest first.
    await expect(rowCheckboxes(page)).toHaveCount(3);
    await expect(rowCheckboxes(page).first()).toHaveAccessibleName(`Select alert: ${c}`);

    await page.getByRole('checkbox', { name: `Select alert: ${b}` }).check();
    await expect(bar).toBeVisible();
    await expect(bar).toContainText('1 selected');
    await bar.getByRole('button', { name: 'Remove selected' }).click();

    // The removal reached the server at once: the toast offers Undo, and has focus (the bar is gone).
    const toast = page.getByRole('status').filter({ hasText: 'Removed 1 alert.' });
    await expect(toast).toBeVisible();
    await expect(toast.getByRole('button', { name: 'Undo' })).toBeFocused();
    expect((await user.api.get('/api/alerts')).body.total).toBe(2);
    await expect(page.getByRole('checkbox', { name: `Select alert: ${b}` })).toHaveCount(0);
    await expect(page.getByRole('link', { name: a, exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: c, exact: true })).toBeVisible();
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 2');
    await expect(bar).toHaveCount(0);
  });

  test('select all checks every alert on the page and removes them', async ({ admin, makeUser, page }) => {
    const user = await newUserWithAlerts(admin, makeUser, [uniqueName('One'), uniqueName('Two'), uniqueName('Three')]);
    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');

    const selectAll = page.getByRole('checkbox', { name: 'Select all alerts on this page' });
    const bar = selectionBar(page);
    await selectAll.check();
    for (const box of await rowCheckboxes(page).all()) await expect(box).toBeChecked();
    await expect(bar).toContainText('3 selected');

    await rowCheckboxes(page).first().uncheck();
    await expect(selectAll).not.toBeChecked();
    await expect(bar).toContainText('2 selected');

    // Unchecking the partly checked header clears every row.
    await selectAll.check();
    await expect(bar).toContainText('3 selected');
    await selectAll.uncheck();
    for (const box of await rowCheckboxes(page).all()) await expect(box).not.toBeChecked();
    await expect(bar).toHaveCount(0);

    // Clear selection empties it too, and puts focus back on the header checkbox.
    await rowCheckboxes(page).nth(1).check();
    await bar.getByRole('button', { name: 'Clear selection' }).click();
    await expect(bar).toHaveCount(0);
    await expect(selectAll).toBeFocused();
    await expect(rowCheckboxes(page).nth(1)).not.toBeChecked();

    await selectAll.check();
    await bar.getByRole('button', { name: 'Remove selected' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Removed 3 alerts.' })).toBeVisible();

    await expect(page.getByRole('main').getByText('No alerts found.', { exact: true })).toBeVisible();
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 0');
  });

  test('shows 25 a page with Previous/Next and goes back a page after emptying the last one', async ({ admin, makeUser, page }) => {
    const titles = Array.from({ length: 27 }, (_, i) => uniqueName(`Paged ${String(i + 1).padStart(2, '0')}`));
    const user = await newUserWithAlerts(admin, makeUser, titles);
    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');

    await expect(page.getByText('Page 1 of 2')).toBeVisible();
    await expect(rowCheckboxes(page)).toHaveCount(25);
    await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page).toHaveURL(/\/alerts\?page=2$/);
    await expect(page.getByText('Page 2 of 2')).toBeVisible();
    // The two oldest.
    await expect(rowCheckboxes(page)).toHaveCount(2);
    await expect(page.getByRole('link', { name: titles[0], exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();

    await page.getByRole('checkbox', { name: 'Select all alerts on this page' }).check();
    await expect(selectionBar(page)).toContainText('2 selected');
    await page.getByRole('button', { name: 'Remove selected' }).click();

    await expect(page).toHaveURL(/\/alerts$/);
    await expect(rowCheckboxes(page)).toHaveCount(25);
    await expect(page.getByText(/Page \d of \d/)).toHaveCount(0);
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 25');
  });

  test('Undo after Remove selected puts the alerts back', async ({ admin, makeUser, page, request }) => {
    const openapi = await (await request.get('/api/openapi.json')).json();
    expect(openapi.paths?.['/api/alerts/restore']?.post, 'POST /api/alerts/restore is in the API').toBeTruthy();
    const [keep, drop] = [uniqueName('Keep'), uniqueName('Undo me')];
    const user = await newUserWithAlerts(admin, makeUser, [keep, drop]);
    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');
    await page.getByRole('checkbox', { name: `Select alert: ${drop}` }).check();
    await page.getByRole('button', { name: 'Remove selected' }).click();
    const toast = page.getByRole('status').filter({ hasText: 'Removed 1 alert.' });
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 1');
    expect((await user.api.get('/api/alerts')).body.total).toBe(1);

    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Restored 1 alert.' })).toBeVisible();
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 2');
    await expect(page.getByRole('link', { name: drop, exact: true })).toBeVisible();
    expect((await user.api.get('/api/alerts')).body.total).toBe(2);
  });

  test('removals in one tab reach the other tab live', async ({ admin, makeUser, page }) => {
    const [keep, drop] = [uniqueName('Keep'), uniqueName('Drop')];
    const user = await newUserWithAlerts(admin, makeUser, [keep, drop]);
    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');
    const other = await page.context().newPage();
    await other.goto('/alerts');
    await expect(bellButton(other)).toHaveAccessibleName('Alerts 2');

    await page.getByRole('checkbox', { name: `Select alert: ${drop}` }).check();
    await page.getByRole('button', { name: 'Remove selected' }).click();

    await expect(bellButton(other)).toHaveAccessibleName('Alerts 1');
    await expect(other.getByRole('link', { name: drop, exact: true })).toHaveCount(0);
    await expect(other.getByRole('link', { name: keep, exact: true })).toBeVisible();
    await other.close();
  });

  test('renders descriptions as sanitised markdown', async ({ admin, makeUser, page }) => {
    const user = await makeUser();
    await enableMentionAlerts(user);
    const title = uniqueName('Markdown');
    await raiseMention(admin, user.username, {
      title,
      description:
        '**Bold finding** <img src=x onerror="window.pwned=1"> [bad](javascript:window.pwned=2) [docs](https://example.com/docs)',
    });
    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');

    const row = page.getByRole('row', { name: new RegExp(title) });
    await expect(row.getByText('Bold finding')).toBeVisible();
    await expect(row.getByRole('link', { name: 'docs' })).toHaveAttribute('href', 'https://example.com/docs');
    await expect(row.getByRole('link', { name: 'bad' })).toHaveCount(0);
    await expect(row.getByRole('img')).toHaveCount(1); // the type icon only
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });
});
