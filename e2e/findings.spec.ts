/**
 * The findings pages end to end: a SARIF import through the product page (the alert arrives live in the bell),
 * the finding page (status change, notes with @ mentions heard in another user's bell, review requests),
 * risk acceptances, a broken file's line and column, and the superusers' SLA configurations and jobs pages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { type ApiSession, DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';

test.describe.configure({ timeout: 90_000 });

const here = path.dirname(fileURLToPath(import.meta.url));
const SARIF = path.join(here, '../apps/bff/src/imports/fixtures/semgrep.sarif');
const bellButton = (page: Page) => page.getByRole('button', { name: /^Alerts( \d+\+?)?$/ });

async function bellCount(page: Page): Promise<number> {
  const name = (await bellButton(page).getAttribute('aria-label')) ?? '';
  return Number(/(\d+)/.exec(name)?.[1] ?? '0');
}

/** Imports the Semgrep SARIF file into a new engagement of the product, through the API. */
async function importSarif(api: ApiSession, productId: number) {
  const res = await api.postForm('/api/imports', {
    product_id: String(productId),
    engagement_name: uniqueName('CI'),
    file: { name: 'semgrep.sarif', mimeType: 'application/json', buffer: fs.readFileSync(SARIF) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const findings = await api.get(`/api/products/${productId}/findings?test_id=${res.body.test_id}`);
  expect(findings.body.items.length).toBeGreaterThan(0);
  return { testId: res.body.test_id as number, findings: findings.body.items as { id: number; title: string; severity: string }[] };
}

test('import a SARIF scan on the product page: the alert arrives live, then the finding changes status', async ({
  page,
  makeProduct,
  makeUser,
}) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  await loginAs(page, writer.username, writer.password);
  await page.goto(`/products/${product.productId}`);
  await expect(page.getByRole('heading', { level: 1, name: product.name })).toBeVisible();
  await expect(bellButton(page)).toHaveAccessibleName('Alerts 0');

  const form = page.getByRole('form', { name: 'Import scan' });
  await form.getByLabel('Scan file').setInputFiles(SARIF);
  await expect(form.getByLabel('Format')).toHaveValue('');
  await form.getByLabel('Engagement', { exact: true }).selectOption({ label: 'New engagement…' });
  await form.getByLabel('New engagement name').fill('CI pipeline');
  await form.getByLabel('Tags').fill('ci,semgrep');
  await form.getByRole('button', { name: 'Import scan' }).click();
  await expect(form.getByRole('status')).toContainText(/Imported into .+: \d+ new, 0 reactivated, 0 mitigated, 0 untouched/);

  // Live: the stream brings test_added and scan_added to the importer's own bell (system alerts).
  await expect(bellButton(page)).not.toHaveAccessibleName('Alerts 0', { timeout: 15_000 });
  await bellButton(page).click();
  await expect(page.getByRole('dialog', { name: 'Newest alerts', exact: true })).toContainText(product.name);
  await page.keyboard.press('Escape');

  const tests = page.getByRole('table', { name: 'Tests' });
  await expect(tests.getByRole('row')).toHaveCount(2);
  const findings = page.getByRole('table', { name: 'Findings, most severe first' });
  await expect(findings.getByRole('row').nth(1)).toContainText(/days left|No SLA|Due today|overdue/);
  await expectNoSeriousA11yViolations(page, 'product page with tests and findings');

  // Filters live in the address and survive a reload.
  const filters = page.getByRole('search', { name: 'Filter findings' });
  await filters.getByRole('checkbox', { name: 'High' }).check();
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/severity=High/);
  await page.reload();
  await expect(page.getByRole('search', { name: 'Filter findings' }).getByRole('checkbox', { name: 'High' })).toBeChecked();
  await page.getByRole('search', { name: 'Filter findings' }).getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).not.toHaveURL(/severity=/);

  // The test page: its import with counts, and re-import.
  await page.getByRole('table', { name: 'Tests' }).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/tests\/\d+$/);
  const imports = page.getByRole('table', { name: 'Imports, newest first' });
  await expect(imports.getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('form', { name: 'Re-import scan' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'test page');

  // The finding page.
  const firstFinding = page.getByRole('table', { name: 'Findings of this test' }).getByRole('link').first();
  const title = (await firstFinding.textContent())?.trim() ?? '';
  await firstFinding.click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole('link', { name: /^CWE-\d+/ })).toHaveAttribute('href', /cwe\.mitre\.org/);
  await expect(page.getByRole('table', { name: 'Status history, oldest first' })).toContainText('Import');
  await expectNoSeriousA11yViolations(page, 'finding page');

  const status = page.getByRole('form', { name: 'Change status' });
  await status.getByLabel('New status').selectOption({ label: 'False positive' });
  await status.getByLabel('Reason (optional)').fill('Test fixture, not production code.');
  await status.getByRole('button', { name: 'Change status' }).click();
  await expect(status.getByRole('status').first()).toHaveText('Status changed to False positive.');
  const history = page.getByRole('table', { name: 'Status history, oldest first' });
  await expect(history.getByRole('row').last()).toContainText('False positive');
  await expect(history.getByRole('row').last()).toContainText(writer.username);
  await expect(page.getByRole('region', { name: 'Notes' })).toContainText('Test fixture, not production code.');
  // Nothing is left unsaved: the way back to the product is open.
  await page.getByRole('link', { name: product.name }).first().click();
  await expect(page).toHaveURL(new RegExp(`/products/${product.productId}$`));
});

