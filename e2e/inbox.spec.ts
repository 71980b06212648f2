/**
 * The inbox end to end (inbox issue §1 and the access issue's visible parts): filters kept in the address and
 * applied by the server, New marks with the tab title and the polite announcement of arrivals, who raised an
 * alert on the page and in its detail view, the detail view's accessibility, token expiry and integration tokens
 * on the profile page, and a Content-Security-Policy the built app lives with.
 */
import { type APIRequestContext, type Page, request as playwrightRequest } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { type ApiSession, expect, loginAs, type TestUser, test, uniqueName } from './fixtures';
import { baseURL } from './playwright.config';

const bellButton = (page: Page) => page.getByRole('button', { name: /^Alerts( \d+\+?)?$/ });
const bellPanel = (page: Page) => page.getByRole('dialog', { name: 'Newest alerts', exact: true });
const filterForm = (page: Page) => page.getByRole('search', { name: 'Filter alerts' });
const rowOf = (page: Page, title: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name: title, exact: true }) });

async function enableAlerts(user: TestUser, events: string[]) {
  const settings = Object.fromEntries(events.map((e) => [e, ['alert']]));
  const res = await user.api.put('/api/notifications/settings/personal', { settings, columns: ['alert'] });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function raise(admin: ApiSession, body: Record<string, unknown>) {
  const res = await admin.post('/api/events', { alert_only: true, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { id: number; alerts_created: number };
}

/** An API client for `key` (an integration, not a browser: no cookie, no CSRF token). */
async function tokenContext(key: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Token ${key}` } });
}

/** YYYY-MM-DD of the browser's (this machine's) local day, `offset` days from today. */
function localDay(offset = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test.describe('filters on the Alerts page', () => {
  test('by event type, product, days and text; kept in the address through a reload; cleared in one go', async ({
    admin,
    makeUser,
    makeProduct,
    page,
  }) => {
    const web = await makeProduct();
    const mobile = await makeProduct();
    const user = await makeUser({ productTypes: [{ id: web.productTypeId }, { id: mobile.productTypeId }] });
    await enableAlerts(user, ['scan_added', 'user_mentioned']);
    const webScan = uniqueName('ZAP scan imported');
    const mobileScan = uniqueName('MobSF scan imported');
    const mention = uniqueName('Mentioned');
    await raise(admin, {
      event: 'scan_added',
      title: webScan,
      product_id: web.productId,
      description: 'Found **SQL Injection** in /login',
    });
    await raise(admin, { event: 'scan_added', title: mobileScan, product_id: mobile.productId });
    await raise(admin, { event: 'user_mentioned', title: mention, recipients: [user.username], description: 'about the sql injection' });

    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');
    await expect(page.getByRole('checkbox', { name: /^Select alert: / })).toHaveCount(3);

    const form = filterForm(page);
    await form.getByLabel('Event type').selectOption({ label: 'Scan Added' });
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/\/alerts\?event=scan_added$/);
    await expect(page.getByText('2 alerts match.')).toBeVisible();
    await expect(page.getByRole('link', { name: mention, exact: true })).toHaveCount(0);

    await form.getByLabel('Product').selectOption({ label: web.name });
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(new RegExp(`event=scan_added&product=${web.productId}$`));
    await expect(page.getByText('1 alert matches.')).toBeVisible();
    await expect(page.getByRole('link', { name: webScan, exact: true })).toBeVisible();

    // The address is the state: a reload (or a shared link) shows the same filtered list and form.
    await page.reload();
    await expect(filterForm(page).getByLabel('Event type')).toHaveValue('scan_added');
    await expect(filterForm(page).getByLabel('Product')).toHaveValue(String(web.productId));
    await expect(page.getByRole('link', { name: webScan, exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: mobileScan, exact: true })).toHaveCount(0);

    await filterForm(page).getByRole('button', { name: 'Clear filters' }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.getByRole('checkbox', { name: /^Select alert: / })).toHaveCount(3);

    // Text in title or description, any case; Enter applies.
    await filterForm(page).getByLabel('Search title and description').fill('SQL INJECTION');
    await filterForm(page).getByLabel('Search title and description').press('Enter');
    await expect(page).toHaveURL(/q=SQL\+INJECTION/);
    await expect(page.getByText('2 alerts match.')).toBeVisible();
    await expect(page.getByRole('link', { name: mobileScan, exact: true })).toHaveCount(0);

    // Days: everything came today; nothing came before yesterday.
    await page.goto(`/alerts?from=${localDay(0)}&to=${localDay(0)}`);
    await expect(page.getByText('3 alerts match.')).toBeVisible();
    await page.goto(`/alerts?to=${localDay(-1)}`);
    await expect(page.getByRole('main').getByText('No alerts match these filters.')).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'alerts filtered to nothing');
  });
});

test.describe('Undo and the detail view', () => {
  test('Undo after Clear All puts every alert back', async ({ admin, makeUser, page }) => {
    const user = await makeUser();
    await enableAlerts(user, ['user_mentioned']);
    const titles = [uniqueName('One'), uniqueName('Two'), uniqueName('Three')];
    for (const title of titles) await raise(admin, { event: 'user_mentioned', title, recipients: [user.username] });
    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');
    await bellButton(page).click();
    await bellPanel(page).getByRole('button', { name: 'Clear All Alerts ›' }).click();
    await page.getByRole('dialog', { name: 'Clear all alerts?' }).getByRole('button', { name: 'Clear all alerts' }).click();
    const toast = page.getByRole('status').filter({ hasText: 'Cleared 3 alerts.' });
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 0');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Restored 3 alerts.' })).toBeVisible();
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 3');
    for (const title of titles) await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible();
  });

  test('who raised an alert shows on the page and in the detail view; the detail of someone else’s alert is not found', async ({
    admin,
    browser,
    makeUser,
    page,
  }) => {
    const user = await makeUser();
    await enableAlerts(user, ['user_mentioned']);
    const tokenName = uniqueName('GitLab CI');
    const created = await admin.post('/api/me/tokens', { name: tokenName });
    expect(created.status).toBe(201);
    const integration = await tokenContext(created.body.key);
    const viaToken = uniqueName('Pipeline failed');
    const res = await integration.post('/api/events', {
      data: {
        event: 'user_mentioned',
        title: viaToken,
        recipients: [user.username],
        url: 'https://ci.example.com/jobs/7',
        alert_only: true,
      },
    });
    expect(res.status()).toBe(202);
    await integration.dispose();
    const bySession = uniqueName('Have a look');
    await raise(admin, { event: 'user_mentioned', title: bySession, recipients: [user.username], description: 'See **this**' });

    await loginAs(page, user.username, user.password);
    await page.goto('/alerts');
    await expect(rowOf(page, bySession)).toContainText('Raised by admin');
    const row = page.getByRole('row').filter({ hasText: viaToken });
    await expect(row).toContainText(`Raised by admin via token '${tokenName}'`);

    const details = row.getByRole('link', { name: 'Details', exact: true });
    await expect(details).toHaveAccessibleDescription(viaToken);
    await details.click();
    await expect(page).toHaveURL(/\/alerts\/\d+$/);
    await expect(page.getByRole('heading', { level: 1, name: viaToken })).toBeVisible();
    await expect(page.getByText(`Raised by admin via token '${tokenName}'`)).toBeVisible();
    // The link from an integration leaves the app: host shown, new tab, no referrer.
    const link = page.getByRole('link', { name: /Open the link/ });
    await expect(link).toHaveAttribute('href', 'https://ci.example.com/jobs/7');
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(link).toContainText('ci.example.com');
    await expectNoSeriousA11yViolations(page, 'alert detail');
    const alertPath = new URL(page.url()).pathname;

    // Another user, in another browser: not found, like an alert that does not exist.
    const other = await makeUser();
    const otherContext = await browser.newContext({ baseURL });
    const otherPage = await otherContext.newPage();
    await loginAs(otherPage, other.username, other.password);
    await otherPage.goto(alertPath);
    await expect(otherPage.getByRole('heading', { level: 1, name: 'Alert not found.' })).toBeVisible();
    await otherContext.close();
  });
});

test.describe('new since you last looked', () => {
  test('the title counts new alerts, arrivals are announced politely, the bell marks them New and opening it marks them seen', async ({
    admin,
    makeUser,
    page,
  }) => {
    const user = await makeUser();
    await enableAlerts(user, ['user_mentioned']);
    const [first, second, third] = [uniqueName('First'), uniqueName('Second'), uniqueName('Third')];
    await loginAs(page, user.username, user.password);
    await page.goto('/profile');
    await expect(page).toHaveTitle('Profile · Tocsin');
    const live = page.getByRole('status', { name: 'New alerts' });
    await expect(live).toHaveAttribute('aria-live', 'polite');

    await raise(admin, { event: 'user_mentioned', title: first, recipients: [user.username] });
    await expect(live).toHaveText('1 new alert');
    await expect(page).toHaveTitle('(1) Profile · Tocsin');
    await raise(admin, { event: 'user_mentioned', title: second, recipients: [user.username] });
    await expect(page).toHaveTitle('(2) Profile · Tocsin');
    await raise(admin, { event: 'user_mentioned', title: third, recipients: [user.username] });
    await expect(page).toHaveTitle('(3) Profile · Tocsin');
    await expect(live).toHaveText('1 new alert');
    // Still new after a reload: nothing has been looked at yet.
    await page.reload();
    await expect(page).toHaveTitle('(3) Profile · Tocsin');

    await bellButton(page).click();
    for (const title of [first, second, third]) {
      await expect(bellPanel(page).getByRole('link', { name: new RegExp(title) })).toContainText('New');
    }
    await expect(page).toHaveTitle('Profile · Tocsin');
    // Looking lowers nothing but the new count.
    await expect(bellButton(page)).toHaveAccessibleName('Alerts 3');
    await page.keyboard.press('Escape');

    // On the Alerts page later, only what came after that is New.
    const fourth = uniqueName('Fourth');
    await raise(admin, { event: 'user_mentioned', title: fourth, recipients: [user.username] });
    await expect(page).toHaveTitle('(1) Profile · Tocsin');
    await page.goto('/alerts');
    await expect(rowOf(page, fourth)).toContainText('New');
    await expect(rowOf(page, third)).not.toContainText('New');
    await expect(page).toHaveTitle('Alerts · Tocsin');
    await page.reload();
    await expect(rowOf(page, fourth)).not.toContainText('New');
  });
});

test.describe('tokens on the profile page', () => {
  test('a token with an expiry day; changing the password says, and does, revoke tokens', async ({ makeUser, page }) => {
    const user = await makeUser();
    await loginAs(page, user.username, user.password);
    await page.goto('/profile');
    await expect(page.getByText('Changing your password revokes all your tokens.')).toBeVisible();
    await expect(page.getByText('Your other sessions are logged out and all your API tokens are revoked.')).toBeVisible();

    await page.getByLabel('Token name').fill('Nightly scan');
    await page.getByLabel('Expires after (optional)').fill(localDay(7));
    await page.getByRole('button', { name: 'Create token' }).click();
    const key = await page.getByLabel('API key').inputValue();
    const row = page.getByRole('row').filter({ hasText: 'Nightly scan' });
    await expect(row).toContainText(`Through ${localDay(7)}`);
    await expect(row).toContainText('Never'); // not used yet
    const integration = await tokenContext(key);
    expect((await integration.get('/api/me')).status()).toBe(200);
    await page.reload();
    await expect(page.getByRole('row').filter({ hasText: 'Nightly scan' })).not.toContainText('Never');

    await page.getByLabel('Current password').fill(user.password);
    await page.getByLabel('New password', { exact: true }).fill('another-e2e-password-1');
    await page.getByLabel('Confirm new password').fill('another-e2e-password-1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText('Password changed.')).toBeVisible();
    expect((await integration.get('/api/me')).status()).toBe(401);
    await integration.dispose();
    await page.reload();
    await expect(page.getByText('You have no API tokens.')).toBeVisible();
  });

  test('a superuser makes an integration token for a service user, allowed to raise events without a product', async ({
    makeUser,
    page,
  }) => {
    const superuser = await makeUser({ isSuperuser: true });
    await loginAs(page, superuser.username, superuser.password);
    await page.goto('/profile');
    const section = page.getByRole('region', { name: 'Integration tokens' });
    const robot = uniqueName('ci-robot');
    await section.getByLabel('Service user name').fill(robot);
    await section.getByLabel('Service user email').fill(`${robot}@example.test`);
    await section.getByRole('button', { name: 'Add service user' }).click();
    await expect(section.getByText(`Service user ${robot} added`)).toBeVisible();

    await section.getByLabel('Integration token name').fill('Release pipeline');
    await section.getByLabel('Owner').selectOption({ label: `${robot} (service user)` });
    await section.getByLabel('May raise events without a product').check();
    await section.getByRole('button', { name: 'Create integration token' }).click();
    const key = await section.getByLabel('API key').inputValue();
    const row = section.getByRole('row').filter({ hasText: 'Release pipeline' });
    await expect(row).toContainText(robot);
    await expect(row).toContainText('Allowed');
    await expectNoSeriousA11yViolations(page, 'profile with integration tokens');

    const integration = await tokenContext(key);
    const raised = await integration.post('/api/events', {
      data: { event: 'other', title: uniqueName('Release 1.2 shipped'), alert_only: true },
    });
    expect(raised.status()).toBe(202);
    // A token cannot mint tokens.
    const minted = await integration.post('/api/me/tokens', { data: { name: 'more' } });
    expect(minted.status()).toBe(403);
    await integration.dispose();

    await section.getByRole('button', { name: 'Revoke integration token Release pipeline' }).click();
    await page.getByRole('dialog', { name: 'Revoke integration token' }).getByRole('button', { name: 'Revoke' }).click();
    await expect(section.getByRole('row').filter({ hasText: 'Release pipeline' })).toHaveCount(0);
  });
});

test.describe('Content-Security-Policy', () => {
  test('the built app runs under the policy: no violation on the pages with the most moving parts', async ({ makeUser, page }) => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`Content-Security-Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const response = await page.goto('/login');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const user = await makeUser();
    await loginAs(page, user.username, user.password);
    for (const path of ['/alerts', '/profile', '/notifications', '/deliveries']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    }
    await bellButton(page).click();
    await expect(bellPanel(page)).toBeVisible();
    expect(violations).toEqual([]);
  });
});
