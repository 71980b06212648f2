/** The findings pages on a 390 px phone: findings as cards, 44 px targets, and axe on the product and finding pages. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectNoSeriousA11yViolations } from './a11y';
import { expect, loginAs, test, uniqueName } from './fixtures';

test.describe.configure({ timeout: 90_000 });

const SARIF = path.join(path.dirname(fileURLToPath(import.meta.url)), '../apps/bff/src/imports/fixtures/semgrep.sarif');

test('product and finding pages on a phone', async ({ page, makeProduct, makeUser }) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  const res = await writer.api.postForm('/api/imports', {
    product_id: String(product.productId),
    engagement_name: uniqueName('CI'),
    file: { name: 'semgrep.sarif', mimeType: 'application/json', buffer: fs.readFileSync(SARIF) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);

  await loginAs(page, writer.username, writer.password);
  await page.goto(`/products/${product.productId}`);
  const table = page.getByRole('table', { name: 'Findings, most severe first' });
  const row = table.getByRole('row').nth(1);
  await expect(row).toBeVisible();
  // A card: the row is no wider than the screen, and the severity says its name.
  const box = await row.boundingBox();
  expect(box?.width ?? 999).toBeLessThanOrEqual(390);
  const select = row.getByRole('checkbox');
  const target = await select.locator('xpath=..').boundingBox();
  expect(target?.height ?? 0).toBeGreaterThanOrEqual(44);
  const filter = page.getByRole('search', { name: 'Filter findings' }).getByRole('checkbox', { name: 'Critical' });
  expect((await filter.locator('xpath=..').boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  await expectNoSeriousA11yViolations(page, 'product page on a phone');

  await row.getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Change status' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'finding page on a phone');
});