test('a note mentioning another user rings their bell, links to the note, and a review request is marked reviewed', async ({
  page,
  browser,
  makeProduct,
  makeUser,
}) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  const reader = await makeUser({ products: [{ id: product.productId, role: 'Reader' }] });
  const { findings } = await importSarif(writer.api, product.productId);
  const finding = findings[0]!;

  const readerContext = await browser.newContext();
  const readerPage = await readerContext.newPage();
  await loginAs(readerPage, reader.username, reader.password);
  await expect(bellButton(readerPage)).toHaveAccessibleName(/^Alerts \d+$/);
  const before = await bellCount(readerPage);

  await loginAs(page, writer.username, writer.password);
  await page.goto(`/findings/${finding.id}`);
  const notes = page.getByRole('region', { name: 'Notes' });
  const box = notes.getByRole('combobox', { name: 'Note' });
  await box.fill('Please check this, ');
  await box.pressSequentially(`@${reader.username.slice(0, -1)}`);
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  const option = page.getByRole('option', { name: new RegExp(`@${reader.username}`) });
  await expect(option).toBeVisible();
  await expect(box).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id')) ?? '');
  await expectNoSeriousA11yViolations(page, 'note box with the mention list open');
  await box.press('Enter');
  await expect(box).toHaveValue(`Please check this, @${reader.username} `);
  await expect(box).toHaveAttribute('aria-expanded', 'false');
  // dave (demo) may not see the product: the answer says so inline.
  await box.pressSequentially('and @dave');
  await box.press('Escape');
  await expect(box).toHaveAttribute('aria-expanded', 'false');
  await notes.getByRole('button', { name: 'Add note' }).click();
  await expect(notes.getByText(`Notified: @${reader.username}.`)).toBeVisible();
  await expect(notes.getByText('Not notified:')).toBeVisible();
  await expect(notes.getByRole('listitem').filter({ hasText: /^@dave:/ })).toContainText(/dave/);

  // The reader's bell, in the other browser context, changes live; the alert leads to the note itself.
  await expect(bellButton(readerPage)).toHaveAccessibleName(`Alerts ${before + 1}`, { timeout: 15_000 });
  await bellButton(readerPage).click();
  await readerPage
    .getByRole('dialog', { name: 'Newest alerts', exact: true })
    .getByRole('link', { name: /mentioned you/ })
    .first()
    .click();
  await expect(readerPage).toHaveURL(new RegExp(`/findings/${finding.id}#note-\\d+$`));
  const linked = readerPage.locator('li[aria-current="true"]');
  await expect(linked).toContainText('Please check this');
  await expect(linked).toBeFocused();

  // Request review: the writer asks the reader.
  const reviews = page.getByRole('region', { name: 'Reviews' });
  const request = reviews.getByRole('form', { name: 'Request review' });
  await request.getByRole('button', { name: 'Request review' }).click();
  await expect(request.getByText('Choose at least one reviewer')).toBeVisible();
  await request.getByRole('checkbox', { name: new RegExp(`^${reader.username}`) }).check();
  await request.getByLabel('Message to the reviewers').fill('Is this really exploitable?');
  await request.getByRole('button', { name: 'Request review' }).click();
  await expect(request.getByRole('status')).toHaveText(`Review requested from ${reader.username}.`);
  await expect(reviews.getByRole('listitem').first()).toContainText('Pending');
  // After the note and the review request nothing is left unsaved: the writer can leave the page.
  await page.getByRole('link', { name: product.name }).first().click();
  await expect(page).toHaveURL(new RegExp(`/products/${product.productId}$`));

  await readerPage.reload();
  const readerReviews = readerPage.getByRole('region', { name: 'Reviews' });
  await expect(readerReviews.getByRole('form', { name: 'Request review' })).toHaveCount(0);
  await readerReviews.getByLabel('Review comment (optional)').fill('Yes, it is.');
  await readerReviews.getByRole('button', { name: 'Mark reviewed' }).click();
  await expect(readerReviews.getByRole('listitem').first()).toContainText('Reviewed');
  await expect(readerReviews.getByRole('listitem').first()).toContainText('Yes, it is.');
  // A Reader may not change the status: no form.
  await expect(readerPage.getByRole('form', { name: 'Change status' })).toHaveCount(0);
  await readerContext.close();
});

