import { EVENT_NAMES } from '@tocsin/contract/catalogue';
import type { TSettingsRecord } from '@tocsin/contract/notification-settings';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateRows } from '../db/rows';
import { systemSettings } from '../db/schema';
import { createTestApp, createUser, loginAs, sendJson, type TTestClient } from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let asAdmin: TTestClient;
let asAlice: TTestClient;
let asBob: TTestClient;

type TErrorBody = { error: { code: string; message: string } };

beforeEach(async () => {
  t = await createTestApp();
  await createUser(t.deps, { username: 'admin', isSuperuser: true });
  await createUser(t.deps, { username: 'alice', globalRole: 'Owner' });
  await createUser(t.deps, { username: 'bob' });
  asAdmin = await loginAs(t.app, 'admin');
  asAlice = await loginAs(t.app, 'alice');
  asBob = await loginAs(t.app, 'bob');
  await updateRows(t.deps.db, systemSettings, { mailEnabled: true, slackEnabled: true, msteamsEnabled: true }, eq(systemSettings.id, 1));
});
afterEach(() => t.deps.cleanup());

const readRecord = async (res: Response) => {
  expect(res.status).toBe(200);
  return (await res.json()) as TSettingsRecord;
};

describe('/api/notifications/settings/:scope', () => {
  it('personal is always the caller’s own record', async () => {
    await readRecord(await asAlice.put('/api/notifications/settings/personal', { settings: { scan_added: ['alert', 'mail'] } }));
    const bobs = await readRecord(await asBob.get('/api/notifications/settings/personal'));
    expect(bobs.settings.scan_added).toEqual([]);
    const alices = await readRecord(await asAlice.get('/api/notifications/settings/personal'));
    expect(alices.settings.scan_added).toEqual(['alert', 'mail']);
    expect(alices.events).toEqual([...EVENT_NAMES]);
    expect(alices.columns).toEqual(['alert', 'mail', 'slack']);
  });

  it('system and template are for superusers only', async () => {
    for (const scope of ['system', 'template']) {
      const read = await asAlice.get(`/api/notifications/settings/${scope}`);
      expect(read.status).toBe(403);
      const write = await asBob.put(`/api/notifications/settings/${scope}`, { settings: { scan_added: ['alert'] } });
      expect(write.status).toBe(403);
    }
    const system = await readRecord(
      await asAdmin.put('/api/notifications/settings/system', { settings: { scan_added: ['alert', 'msteams'] } }),
    );
    expect(system.columns).toEqual(['alert', 'mail', 'slack', 'msteams']);
    expect(system.settings.scan_added).toEqual(['alert', 'msteams']);
    const template = await readRecord(await asAdmin.get('/api/notifications/settings/template'));
    expect(template.columns).toEqual(['alert', 'mail', 'slack']);
    expect(template.settings.scan_added).toEqual([]);
  });

  it('the template is copied into users created afterwards', async () => {
    await readRecord(await asAdmin.put('/api/notifications/settings/template', { settings: { user_mentioned: ['alert', 'mail'] } }));
    await createUser(t.deps, { username: 'carol' });
    const asCarol = await loginAs(t.app, 'carol');
    const carols = await readRecord(await asCarol.get('/api/notifications/settings/personal'));
    expect(carols.settings.user_mentioned).toEqual(['alert', 'mail']);
    expect((await readRecord(await asBob.get('/api/notifications/settings/personal'))).settings.user_mentioned).toEqual([]);
  });

  it('rejects bad input with a message naming it', async () => {
    const scope = await asAdmin.get('/api/notifications/settings/everyone');
    expect(scope.status).toBe(400);
    expect(((await scope.json()) as TErrorBody).error.message).toContain('scope');

    const teams = await asAlice.put('/api/notifications/settings/personal', { settings: { scan_added: ['msteams'] } });
    expect(teams.status).toBe(400);
    expect(((await teams.json()) as TErrorBody).error.message).toContain('msteams');

    const event = await asAlice.put('/api/notifications/settings/personal', { settings: { made_up: ['alert'] } });
    expect(event.status).toBe(400);
    expect(((await event.json()) as TErrorBody).error.message).toContain('"made_up"');

    const channel = await asAlice.put('/api/notifications/settings/personal', { settings: { scan_added: ['pager'] } });
    expect(channel.status).toBe(400);
    expect(((await channel.json()) as TErrorBody).error.message).toContain('settings.scan_added');
  });

  it('needs a login', async () => {
    expect((await sendJson(t.app, 'GET', '/api/notifications/settings/personal')).status).toBe(401);
  });
});
