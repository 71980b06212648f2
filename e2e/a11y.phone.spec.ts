/**
 * At 390×844: the navigation behind a menu button, the alerts as readable cards, tables that do not scroll
 * sideways, 44 px touch targets, and axe on each page and state.
 */
import type { Locator, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { type ApiSession, DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';
import { startReceiver } from './receiver';

test.describe.configure({ timeout: 120_000 });

const menuButton = (page: Page) => page.getByRole('button', { name: 'Menu', exact: true });
const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** The page never scrolls sideways. */
async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

/** The element lies within the screen's width. */
async function expectWithinWidth(locator: Locator) {
  const box = await locator.boundingBox();
  expect(box).not.toBeNull();
  const width = locator.page().viewportSize()!.width;
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width + 0.5);
}

/**
 * Every visible button, form control and navigation link can be hit with a finger: at least 44×44 px
 * (a checkbox counts its label, which toggles it too). Links inside running text are exempt (WCAG 2.5.8).
 */
async function expectTouchTargets(page: Page, label: string) {
  const small = await page.evaluate(() => {
    const selector = 'button, select, input:not([type="hidden"]), textarea, nav a, .topbar a';
    const tooSmall: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || getComputedStyle(element).visibility === 'hidden') continue;
      if (element.closest('[aria-hidden="true"]') || element.classList.contains('skip-link')) continue;
      const target =
        element instanceof HTMLInputElement && element.type === 'checkbox'
          ? (element.closest('label, .field-checkbox') ?? element)
          : element;
      const box = target.getBoundingClientRect();
      if (box.height < 43.5 || box.width < 43.5) {
        const name = element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName;
        tooSmall.push(`${element.tagName.toLowerCase()} "${name.slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return tooSmall;
  });
  expect(small, `${label}: touch targets under 44 px`).toEqual([]);
}

async function userWithAlerts(admin: ApiSession, makeUser: () => Promise<{ username: string; password: string; api: ApiSession }>) {
  const user = await makeUser();
  const saved = await user.api.put('/api/notifications/settings/personal', { settings: { user_mentioned: ['alert'] }, columns: ['alert'] });
  expect(saved.status).toBe(200);
  const titles = [uniqueName('Phone alert with a rather long title that has to wrap on a small screen'), uniqueName('Second')];
  for (const title of titles) {
    const res = await admin.post('/api/events', {
      event: 'user_mentioned',
      title,
      description: `**${title}** needs a look: ${'details '.repeat(20)}`,
      url: 'https://jira.example.com/browse/SEC-42',
      recipients: [user.username],
      alert_only: true,
    });
    expect(res.status).toBe(202);
  }
  return { user, titles };
}

test('the navigation collapses behind Menu: aria-expanded, focus into it, Escape closes and returns focus', async ({ page }) => {
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  const menu = menuButton(page);
  await expect(menu).toBeVisible();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(mainNav(page)).toBeHidden();
  await expectTouchTargets(page, 'top bar');

  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(mainNav(page)).toBeVisible();
  await expect(mainNav(page).getByRole('link', { name: 'Alerts' })).toBeFocused();
  await expectTouchTargets(page, 'menu open');
  await expectNoSeriousA11yViolations(page, 'phone menu open');

  await page.keyboard.press('Tab');
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(mainNav(page)).toBeHidden();
  await expect(menu).toBeFocused();

  // Leaving the menu with the keyboard closes it: focus never goes on behind the overlay.
  await menu.click();
  await expect(mainNav(page).getByRole('link', { name: 'Alerts' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(mainNav(page)).toBeHidden();

  // Following a link closes the menu.
  await menu.click();
  await mainNav(page).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await expect(mainNav(page)).toBeHidden();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
});

test('alerts are cards with title and description in full; the selection bar and toast fit the screen', async ({
  admin,
  makeUser,
  page,
}) => {
  const { user, titles } = await userWithAlerts(admin, makeUser);
  await loginAs(page, user.username, user.password);
  await page.goto('/alerts');
  const title = page.getByRole('link', { name: new RegExp(titles[0]!) });
  await expect(title).toBeVisible();
  await expectWithinWidth(title);
  const description = page.getByText(`${titles[0]} needs a look`);
  await expect(description).toBeVisible();
  await expectWithinWidth(description);
  // The link to another site says where it goes.
  await expect(title).toContainText('jira.example.com');
  await expect(title).toHaveAttribute('target', '_blank');
  await expectNoSidewaysScroll(page);
  await expectTouchTargets(page, 'alerts');
  await expectNoSeriousA11yViolations(page, 'phone alerts');

  await page.getByRole('checkbox', { name: `Select alert: ${titles[0]}` }).check();
  const bar = page.getByRole('region', { name: 'Selected alerts' });
  await expect(bar).toBeInViewport();
  await expectWithinWidth(bar);
  await expectTouchTargets(page, 'selection bar');
  await expectNoSeriousA11yViolations(page, 'phone selection bar');
  await bar.getByRole('button', { name: 'Remove selected' }).click();
  const toast = page.getByRole('status').filter({ hasText: 'Removed 1 alert.' });
  await expect(toast).toBeInViewport();
  await expectWithinWidth(toast);
  await expectNoSeriousA11yViolations(page, 'phone removal toast');

  await page.getByRole('button', { name: /^Alerts \d+$/ }).click();
  const panel = page.getByRole('dialog', { name: 'Newest alerts', exact: true });
  await expect(panel).toBeVisible();
  await expectWithinWidth(panel);
  await expectNoSeriousA11yViolations(page, 'phone bell open');
});

test('tables show their main columns without sideways scrolling, with 44 px targets', async ({ page, admin }) => {
  const receiver = await startReceiver({ status: 200 });
  const name = uniqueName('Phone hook');
  try {
    expect((await admin.post('/api/webhooks', { name, url: `${receiver.url}?a-long-query-string=${'x'.repeat(60)}` })).status).toBe(201);
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);

    await page.goto('/webhooks');
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    await expectWithinWidth(row.getByRole('rowheader', { name, exact: true }));
    await expectWithinWidth(row.getByRole('cell').filter({ hasText: 'a-long-query-string' }));
    await expectWithinWidth(row.getByRole('button', { name: `Delete webhook ${name}`, exact: true }));
    await expectNoSidewaysScroll(page);
    await expectTouchTargets(page, 'webhooks');
    await expectNoSeriousA11yViolations(page, 'phone webhooks');

    await page.goto('/users');
    const alice = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'alice', exact: true }) });
    await expectWithinWidth(alice.getByRole('link', { name: 'alice', exact: true }));
    await expectWithinWidth(alice.getByRole('cell').filter({ hasText: 'alice@' }));
    await expectNoSidewaysScroll(page);
    await expectTouchTargets(page, 'users');
    await expectNoSeriousA11yViolations(page, 'phone users');

    await page.goto('/products/1');
    await expect(page.getByRole('button', { name: /^Close engagement / }).first()).toBeVisible();
    await expectWithinWidth(page.getByRole('button', { name: /^Close engagement / }).first());
    await expectNoSidewaysScroll(page);
    await expectTouchTargets(page, 'product');
    await expectNoSeriousA11yViolations(page, 'phone product');

    await page.goto('/notifications');
    // The matrix keeps its event column in view.
    await expectWithinWidth(page.getByRole('rowheader', { name: /Scan Added/ }).first());
    // Inherited from the demo's system record, so marked "(from System settings)".
    await expectWithinWidth(page.getByRole('checkbox', { name: /^Scan Added: Alert/ }));
    await expectNoSidewaysScroll(page);
    await expectNoSeriousA11yViolations(page, 'phone notifications');

    await page.goto('/deliveries');
    await expectNoSidewaysScroll(page);
    await expectTouchTargets(page, 'delivery log');
    await expectNoSeriousA11yViolations(page, 'phone delivery log');
  } finally {
    const list = await admin.get('/api/webhooks');
    for (const w of list.body.items as { id: number; name: string }[]) if (w.name === name) await admin.delete(`/api/webhooks/${w.id}`);
    await receiver.close();
  }
});

test('forms on a phone: login, profile, system settings with Save in view', async ({ page, makeUser }) => {
  await page.goto('/login');
  await expectNoSidewaysScroll(page);
  await expectTouchTargets(page, 'login');
  await expectNoSeriousA11yViolations(page, 'phone login');

  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  await page.goto('/profile');
  await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
  await expectNoSidewaysScroll(page);
  await expectTouchTargets(page, 'profile');
  await expectNoSeriousA11yViolations(page, 'phone profile');

  await menuButton(page).click();
  await mainNav(page).getByRole('button', { name: 'Log out' }).click();
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/system-settings');
  const save = page.getByRole('button', { name: 'Save settings' });
  await expect(save).toBeInViewport();
  await page.getByLabel('Disclaimer', { exact: true }).scrollIntoViewIfNeeded();
  await expect(save).toBeInViewport();
  await expectNoSidewaysScroll(page);
  await expectTouchTargets(page, 'system settings');
  await expectNoSeriousA11yViolations(page, 'phone system settings');
});