test('accept the risk of selected findings on the product page', async ({ page, makeProduct, makeUser }) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  const { findings } = await importSarif(writer.api, product.productId);
  await loginAs(page, writer.username, writer.password);
  await page.goto(`/products/${product.productId}`);

  const accept = page.getByRole('form', { name: 'Accept risk' });
  await expect(accept.getByRole('button', { name: 'Accept risk' })).toBeDisabled();
  await page
    .getByRole('checkbox', { name: `Select ${findings[0]!.title}` })
    .first()
    .check();
  await expect(accept).toContainText('1 finding selected.');
  await accept.getByLabel('Name').fill('Accepted for the release');
  await accept.getByLabel('Owner').selectOption({ label: writer.username });
  await accept.getByLabel('Decision details').fill('Compensating WAF rule.');
  const nextMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await accept.getByLabel('Expiry date').fill(nextMonth);
  await expect(accept.getByLabel('Reactivate findings on expiry')).toBeChecked();
  await accept.getByRole('button', { name: 'Accept risk' }).click();
  await expect(accept.getByRole('status')).toHaveText('Risk accepted: Accepted for the release (1 finding).');

  const list = page.getByRole('region', { name: 'Risk acceptances' });
  await expect(list).toContainText('Accepted for the release');
  await expect(list).toContainText(nextMonth);
  await expect(list.getByRole('link', { name: findings[0]!.title }).first()).toBeVisible();
  await expect(page.getByRole('table', { name: 'Findings, most severe first' })).toContainText('Risk accepted');
  await expectNoSeriousA11yViolations(page, 'product page after a risk acceptance');

  // Its own page, where its notices link; and the SLA summary notices' link to the product's findings.
  await list.getByRole('link', { name: 'Accepted for the release' }).click();
  await expect(page).toHaveURL(/\/risk-acceptances\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Risk acceptance' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Accepted for the release' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'risk acceptance page');
  await page.goto(`/products/${product.productId}/findings`);
  await expect(page).toHaveURL(new RegExp(`/products/${product.productId}#findings-heading$`));
  await expect(page.getByRole('table', { name: 'Findings, most severe first' })).toBeVisible();
});

test('a broken scan file is refused with where it broke', async ({ page, makeProduct, makeUser }) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  await loginAs(page, writer.username, writer.password);
  await page.goto(`/products/${product.productId}`);
  const form = page.getByRole('form', { name: 'Import scan' });
  await form.getByRole('button', { name: 'Import scan' }).click();
  await expect(form.getByText('Choose a scan file')).toBeVisible();
  await expect(form.getByText('is required with product_id')).toBeVisible();
  await form.getByLabel('New engagement name').fill('Broken');
  await form
    .getByLabel('Scan file')
    .setInputFiles({ name: 'broken.sarif', mimeType: 'application/json', buffer: Buffer.from('{\n  "runs": [\n    {,\n') });
  await form.getByRole('button', { name: 'Import scan' }).click();
  await expect(form.getByRole('alert')).toBeVisible();
  await expect(form.getByText(/Line 3, column \d+/)).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'import form with a broken file');
});

