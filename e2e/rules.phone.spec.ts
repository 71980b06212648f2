/** The Rules and Destinations pages at phone width: no sideways scrolling, and axe finds nothing serious. */
import { expectNoSeriousA11yViolations } from './a11y';
import { DEMO_ADMIN, expect, loginAs, test } from './fixtures';

for (const [path, title] of [
  ['/rules', 'Rules'],
  ['/destinations', 'Destinations'],
] as const) {
  test(`${title} fits a phone`, async ({ page }) => {
    test.setTimeout(60_000);
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await expectNoSeriousA11yViolations(page, `${title} on a phone`);
  });
}
