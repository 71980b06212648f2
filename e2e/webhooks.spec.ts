/**
 * Webhooks page: adding pings a loopback receiver first and lists the endpoint; a refused ping shows
 * the receiver's error and saves nothing; deactivate/reactivate, test and delete; users manage their own.
 */
import { type ApiSession, DEMO_ADMIN, expect, loginAs, test, uniqueName } from './fixtures';
import { startReceiver as startSharedReceiver } from './receiver';

const startReceiver = (initialStatus = 200) => startSharedReceiver({ status: initialStatus });

/** Delete the named webhooks (tests share one server; a leftover system webhook would receive others' notifications). */
async function deleteWebhooksNamed(api: ApiSession, names: string[]) {
  const list = await api.get('/api/webhooks');
  for (const w of list.body.items as { id: number; name: string }[]) {
    if (names.includes(w.name)) await api.delete(`/api/webhooks/${w.id}`);
  }
}

test('adding a webhook pings the receiver and lists it, never showing the header value', async ({ page, admin }) => {
  const receiver = await startReceiver(200);
  const name = uniqueName('SIEM');
  const headerValue = `hv-${Date.now()}-secret`;
  try {
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();

    const form = page.getByRole('form', { name: 'Add webhook' });
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('URL', { exact: true }).fill(receiver.url);
    await form.getByLabel('Header name').fill('X-Api-Key');
    await form.getByLabel('Header value').fill(headerValue);
    await form.getByLabel('Signing secret').fill('e2e-signing-secret');
    await expect(form.getByLabel('Owner')).toHaveValue('');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(form.getByRole('status')).toContainText(`Webhook ${name} added`);

    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers['x-api-key']).toBe(headerValue);
    expect(receiver.requests[0]!.headers['x-tocsin-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(receiver.requests[0]!.body).event).toBe('ping');

    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    await expect(row).toContainText(receiver.url);
    await expect(row).toContainText('System');
    await expect(row).toContainText('Active');
    await expect(row).toContainText('X-Api-Key header set');
    expect(await page.content()).not.toContain(headerValue);
  } finally {
    await deleteWebhooksNamed(admin, [name]);
    await receiver.close();
  }
});

test('a refused ping shows the receiver’s error and saves nothing', async ({ page, admin }) => {
  const receiver = await startReceiver(500);
  const name = uniqueName('Broken');
  try {
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/webhooks');
    const form = page.getByRole('form', { name: 'Add webhook' });
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('URL', { exact: true }).fill(receiver.url);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const error = form.getByRole('alert');
    await expect(error).toContainText('The endpoint did not accept the ping');
    await expect(error).toContainText('500');
    expect(receiver.requests).toHaveLength(1);
    await expect(page.getByRole('rowheader', { name, exact: true })).toHaveCount(0);
    const list = await admin.get('/api/webhooks');
    expect((list.body.items as { name: string }[]).map((w) => w.name)).not.toContain(name);
    // The form keeps what was typed, to fix and try again.
    await expect(form.getByLabel('Name', { exact: true })).toHaveValue(name);
  } finally {
    await deleteWebhooksNamed(admin, [name]);
    await receiver.close();
  }
});

test('deactivate, reactivate, send a test and delete', async ({ page, admin }) => {
  const receiver = await startReceiver(200);
  const name = uniqueName('Lifecycle');
  try {
    const created = await admin.post('/api/webhooks', { name, url: receiver.url });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/webhooks');
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

    // Row buttons name the webhook they act on.
    await row.getByRole('button', { name: `Deactivate webhook ${name}`, exact: true }).click();
    await expect(row).toContainText('Permanently inactive');
    await expect(row).toContainText(`Deactivated by ${DEMO_ADMIN.username}.`);
    expect((await admin.get('/api/webhooks')).body.items.find((w: { name: string }) => w.name === name).status).toBe('inactive_permanent');

    await row.getByRole('button', { name: `Reactivate webhook ${name}`, exact: true }).click();
    await expect(row.getByRole('button', { name: `Deactivate webhook ${name}`, exact: true })).toBeVisible();
    await expect(row).toContainText('Active');
    await expect(row).not.toContainText('Deactivated by');

    await row.getByRole('button', { name: `Send test to webhook ${name}`, exact: true }).click();
    await expect(row.getByRole('status')).toContainText('accepted the ping');
    receiver.state.status = 503;
    await row.getByRole('button', { name: `Send test to webhook ${name}`, exact: true }).click();
    await expect(row.getByRole('alert')).toContainText('503');

    await row.getByRole('button', { name: `Delete webhook ${name}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete webhook?' });
    await expect(dialog).toContainText(name);
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page.getByRole('rowheader', { name, exact: true })).toHaveCount(0);
  } finally {
    await deleteWebhooksNamed(admin, [name]);
    await receiver.close();
  }
});

test('editing pings first; a user manages only their own webhooks', async ({ page, admin, makeUser }) => {
  const receiver = await startReceiver(200);
  const user = await makeUser();
  const systemName = uniqueName('System-only');
  const mine = uniqueName('Mine');
  try {
    expect((await admin.post('/api/webhooks', { name: systemName, url: receiver.url })).status).toBe(201);
    await loginAs(page, user.username, user.password);
    await page.goto('/webhooks');
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
    await expect(page.getByRole('rowheader', { name: systemName, exact: true })).toHaveCount(0);

    const form = page.getByRole('form', { name: 'Add webhook' });
    await expect(form.getByLabel('Owner')).toHaveCount(0);
    await form.getByLabel('Name', { exact: true }).fill(mine);
    await form.getByLabel('URL', { exact: true }).fill(receiver.url);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: mine, exact: true }) });
    await expect(row).toContainText(user.username);

    // Edit: a failing ping keeps the old URL.
    receiver.state.status = 500;
    await row.getByRole('button', { name: `Edit webhook ${mine}`, exact: true }).click();
    const edit = page.getByRole('form', { name: `Edit webhook ${mine}` });
    await edit.getByLabel('URL', { exact: true }).fill(`${receiver.url}?v=2`);
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    await expect(edit.getByRole('alert')).toContainText('The endpoint did not accept the ping');
    await expect(row).not.toContainText('?v=2');
    receiver.state.status = 200;
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    await expect(edit).toHaveCount(0);
    await expect(row).toContainText('?v=2');
  } finally {
    await deleteWebhooksNamed(admin, [systemName, mine]);
    await receiver.close();
  }
});

test('a webhook added without a signing secret gets one, shown once; a new URL drops the old secret and shows a new one', async ({
  page,
  admin,
}) => {
  const receiver = await startReceiver(200);
  const name = uniqueName('Signed');
  try {
    await loginAs(page, DEMO_ADMIN.username, DEMO_ADMIN.password);
    await page.goto('/webhooks');
    const form = page.getByRole('form', { name: 'Add webhook' });
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('URL', { exact: true }).fill(receiver.url);
    await form.getByRole('button', { name: 'Add webhook' }).click();

    const notice = page.getByRole('region', { name: `Signing secret of ${name}` });
    await expect(notice).toBeVisible();
    const secret = await notice.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(receiver.requests[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(receiver.requests[0]!.headers['x-tocsin-delivery']);
    await notice.getByRole('button', { name: 'I have copied it' }).click();
    await expect(notice).toHaveCount(0);
    // Never shown again.
    await page.reload();
    expect(await page.content()).not.toContain(secret.slice(6, 30));

    // Editing the URL says what it drops, and the answer carries the new secret, once.
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    await row.getByRole('button', { name: `Edit webhook ${name}`, exact: true }).click();
    const edit = page.getByRole('form', { name: `Edit webhook ${name}` });
    await edit.getByLabel('URL', { exact: true }).fill(`${receiver.url}/moved`);
    await expect(edit.getByLabel('URL', { exact: true })).toHaveAccessibleDescription(/A new URL does not keep the signing secret/);
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    const again = page.getByRole('region', { name: `Signing secret of ${name}` });
    await expect(again).toBeVisible();
    const moved = await again.getByLabel('Signing secret').inputValue();
    expect(moved).toMatch(/^whsec_/);
    expect(moved).not.toBe(secret);
  } finally {
    await deleteWebhooksNamed(admin, [name]);
    await receiver.close();
  }
});
