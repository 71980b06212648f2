/**
 * At 390×844: the Notification Template page and a user's Notification settings tab fit the screen (wide tables
 * scroll inside their frame, the page never sideways), every control is a 44 px touch target, and axe is clean.
 */
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { DEMO_ADMIN, expect, loginAs, test } from './fixtures';

test.describe.configure({ timeout: 120_000 });

async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

/** As a11y.phone.spec.ts: at least 44×44 px; a checkbox or radio counts its label, which toggles it too. */
async function expectTouchTargets(page: Page, label: string) {
  const small = await page.evaluate(() => {
    const tooSmall: string[] = [];
    for (const element of Array.from(
      document.querySelectorAll<HTMLElement>('button, select, input:not([type="hidden"]), textarea, nav a'),
    )) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || getComputedStyle(element).visibility === 'hidden') continue;
      if (element.closest('[aria-hidden="true"]') || element.classList.contains('skip-link')) continue;
      const isToggle = element instanceof HTMLInputElement && (element.type === 'checkbox' || element.type === 'radio');
      const target = isToggle ? (element.closest('label, .field-checkbox') ?? element) : element;
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

test('the template page and a user’s notification settings on a phone', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);

  await page.goto('/notification-template');
  await expect(page.getByRole('heading', { level: 1, name: 'Notification template' })).toBeVisible();
  const apply = page.getByRole('region', { name: 'Apply to existing users' });
  await apply.getByRole('radio', { name: /^Chosen people/ }).check();
  await apply.getByLabel('Find people').fill(user.username);
  await apply.getByRole('checkbox', { name: user.username, exact: true }).check();
  await expect(apply.getByText(/of 1 person would change$/)).toBeVisible();
  await expectNoSidewaysScroll(page);
  await expectTouchTargets(page, 'notification template');
  await expectNoSeriousA11yViolations(page, 'phone notification template');

  await page.goto(`/users/${user.id}?tab=notifications`);
  await expect(page.getByRole('tab', { name: 'Notification settings' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: `What ${user.username} receives`, exact: true })).toBeVisible();
  await expectNoSidewaysScroll(page);
  await expectTouchTargets(page, 'user notification settings');
  await expectNoSeriousA11yViolations(page, 'phone user notification settings');
});