test('a Reader sees the product findings but no import, risk or SLA forms', async ({ page, makeProduct, makeUser }) => {
  const product = await makeProduct();
  const writer = await makeUser({ products: [{ id: product.productId, role: 'Writer' }] });
  await importSarif(writer.api, product.productId);
  const reader = await makeUser({ products: [{ id: product.productId, role: 'Reader' }] });
  await loginAs(page, reader.username, reader.password);
  await page.goto(`/products/${product.productId}`);
  await expect(page.getByRole('table', { name: 'Findings, most severe first' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Import scan' })).toHaveCount(0);
  await expect(page.getByRole('form', { name: 'Accept risk' })).toHaveCount(0);
  await expect(page.getByRole('form', { name: 'Product SLA' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Findings, most severe first' }).getByRole('checkbox')).toHaveCount(0);
});

test('engagement notes open from the engagement list, on the engagement page', async ({ page, makeProduct, admin }) => {
  const product = await makeProduct();
  const engagement = await admin.post('/api/engagements', {
    name: uniqueName('Pentest'),
    product_id: product.productId,
    target_start: '2026-01-01',
    target_end: '2026-12-31',
  });
  expect(engagement.status, JSON.stringify(engagement.body)).toBe(201);
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto(`/products/${product.productId}`);
  await page.getByRole('link', { name: `Notes on ${engagement.body.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`/engagements/${engagement.body.id}#notes$`));
  await expect(page.getByRole('heading', { level: 1, name: engagement.body.name })).toBeVisible();
  const notes = page.getByRole('region', { name: 'Notes' });
  await notes.getByRole('combobox', { name: 'Note' }).fill('Scope agreed with the product owner.');
  await notes.getByRole('button', { name: 'Add note' }).click();
  await expect(notes.getByRole('listitem').filter({ hasText: 'Scope agreed' })).toContainText(DEMO_ADMIN.username);
  // Edit one's own note.
  await notes.getByRole('button', { name: /^Edit note \d+$/ }).click();
  await notes.getByRole('combobox', { name: 'Edit note' }).fill('Scope agreed with the product owner on Monday.');
  await notes.getByRole('button', { name: 'Save note' }).click();
  await expect(notes.getByRole('listitem').filter({ hasText: 'on Monday' })).toContainText('edited');
});

test('superusers: SLA configurations, the product SLA switch, and running a job now', async ({ page, makeProduct }) => {
  const product = await makeProduct();
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SLA Configurations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'SLA Configurations' })).toBeVisible();
  const name = uniqueName('Strict');
  const add = page.getByRole('form', { name: 'Add SLA configuration' });
  await add.getByLabel('Name').fill(name);
  await add.getByLabel('Critical days').fill('0');
  await add.getByRole('button', { name: 'Add configuration' }).click();
  await expect(add.getByLabel('Critical days')).toHaveAttribute('aria-invalid', 'true');
  await add.getByLabel('Critical days').fill('3');
  await add.getByRole('button', { name: 'Add configuration' }).click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Add SLA configuration' }).getByLabel('Name')).toHaveValue('');
  await expectNoSeriousA11yViolations(page, 'SLA configurations');

  await page.goto(`/products/${product.productId}`);
  const sla = page.getByRole('form', { name: 'Product SLA' });
  await sla.getByLabel('SLA configuration').selectOption({ label: name });
  await sla.getByLabel('SLA notifications').uncheck();
  await sla.getByRole('button', { name: 'Save SLA' }).click();
  await expect(sla.getByRole('status')).toHaveText('SLA saved.');
  await expect(page.getByText(`Configuration: ${name}.`)).toBeVisible();
  await expect(page.getByText('SLA notifications are off.')).toBeVisible();

  // A configuration in use cannot be deleted: the dialog says why.
  await page.goto('/sla-configurations');
  await page.getByRole('button', { name: `Delete ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete SLA configuration' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog.getByRole('alert')).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep it' }).click();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
  const run = page.getByRole('button', { name: /^Run now: / }).first();
  await run.click();
  await expect(page.getByRole('status').filter({ hasText: 'Run finished' }).first()).toContainText(/Succeeded|Failed/);
  await expect(page.getByRole('status').filter({ hasText: 'Run finished' }).first()).toContainText(/\d+ events? raised/);
  await expectNoSeriousA11yViolations(page, 'jobs page after a run');
});

test('non-superusers do not see the SLA configurations and jobs pages', async ({ page, makeUser }) => {
  const user = await makeUser();
  await loginAs(page, user.username, user.password);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Jobs' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'SLA Configurations' })).toHaveCount(0);
  await page.goto('/jobs');
  await expect(page.getByText('Only superusers can see and run jobs.')).toBeVisible();
});
