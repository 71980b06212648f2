import { PRODUCT_EVENT_NAMES } from '@tocsin/contract/catalogue';
import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { updateRows } from '../db/rows';
import { systemSettings } from '../db/schema';
import { dispatchEvent } from '../notifications/dispatch';
import { createTestApp, createUser, insertProduct, insertProductType, loginAs, sendJson, type TTestClient } from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let member: UserRow;
let asMember: TTestClient;
let asOutsider: TTestClient;
let productId: number;
let otherProductId: number;

type TErrorBody = { error: { code: string; message: string } };

beforeEach(async () => {
  t = await createTestApp();
  const pt = await insertProductType(t.deps, 'Web');
  productId = (await insertProduct(t.deps, 'Shop', pt.id)).id;
  otherProductId = (await insertProduct(t.deps, 'Blog', pt.id)).id;
  member = await createUser(t.deps, { username: 'member', products: [{ id: productId }] });
  await createUser(t.deps, { username: 'outsider' });
  asMember = await loginAs(t.app, 'member');
  asOutsider = await loginAs(t.app, 'outsider');
  await updateRows(t.deps.db, systemSettings, { mailEnabled: true, msteamsEnabled: true, webhooksEnabled: true }, eq(systemSettings.id, 1));
});
afterEach(() => t.deps.cleanup());

describe('/api/products/:id/notifications', () => {
  it('starts empty, offers product events with alert and the enabled mail/slack, and saves', async () => {
    const res = await asMember.get(`/api/products/${productId}/notifications`);
    expect(res.status).toBe(200);
    const record = (await res.json()) as TSettingsRecord;
    expect(record).toMatchObject({ scope: 'product', product_id: productId, columns: ['alert', 'mail'] });
    expect(record.events).toEqual([...PRODUCT_EVENT_NAMES]);
    expect(Object.values(record.settings).flat()).toEqual([]);

    const saved = await asMember.put(`/api/products/${productId}/notifications`, { settings: { scan_added: ['alert'] } });
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as TSettingsRecord).settings.scan_added).toEqual(['alert']);
    const personal = (await (await asMember.get('/api/notifications/settings/personal')).json()) as TSettingsRecord;
    expect(personal.settings.scan_added).toEqual([]);
  });

  it('the saved record sends alerts for that product only', async () => {
    await asMember.put(`/api/products/${productId}/notifications`, { settings: { scan_added: ['alert'] } });
    const onProduct = await dispatchEvent(t.deps, { event: 'scan_added', title: 'Scan', productId });
    expect(onProduct.alertsCreated).toBe(1);
    const count = await t.deps.db.get<{ n: number }>(sql`select count(*) as n from alerts where user_id = ${member.id}`);
    expect(count?.n).toBe(1);
  });

  it('answers 404 for a product the caller cannot view or that does not exist', async () => {
    const hidden = await asOutsider.get(`/api/products/${productId}/notifications`);
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as TErrorBody).error.message).toBe(`Product ${productId} was not found.`);
    expect((await asOutsider.put(`/api/products/${productId}/notifications`, { settings: {} })).status).toBe(404);
    expect((await asMember.get(`/api/products/${otherProductId}/notifications`)).status).toBe(404);
    expect((await asMember.get('/api/products/424242/notifications')).status).toBe(404);
  });

  it('rejects events that are not about a product and channels the product page does not offer', async () => {
    const event = await asMember.put(`/api/products/${productId}/notifications`, { settings: { product_type_added: ['alert'] } });
    expect(event.status).toBe(400);
    expect(((await event.json()) as TErrorBody).error.message).toContain('"product_type_added"');
    const channel = await asMember.put(`/api/products/${productId}/notifications`, { settings: { scan_added: ['webhooks'] } });
    expect(channel.status).toBe(400);
    expect(((await channel.json()) as TErrorBody).error.message).toContain('webhooks');
  });

  it('needs a login before anything else', async () => {
    expect((await sendJson(t.app, 'PUT', `/api/products/${productId}/notifications`, { settings: 'nonsense' })).status).toBe(401);
  });
});
