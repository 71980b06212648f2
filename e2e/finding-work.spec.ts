/**
 * Working on findings end to end: a Writer corrects a finding's severity (the history and the new SLA show at once),
 * a reviewer works through "My reviews" (the requester sees the review completed), and an engagement's own page
 * (tests, notes with @ mentions, close and reopen), checked with axe.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { type ApiSession, expect, loginAs, test, uniqueName } from './fixtures';

test.describe.configure({ timeout: 90_000 });

const here = path.dirname(fileURLToPath(import.meta.url));
const SARIF = path.join(here, '../apps/bff/src/imports/fixtures/semgrep.sarif');

type TImported = {
  engagementId: number;
  engagementName: string;
  testId: number;
  findings: { id: number; title: string; severity: string }[];
};

/** Imports the Semgrep SARIF file into a new engagement of the product, through the API. */
async function importSarif(api: ApiSession, productId: number): Promise<TImported> {
  const engagementName = uniqueName('CI');
  const res = await api.postForm('/api/imports', {
    product_id: String(productId),
    engagement_name: engagementName,
    file: { name: 'semgrep.sarif', mimeType: 'application/json', buffer: fs.readFileSync(SARIF) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const findings = await api.get(`/api/products/${productId}/findings?test_id=${res.body.test_id}`);
  expect(findings.body.items.length).toBeGreaterThan(0);
  return { engagementId: res.body.engagement_id, engagementName, testId: res.body.test_id, findings: findings.body.items };
}

const slaSection = (page: Page) => page.getByRole('region', { name: 'SLA' });

test('a Writer corrects the severity with a reason: the history says who and why, and the SLA follows at once', async ({
  page,
  makeProduct,
  makeUser,
}) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  const { findings } = await importSarif(writer.api, product.productId);
  const finding = findings.find((f) => f.severity !== 'Critical')!;
  const before = (await writer.api.get(`/api/findings/${finding.id}`)).body;

  await loginAs(page, writer.username, writer.password);
  await page.goto(`/findings/${finding.id}`);
  await expect(page.getByRole('heading', { level: 1, name: finding.title })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Severity history' })).toContainText('The severity is as the scan reported it.');
  await expect(slaSection(page)).toContainText(`for ${finding.severity}`);

  const form = page.getByRole('form', { name: 'Correct severity' });
  await expect(form.getByRole('option', { name: `${finding.severity} (current)` })).toBeDisabled();
  // The reason is required: the form says so before anything is sent.
  await form.getByLabel('New severity').selectOption('Critical');
  await form.getByRole('button', { name: 'Change severity' }).click();
  await expect(form.getByText('Say why the severity changes')).toBeVisible();
  await form.getByLabel('Reason').fill('Reachable from the internet without login.');
  await form.getByRole('button', { name: 'Change severity' }).click();
  await expect(form.getByRole('status')).toContainText('Severity changed to Critical');

  // The answer of the change is on the page at once: the severity, the SLA (7 days for Critical) and the history.
  const after = (await writer.api.get(`/api/findings/${finding.id}`)).body;
  expect(after.sla.expires_on).not.toBe(before.sla.expires_on);
  await expect(slaSection(page)).toContainText('7 days for Critical');
  await expect(slaSection(page)).toContainText(`${after.sla.expires_on}`);
  await expect(slaSection(page)).toContainText(
    after.sla.days_left < 0 ? `${Math.abs(after.sla.days_left)} days overdue` : `${after.sla.days_left} days left`,
  );
  const history = page.getByRole('table', { name: 'Severity changes, oldest first' });
  const row = history.getByRole('row').last();
  await expect(row).toContainText(`${finding.severity} → Critical`);
  await expect(row).toContainText(writer.username);
  await expect(row).toContainText('Reachable from the internet without login.');
  await expect(row).toContainText(`${before.sla.expires_on} → ${after.sla.expires_on}`);
  // The form offers the severities the finding does not have now.
  await expect(form.getByRole('option', { name: 'Critical (current)' })).toBeDisabled();
  await expectNoSeriousA11yViolations(page, 'finding page after a severity correction');

  // It stays so after a reload (it was stored, not only shown).
  await page.reload();
  await expect(page.getByRole('table', { name: 'Severity changes, oldest first' }).getByRole('row').last()).toContainText(
    `${finding.severity} → Critical`,
  );
});

test('a reviewer sees the request in My reviews, marks it reviewed, and the requester sees it completed', async ({
  page,
  browser,
  makeProduct,
  makeUser,
}) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  const reviewer = await makeUser({ products: [{ id: product.productId, role: 'Reader' }] });
  const { findings } = await importSarif(writer.api, product.productId);
  const finding = findings[0]!;
  const asked = await writer.api.post(`/api/findings/${finding.id}/review-requests`, {
    reviewer_ids: [reviewer.id],
    note: 'Is this reachable from outside?',
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);

  await loginAs(page, reviewer.username, reviewer.password);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'My reviews 1 pending' })).toBeVisible();
  await nav.getByRole('link', { name: /^My reviews/ }).click();
  await expect(page).toHaveURL(/\/reviews$/);
  await expect(page.getByRole('heading', { level: 1, name: 'My reviews' })).toBeVisible();
  await expect(page.getByText('1 review is waiting for you.')).toBeVisible();
  const list = page.getByRole('list', { name: 'Reviews asked of you, pending first' });
  const item = list.getByRole('listitem').first();
  await expect(item.getByRole('link', { name: finding.title })).toHaveAttribute('href', `/findings/${finding.id}#reviews`);
  await expect(item.getByRole('link', { name: product.name })).toBeVisible();
  await expect(item).toContainText(`Asked by ${writer.username}`);
  await expect(item).toContainText('Is this reachable from outside?');
  await expect(item).toContainText('Pending');
  await expectNoSeriousA11yViolations(page, 'My reviews with a pending review');

  await item.getByLabel('Review comment (optional)').fill('Only from the VPN.');
  await item.getByRole('button', { name: 'Mark reviewed' }).click();
  await expect(item).toContainText('Reviewed');
  await expect(item).toContainText('Only from the VPN.');
  await expect(page.getByText('Nothing is waiting for your review.')).toBeVisible();
  await expect(nav.getByRole('link', { name: 'My reviews', exact: true })).toBeVisible();

  // The requester's finding page shows the review completed, with the comment.
  const writerContext = await browser.newContext();
  const writerPage = await writerContext.newPage();
  await loginAs(writerPage, writer.username, writer.password);
  await writerPage.goto(`/findings/${finding.id}#reviews`);
  const reviews = writerPage.getByRole('region', { name: 'Reviews' });
  await expect(reviews.getByRole('listitem').first()).toContainText(reviewer.username);
  await expect(reviews.getByRole('listitem').first()).toContainText('Reviewed');
  await expect(reviews.getByRole('listitem').first()).toContainText('Only from the VPN.');
  await writerContext.close();
});

