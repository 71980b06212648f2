/**
 * The README's screenshots of the Alerts page, taken from the built app with the demo data (run with
 * DOCS_SCREENSHOTS=1 --project docs). Two rows are checked, so the action bar shows as well.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { DEMO_ADMIN, expect, loginAs, test } from './fixtures';

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs');

async function showAlertsPage(page: Page) {
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto('/alerts');
  const boxes = page.getByRole('checkbox', { name: /^Select alert: / });
  await expect(boxes.first()).toBeVisible();
  await boxes.nth(1).check();
  await boxes.nth(2).check();
  await expect(page.getByRole('region', { name: 'Selected alerts' })).toContainText('2 selected');
  // No focus ring, and the top of the page in view.
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
}

test('the Alerts page on a desktop', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await showAlertsPage(page);
  await page.screenshot({ path: path.join(docs, 'alerts-page.png') });
});

test('the Alerts page on a phone', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await showAlertsPage(page);
  await page.screenshot({ path: path.join(docs, 'alerts-page-phone.png') });
  await context.close();
});
