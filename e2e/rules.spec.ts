/**
 * Rules and destinations: the rules editor shows, before saving, how many of the last 30 days' events the rule
 * would have matched (with examples); a superuser adds a webhook destination, routes events on products tagged
 * "payments" to it with a system rule, sends a test, and follows its delivery log.
 */
import { expectNoSeriousA11yViolations } from './a11y';
import { DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';
import { startReceiver } from './receiver';

// Axe runs take a few seconds each.
test.describe.configure({ timeout: 90_000 });

test('the rules editor previews the matching events before saving', async ({ page, admin, makeProduct }) => {
  const tag = uniqueName('pay').toLowerCase();
  const { productId, name: productName } = await makeProduct();
  expect((await admin.put(`/api/products/${productId}/tags`, { tags: [tag] })).status).toBe(200);
  const other = await makeProduct();
  const titles = [1, 2, 3].map((i) => uniqueName(`Tagged scan ${i}`));
  for (const title of titles)
    expect((await admin.post('/api/events', { event: 'scan_added', title, product_id: productId })).status).toBe(202);
  const untagged = uniqueName('Untagged scan');
  expect((await admin.post('/api/events', { event: 'scan_added', title: untagged, product_id: other.productId })).status).toBe(202);

  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Rules' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Add rule' });
  await expect(form.getByText('Choose at least one event')).toBeVisible();
  await form.getByRole('group', { name: 'Events' }).getByLabel('Scan Added', { exact: true }).check();
  await form.getByLabel('Product tags').fill(tag);

  await expect(form.getByTestId('rule-preview-count')).toContainText('Would have matched 3 of');
  const examples = form.getByRole('list', { name: 'Examples of matching events' });
  for (const title of titles) await expect(examples).toContainText(title);
  await expect(examples).toContainText(productName);
  await expect(examples).not.toContainText(untagged);
  await expectNoSeriousA11yViolations(page, 'rules editor with a preview');

  // A stricter condition updates the preview at once.
  await form.getByLabel('Finding severity at least').selectOption('Critical');
  await expect(form.getByTestId('rule-preview-count')).toContainText('Would have matched 0 of');
  await form.getByLabel('Finding severity at least').selectOption('');

  const ruleName = uniqueName('Payments scans');
  await form.getByLabel('Name', { exact: true }).fill(ruleName);
  await form.getByRole('group', { name: 'Channels' }).getByLabel('Alert', { exact: true }).check();
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'added' })).toContainText(ruleName);
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: ruleName }) });
  await expect(row).toContainText(`tag ${tag}`);

  const rules = await admin.get('/api/rules');
  const saved = (rules.body.items as { id: number; name: string }[]).find((r) => r.name === ruleName)!;
  expect(saved).toBeTruthy();
  await admin.delete(`/api/rules/${saved.id}`);
});