test('an engagement has its own page: tests, notes with @ mentions, close and reopen', async ({ page, browser, makeProduct, makeUser }) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  const reader = await makeUser({ products: [{ id: product.productId, role: 'Reader' }] });
  const imported = await importSarif(writer.api, product.productId);

  await loginAs(page, writer.username, writer.password);
  await page.goto(`/products/${product.productId}`);
  await page.getByRole('table', { name: 'Engagements' }).getByRole('link', { name: imported.engagementName, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/engagements/${imported.engagementId}$`));
  await expect(page.getByRole('heading', { level: 1, name: imported.engagementName })).toBeVisible();
  await expect(page.getByRole('link', { name: product.name }).first()).toHaveAttribute('href', `/products/${product.productId}`);
  const tests = page.getByRole('table', { name: 'Tests' });
  await expect(tests.getByRole('row')).toHaveCount(2);
  await expect(tests.getByRole('link').first()).toHaveAttribute('href', `/tests/${imported.testId}`);
  await expectNoSeriousA11yViolations(page, 'engagement page');

  // A note with a mention, through the same @ box as on findings.
  const notes = page.getByRole('region', { name: 'Notes' });
  const box = notes.getByRole('combobox', { name: 'Note' });
  await box.fill('Kick-off moved to Monday, ');
  await box.pressSequentially(`@${reader.username.slice(0, -1)}`);
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  await expectNoSeriousA11yViolations(page, 'engagement note box with the mention list open');
  await box.press('Enter');
  await expect(box).toHaveValue(`Kick-off moved to Monday, @${reader.username} `);
  await notes.getByRole('button', { name: 'Add note' }).click();
  await expect(notes.getByText(`Notified: @${reader.username}.`)).toBeVisible();
  await expect(notes.getByRole('listitem').filter({ hasText: 'Kick-off moved to Monday' })).toBeVisible();

  // Close (confirmed), then reopen.
  const details = page.locator('dl.details');
  await expect(details).toContainText('In Progress');
  await page.getByRole('button', { name: 'Close engagement' }).click();
  const dialog = page.getByRole('dialog', { name: 'Close engagement' });
  await expectNoSeriousA11yViolations(page, 'engagement close confirmation');
  await dialog.getByRole('button', { name: 'Close engagement' }).click();
  await expect(dialog).toBeHidden();
  await expect(details).toContainText('Completed');
  await page.getByRole('button', { name: 'Reopen engagement' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Engagement reopened' })).toBeVisible();
  await expect(details).toContainText('In Progress');
  await expect(page.getByRole('button', { name: 'Close engagement' })).toBeVisible();

  // The reader's mention alert leads to the note on the engagement page; a Reader may not close or reopen.
  const readerContext = await browser.newContext();
  const readerPage = await readerContext.newPage();
  await loginAs(readerPage, reader.username, reader.password);
  const alerts = await reader.api.get('/api/alerts?page_size=5');
  const mention = (alerts.body.items as { url: string; title: string }[]).find((a) => /mentioned you/.test(a.title))!;
  expect(mention.url).toMatch(new RegExp(`^/engagements/${imported.engagementId}#note-\\d+$`));
  await readerPage.goto(mention.url);
  await expect(readerPage.locator('li[aria-current="true"]')).toContainText('Kick-off moved to Monday');
  await expect(readerPage.getByRole('heading', { level: 1, name: imported.engagementName })).toBeVisible();
  await expect(readerPage.getByRole('button', { name: /engagement$/ })).toHaveCount(0);
  // Links made before engagements had a page still arrive there.
  await readerPage.goto(`/products/${product.productId}?engagement=${imported.engagementId}`);
  await expect(readerPage).toHaveURL(new RegExp(`/engagements/${imported.engagementId}$`));
  // The test page links to its engagement.
  await readerPage.goto(`/tests/${imported.testId}`);
  await readerPage.getByRole('link', { name: imported.engagementName }).first().click();
  await expect(readerPage).toHaveURL(new RegExp(`/engagements/${imported.engagementId}$`));
  await readerContext.close();
});
