/**
 * A superuser manages another user's rules from that user's page: the editor offers only what the user may see,
 * previews what the user would have received, and the user finds the rule on their Rules page with who added it.
 */
import { expectNoSeriousA11yViolations } from './a11y';
import { DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';

test.describe.configure({ timeout: 90_000 });

test('a superuser adds a rule for a user; the user sees it and who changed their rules', async ({ page, admin, makeProduct, makeUser }) => {
  const theirs = await makeProduct();
  const hidden = await makeProduct();
  const user = await makeUser({ products: [{ id: theirs.productId }] });
  const seen = uniqueName('Scan they can see');
  const unseen = uniqueName('Scan they cannot see');
  expect((await admin.post('/api/events', { event: 'scan_added', title: seen, product_id: theirs.productId })).status).toBe(202);
  expect((await admin.post('/api/events', { event: 'scan_added', title: unseen, product_id: hidden.productId })).status).toBe(202);

  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.goto(`/users/${user.id}?tab=notifications`);
  const rules = page.getByRole('region', { name: `Rules of ${user.username}` });
  await expect(rules.getByText(/No rules yet/)).toBeVisible();
  const form = rules.getByRole('form', { name: `Add rule for ${user.username}` });
  await form.getByRole('group', { name: 'Events' }).getByLabel('Scan Added', { exact: true }).check();
  // Only the products the user may see are offered.
  const products = form.getByRole('group', { name: 'Products' });
  await expect(products.getByLabel(theirs.name, { exact: true })).toBeVisible();
  await expect(products.getByLabel(hidden.name, { exact: true })).toHaveCount(0);
  await products.getByLabel(theirs.name, { exact: true }).check();
  // The preview counts what the user may see, not what the superuser sees.
  await expect(form.getByTestId('rule-preview-count')).toContainText(`that ${user.username} can see`);
  const examples = form.getByRole('list', { name: 'Examples of matching events' });
  await expect(examples).toContainText(seen);
  await expect(examples).not.toContainText(unseen);

  const ruleName = uniqueName('Scans on their product');
  await form.getByLabel('Name', { exact: true }).fill(ruleName);
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'added' })).toContainText(ruleName);
  await expect(rules.getByRole('rowheader', { name: ruleName })).toBeVisible();
  const history = page.getByRole('region', { name: 'Changes made by others' });
  await expect(history).toContainText(`Changed by admin on`);
  await expect(history).toContainText(`(rule “${ruleName}” added)`);
  await expect(history).toContainText('Scan Added: added Alert');
  await expectNoSeriousA11yViolations(page, 'user page with their rules');

  await page.getByRole('button', { name: 'Log out' }).click();
  await loginAs(page, user.username, user.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Rules' })).toBeVisible();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: ruleName }) });
  await expect(row).toContainText(`product ${theirs.name}`);
  await expect(row).toContainText('Alert');
  await expect(page.getByText(new RegExp(`^Changed by admin on .+ \\(rule “${ruleName}” added\\)\\.$`))).toBeVisible();
  await page.getByText(/Changes made to your rules by others \(1\)/).click();
  await expect(page.getByText('Scan Added: added Alert')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'my rules with a change by an admin');
});
