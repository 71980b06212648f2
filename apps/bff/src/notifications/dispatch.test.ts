import { channelsToMask, type TChannel } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { findRow, findRows, insertRow, updateRows } from '../db/rows';
import { alerts, deliveries, events, systemSettings, webhooks } from '../db/schema';
import { HttpError } from '../lib/errors';
import { createTestDeps, createUser, insertEngagement, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { dispatchEvent, humaniseEventName } from './dispatch';

let deps: TTestDeps;

beforeEach(async () => {
  deps = await createTestDeps();
});
afterEach(() => deps.cleanup());

async function setRecord(
  scope: 'system' | 'personal' | 'product',
  event: string,
  channels: TChannel[],
  userId?: number,
  productId?: number,
) {
  await deps.db.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
    values (${scope}, ${userId ?? null}, ${productId ?? null}, ${event}, ${channelsToMask(channels)})
    on conflict (scope, user_key, product_key, event) do update set channels = excluded.channels`);
}

async function enableChannels(on: { mail?: boolean; slack?: boolean; msteams?: boolean; webhooks?: boolean }) {
  await updateRows(
    deps.db,
    systemSettings,
    { mailEnabled: !!on.mail, slackEnabled: !!on.slack, msteamsEnabled: !!on.msteams, webhooksEnabled: !!on.webhooks },
    sql`id = 1`,
  );
}

const alertUsers = async (eventId: number) =>
  (await findRows(deps.db, alerts, sql`event_id = ${eventId}`)).map((r) => r.userId).sort((a, b) => a - b);

const deliveryRows = async (eventId: number) =>
  (await findRows(deps.db, deliveries, sql`event_id = ${eventId}`))
    .map(({ channel, targetKind, userId, webhookId }) => ({ channel, targetKind, userId, webhookId }))
    .sort(
      (a, b) =>
        a.channel.localeCompare(b.channel) ||
        a.targetKind.localeCompare(b.targetKind) ||
        (a.userId ?? 0) - (b.userId ?? 0) ||
        (a.webhookId ?? 0) - (b.webhookId ?? 0),
    );

/** A world with one product type holding two products, and users with every kind of access. */
async function createWorld() {
  const pt = await insertProductType(deps, 'Web');
  const otherPt = await insertProductType(deps, 'Mobile');
  const product = await insertProduct(deps, 'Shop', pt.id);
  const sibling = await insertProduct(deps, 'Blog', pt.id);
  const elsewhere = await insertProduct(deps, 'App', otherPt.id);
  const admin = await createUser(deps, { username: 'admin', isSuperuser: true });
  const globalReader = await createUser(deps, { username: 'global', globalRole: 'Reader' });
  const typeMember = await createUser(deps, { username: 'typemember', productTypes: [{ id: pt.id }] });
  const productMember = await createUser(deps, { username: 'prodmember', products: [{ id: product.id }] });
  const siblingMember = await createUser(deps, { username: 'siblingmember', products: [{ id: sibling.id }] });
  const outsider = await createUser(deps, { username: 'outsider', products: [{ id: elsewhere.id }] });
  const inactive = await createUser(deps, { username: 'inactive', isActive: false, isSuperuser: true });
  return { pt, otherPt, product, sibling, elsewhere, admin, globalReader, typeMember, productMember, siblingMember, outsider, inactive };
}

const ids = (...users: UserRow[]) => users.map((u) => u.id).sort((a, b) => a - b);

describe('dispatchEvent: RBAC', () => {
  it('gives the system alert to every active user who may view the product, and to nobody else', async () => {
    const w = await createWorld();
    await setRecord('system', 'scan_added', ['alert']);
    const result = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan imported', productId: w.product.id });
    expect(result.duplicate).toBe(false);
    expect(result.alertsCreated).toBe(4);
    expect(await alertUsers(result.eventId)).toEqual(ids(w.admin, w.globalReader, w.typeMember, w.productMember));
  });

  it('never sends personal channels to a user without access', async () => {
    const w = await createWorld();
    await enableChannels({ mail: true, slack: true, webhooks: true });
    for (const u of [w.outsider, w.siblingMember, w.productMember])
      await setRecord('personal', 'scan_added', ['alert', 'mail', 'slack'], u.id);
    const result = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan imported', productId: w.product.id });
    expect(await alertUsers(result.eventId)).toEqual(ids(w.productMember));
    expect((await deliveryRows(result.eventId)).map((d) => d.userId)).toEqual([w.productMember.id, w.productMember.id]);
  });

  it('a product type event reaches members of the type and members of its products', async () => {
    const w = await createWorld();
    await setRecord('system', 'product_added', ['alert']);
    const result = await dispatchEvent(deps, { event: 'product_added', title: 'New product', productTypeId: w.pt.id });
    expect(await alertUsers(result.eventId)).toEqual(ids(w.admin, w.globalReader, w.typeMember, w.productMember, w.siblingMember));
  });

  it('an engagement implies its product and product type', async () => {
    const w = await createWorld();
    const engagement = await insertEngagement(deps, { name: 'Q1', productId: w.sibling.id });
    await setRecord('system', 'engagement_added', ['alert']);
    const result = await dispatchEvent(deps, { event: 'engagement_added', title: 'Engagement Q1', engagementId: engagement.id });
    expect(await alertUsers(result.eventId)).toEqual(ids(w.admin, w.globalReader, w.typeMember, w.siblingMember));
    const row = await findRow(deps.db, events, sql`id = ${result.eventId}`);
    expect(row).toMatchObject({ engagementId: engagement.id, productId: w.sibling.id, productTypeId: w.pt.id });
  });

  it('an event with no context reaches only superusers (personal and system alert)', async () => {
    const w = await createWorld();
    await setRecord('system', 'product_type_added', ['alert']);
    await setRecord('personal', 'product_type_added', ['alert'], w.globalReader.id);
    const result = await dispatchEvent(deps, { event: 'product_type_added', title: 'New type' });
    expect(await alertUsers(result.eventId)).toEqual(ids(w.admin));
  });

  it('inactive users get nothing, even superusers', async () => {
    const w = await createWorld();
    await setRecord('system', 'other', ['alert']);
    await setRecord('personal', 'other', ['alert'], w.inactive.id);
    const result = await dispatchEvent(deps, { event: 'other', title: 'Hello', recipients: null });
    expect(await alertUsers(result.eventId)).toEqual(ids(w.admin));
  });

  it('rejects an unknown product, product type or engagement', async () => {
    await expect(dispatchEvent(deps, { event: 'scan_added', title: 'x', productId: 999 })).rejects.toThrowError(
      /product_id 999 was not found/,
    );
    await expect(dispatchEvent(deps, { event: 'scan_added', title: 'x', productTypeId: 998 })).rejects.toThrowError(HttpError);
    await expect(dispatchEvent(deps, { event: 'scan_added', title: 'x', engagementId: 997 })).rejects.toThrowError(/engagement_id 997/);
    expect(await findRows(deps.db, events)).toHaveLength(0);
  });
});

describe('dispatchEvent: merging', () => {
  it('creates one alert per user however many records select it', async () => {
    const w = await createWorld();
    await setRecord('system', 'scan_added', ['alert']);
    await setRecord('personal', 'scan_added', ['alert'], w.productMember.id);
    await setRecord('product', 'scan_added', ['alert'], w.productMember.id, w.product.id);
    const result = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan', productId: w.product.id });
    expect((await alertUsers(result.eventId)).filter((id) => id === w.productMember.id)).toHaveLength(1);
  });

  it('applies a product record only to events about that product', async () => {
    const w = await createWorld();
    await setRecord('product', 'scan_added', ['alert'], w.typeMember.id, w.product.id);
    const onProduct = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan', productId: w.product.id });
    const onSibling = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan', productId: w.sibling.id });
    expect(await alertUsers(onProduct.eventId)).toEqual(ids(w.typeMember));
    expect(await alertUsers(onSibling.eventId)).toEqual([]);
  });

  it('routes an event outside the catalogue by the settings of `other`', async () => {
    const w = await createWorld();
    await setRecord('personal', 'other', ['alert'], w.admin.id);
    await setRecord('personal', 'scan_added', ['alert'], w.globalReader.id);
    const result = await dispatchEvent(deps, { event: 'pipeline_finished', title: 'CI done' });
    expect(await alertUsers(result.eventId)).toEqual(ids(w.admin));
    const row = await findRow(deps.db, events, sql`id = ${result.eventId}`);
    expect(row).toMatchObject({ name: 'pipeline_finished', routedAs: 'other', source: 'Pipeline Finished', icon: 'bell' });
  });
});

describe('dispatchEvent: recipients lists', () => {
  it('sends only to the listed users, by their personal settings, RBAC-filtered', async () => {
    const w = await createWorld();
    await setRecord('system', 'engagement_added', ['alert']);
    for (const u of [w.typeMember, w.outsider, w.productMember]) await setRecord('personal', 'engagement_added', ['alert'], u.id);
    const result = await dispatchEvent(deps, {
      event: 'engagement_added',
      title: 'You lead this',
      productId: w.product.id,
      recipients: [w.typeMember.id, w.outsider.id, w.globalReader.id],
    });
    expect(await alertUsers(result.eventId)).toEqual(ids(w.typeMember));
  });

  it('an empty recipients list sends nothing, not even to the system destinations', async () => {
    const w = await createWorld();
    await enableChannels({ mail: true, msteams: true });
    await setRecord('system', 'scan_added', ['alert', 'mail', 'msteams']);
    await setRecord('personal', 'scan_added', ['alert'], w.admin.id);
    const result = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan', productId: w.product.id, recipients: [] });
    expect(result).toMatchObject({ alertsCreated: 0, deliveriesCreated: 0 });
    expect(await findRows(deps.db, alerts)).toHaveLength(0);
    expect(await findRows(deps.db, deliveries)).toHaveLength(0);
    expect(await findRows(deps.db, events)).toHaveLength(1);
  });

  it('user_mentioned adds the system channels to the recipient (never Teams)', async () => {
    const w = await createWorld();
    await enableChannels({ mail: true, slack: true, msteams: true });
    await setRecord('system', 'user_mentioned', ['alert', 'mail', 'msteams']);
    const result = await dispatchEvent(deps, { event: 'user_mentioned', title: 'admin mentioned you', recipients: [w.outsider.id] });
    expect(await alertUsers(result.eventId)).toEqual(ids(w.outsider));
    expect(await deliveryRows(result.eventId)).toEqual([{ channel: 'mail', targetKind: 'user', userId: w.outsider.id, webhookId: null }]);
  });
});

describe('dispatchEvent: deliveries', () => {
  it('writes one row per selected, enabled channel and destination', async () => {
    const w = await createWorld();
    await enableChannels({ mail: true, slack: true, msteams: true, webhooks: true });
    const sysHook = await insertRow(deps.db, webhooks, { name: 'siem', url: 'https://siem.test/hook' });
    await insertRow(deps.db, webhooks, { name: 'dead', url: 'https://dead.test', status: 'inactive_permanent' });
    const tmpHook = await insertRow(deps.db, webhooks, { name: 'flaky', url: 'https://flaky.test', status: 'inactive_tmp' });
    const ownHook = await insertRow(deps.db, webhooks, { name: 'mine', url: 'https://me.test', ownerId: w.productMember.id });
    await insertRow(deps.db, webhooks, { name: 'theirs', url: 'https://them.test', ownerId: w.outsider.id });
    await setRecord('system', 'scan_added', ['mail', 'slack', 'msteams', 'webhooks']);
    await setRecord('personal', 'scan_added', ['mail', 'slack', 'webhooks', 'msteams'], w.productMember.id);
    await setRecord('personal', 'scan_added', ['webhooks'], w.outsider.id);

    const result = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan', productId: w.product.id });
    const u = w.productMember.id;
    expect(await deliveryRows(result.eventId)).toEqual([
      { channel: 'mail', targetKind: 'system', userId: null, webhookId: null },
      { channel: 'mail', targetKind: 'user', userId: u, webhookId: null },
      { channel: 'msteams', targetKind: 'system', userId: null, webhookId: null },
      { channel: 'slack', targetKind: 'system', userId: null, webhookId: null },
      { channel: 'slack', targetKind: 'user', userId: u, webhookId: null },
      { channel: 'webhooks', targetKind: 'webhook', userId: null, webhookId: sysHook.id },
      { channel: 'webhooks', targetKind: 'webhook', userId: null, webhookId: tmpHook.id },
      { channel: 'webhooks', targetKind: 'webhook', userId: u, webhookId: ownHook.id },
    ]);
    expect(result.deliveriesCreated).toBe(8);
    expect(result.alertsCreated).toBe(0);
    const rows = await findRows(deps.db, deliveries);
    expect(new Set(rows.map((r) => r.uuid)).size).toBe(8);
    expect(rows.every((r) => r.status === 'queued' && r.content === null && r.attempts === 0)).toBe(true);
    const event = await findRow(deps.db, events, sql`id = ${result.eventId}`);
    expect(event).toMatchObject({ alertsCreated: 0, deliveriesCreated: 8 });
  });

  it('sends nothing on channels switched off in system settings', async () => {
    const w = await createWorld();
    await enableChannels({ slack: true });
    await setRecord('system', 'scan_added', ['mail', 'slack', 'msteams']);
    await setRecord('personal', 'scan_added', ['mail', 'slack'], w.admin.id);
    const result = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan', productId: w.product.id });
    expect(await deliveryRows(result.eventId)).toEqual([
      { channel: 'slack', targetKind: 'system', userId: null, webhookId: null },
      { channel: 'slack', targetKind: 'user', userId: w.admin.id, webhookId: null },
    ]);
  });

  it('alert_only creates alerts and no deliveries', async () => {
    const w = await createWorld();
    await enableChannels({ mail: true, slack: true, msteams: true, webhooks: true });
    await setRecord('system', 'scan_added', ['alert', 'mail', 'msteams']);
    await setRecord('personal', 'scan_added', ['mail', 'slack'], w.admin.id);
    const result = await dispatchEvent(deps, { event: 'scan_added', title: 'Scan', productId: w.product.id, alertOnly: true });
    expect(result.alertsCreated).toBe(4);
    expect(result.deliveriesCreated).toBe(0);
    expect(await findRows(deps.db, deliveries)).toHaveLength(0);
  });
});

describe('dispatchEvent: event fields, idempotency and notifications', () => {
  it('fills defaults and truncates long fields', async () => {
    const w = await createWorld();
    await setRecord('personal', 'scan_added', ['alert'], w.admin.id);
    const result = await dispatchEvent(deps, {
      event: 'scan_added',
      title: 't'.repeat(300),
      description: 'd'.repeat(2500),
      productId: w.product.id,
    });
    const alert = await findRow(deps.db, alerts, sql`event_id = ${result.eventId}`);
    expect(alert).toMatchObject({ url: '/alerts', icon: 'scan', source: 'Scan Added', userId: w.admin.id });
    expect(alert?.title).toHaveLength(250);
    expect(alert?.description).toHaveLength(2000);
  });

  it('returns the earlier event for a repeated idempotency key of the same creator', async () => {
    const w = await createWorld();
    await setRecord('system', 'scan_added', ['alert']);
    const input = { event: 'scan_added', title: 'Scan', productId: w.product.id, createdBy: w.admin.id, idempotencyKey: 'run-42' };
    const first = await dispatchEvent(deps, input);
    const again = await dispatchEvent(deps, input);
    expect(again).toEqual({ ...first, duplicate: true });
    // Concurrent requests with one key (e.g. on two replicas) create one event: the unique index decides.
    const raced = await Promise.all([1, 2, 3].map(() => dispatchEvent(deps, { ...input, idempotencyKey: 'run-43' })));
    expect(new Set(raced.map((r) => r.eventId)).size).toBe(1);
    expect(raced.filter((r) => !r.duplicate)).toHaveLength(1);
    // Tocsin's own events have no creator: their keys are unique too (two replicas running one job at once).
    const own = { event: 'scan_added', title: 'Scheduled', productId: w.product.id, idempotencyKey: 'job:42' };
    const ownRaced = await Promise.all([1, 2, 3].map(() => dispatchEvent(deps, own)));
    expect(new Set(ownRaced.map((r) => r.eventId)).size).toBe(1);
    expect(await findRows(deps.db, alerts)).toHaveLength(first.alertsCreated + raced[0]!.alertsCreated + ownRaced[0]!.alertsCreated);
    const otherCreator = await dispatchEvent(deps, { ...input, createdBy: w.globalReader.id });
    expect(otherCreator.duplicate).toBe(false);
    expect(otherCreator.eventId).not.toBe(first.eventId);
  });

  it('announces new alerts and deliveries on the bus after commit', async () => {
    const w = await createWorld();
    await enableChannels({ mail: true });
    await setRecord('personal', 'scan_added', ['alert', 'mail'], w.productMember.id);
    const changed: number[][] = [];
    let queued = 0;
    deps.bus.subscribe('alerts-changed', (m) => changed.push(m.userIds));
    deps.bus.subscribe('deliveries-queued', () => queued++);
    await dispatchEvent(deps, { event: 'scan_added', title: 'Scan', productId: w.product.id });
    await expect.poll(() => changed).toEqual([[w.productMember.id]]);
    await expect.poll(() => queued).toBe(1);
  });
});

describe('humaniseEventName', () => {
  it.each([
    ['pipeline_finished', 'Pipeline Finished'],
    ['x', 'X'],
    ['a__b', 'A B'],
  ])('%s -> %s', (name, label) => expect(humaniseEventName(name)).toBe(label));
  it('stays within the source limit', () => expect(humaniseEventName(`a${'_bcd'.repeat(40)}`).length).toBeLessThanOrEqual(100));
});