test('a system rule sends events on tagged products to a webhook destination, with Send test and its delivery log', async ({
  page,
  admin,
  makeProduct,
}) => {
  const receiver = await startReceiver({ status: 200 });
  const before = await admin.get('/api/system-settings');
  expect((await admin.put('/api/system-settings', { webhooks_enabled: true })).status).toBe(200);
  const destinationName = uniqueName('Payments SIEM');
  const ruleName = uniqueName('Payments to SIEM');
  const tag = uniqueName('payments').toLowerCase();
  try {
    const { productId } = await makeProduct();
    expect((await admin.put(`/api/products/${productId}/tags`, { tags: [tag] })).status).toBe(200);
    const other = await makeProduct();

    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Destinations' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Destinations' })).toBeVisible();
    const add = page.getByRole('form', { name: 'Add destination' });
    await add.getByLabel('Kind').selectOption('webhook');
    await add.getByLabel('Name', { exact: true }).fill(destinationName);
    await add.getByLabel('URL', { exact: true }).fill(receiver.url);
    await add.getByLabel('Extra header name (optional)').fill('X-Api-Key');
    await add.getByLabel('Header value').fill('e2e-destination-secret');
    await add.getByRole('button', { name: 'Add destination' }).click();
    await expect(add.getByRole('status')).toContainText(destinationName);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: destinationName }) });
    await expect(row).toContainText('Nothing sent yet');
    expect(await page.content()).not.toContain('e2e-destination-secret');
    await expectNoSeriousA11yViolations(page, 'destinations page');

    await row.getByRole('button', { name: `Send test to ${destinationName}` }).click();
    await expect(row.getByRole('status')).toContainText('accepted the ping');
    expect(receiver.requests.at(-1)!.headers['x-api-key']).toBe('e2e-destination-secret');

    // The system rule, in the Rules page's system section.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules', exact: true }).click();
    const sys = page.getByRole('form', { name: 'Add system rule' });
    await sys.getByLabel('Name', { exact: true }).fill(ruleName);
    await sys.getByRole('group', { name: 'Events' }).getByLabel('Scan Added', { exact: true }).check();
    await sys.getByLabel('Product tags').fill(tag);
    await sys.getByRole('group', { name: 'Destinations' }).getByLabel(new RegExp(destinationName)).check();
    await sys.getByRole('button', { name: 'Add rule' }).click();
    await expect(sys.getByRole('status').filter({ hasText: 'added' })).toContainText(ruleName);

    const requestsBefore = receiver.requests.length;
    const tagged = uniqueName('Tagged critical scan');
    expect((await admin.post('/api/events', { event: 'scan_added', title: tagged, product_id: productId })).status).toBe(202);
    expect(
      (await admin.post('/api/events', { event: 'scan_added', title: uniqueName('Elsewhere'), product_id: other.productId })).status,
    ).toBe(202);
    await expect.poll(() => receiver.requests.length, { timeout: 10_000 }).toBe(requestsBefore + 1);
    expect(JSON.parse(receiver.requests.at(-1)!.body).title).toBe(tagged);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Destinations' }).click();
    const again = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: destinationName }) });
    await expect(again).toContainText('Last success');
    await again.getByRole('link', { name: `Delivery log of ${destinationName}` }).click();
    await expect(page).toHaveURL(/destination_id=\d+/);
    await expect(page.getByText('1 delivery')).toBeVisible();
    await expect(page.getByRole('main')).toContainText(tagged);
  } finally {
    const rules = await admin.get('/api/system-rules');
    for (const r of rules.body.items as { id: number; name: string }[])
      if (r.name === ruleName) await admin.delete(`/api/system-rules/${r.id}`);
    const dests = await admin.get('/api/destinations');
    for (const d of dests.body.items as { id: number; name: string }[])
      if (d.name === destinationName) await admin.delete(`/api/destinations/${d.id}`);
    await admin.put('/api/system-settings', { webhooks_enabled: before.body.webhooks_enabled });
    await receiver.close();
  }
});

test('a superuser puts a destination on a daily digest in a time zone, and a bad zone is refused in words', async ({ page, admin }) => {
  const name = uniqueName('Digest channel');
  await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Destinations' }).click();
  const add = page.getByRole('form', { name: 'Add destination' });
  await add.getByLabel('Kind').selectOption('slack');
  await add.getByLabel('Name', { exact: true }).fill(name);
  await add.getByLabel('Slack channel').fill('#digest-e2e');
  await add.getByLabel('Delivery', { exact: true }).selectOption('daily');
  await add.getByLabel('Daily digest at').fill('07:30');
  await add.getByLabel('Time zone').fill('Mars/Olympus');
  await add.getByRole('button', { name: 'Add destination' }).click();
  await expect(add.getByRole('alert')).toContainText('IANA time zone');

  await add.getByLabel('Time zone').fill('Europe/Paris');
  await add.getByRole('button', { name: 'Add destination' }).click();
  await expect(add.getByRole('status')).toContainText(name);
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
  await expect(row).toContainText('Daily digest at 07:30 (Europe/Paris)');
  const listed = (await admin.get<{ items: { name: string; digest: unknown }[] }>('/api/destinations')).body;
  expect(listed.items.find((d) => d.name === name)?.digest).toEqual({ mode: 'daily', daily_at: '07:30', time_zone: 'Europe/Paris' });
});
