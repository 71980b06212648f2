import { EVENT_NAMES, PRODUCT_EVENT_NAMES } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateRows } from '../db/rows';
import { systemSettings } from '../db/schema';
import { HttpError } from '../lib/errors';
import { createTestDeps, createUser, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { findColumns, getSettingsRecord, saveSettingsRecord } from './settings';

let deps: TTestDeps;
let userId: number;
let productId: number;

beforeEach(async () => {
  deps = await createTestDeps();
  userId = (await createUser(deps, { username: 'u' })).id;
  productId = (await insertProduct(deps, 'p', (await insertProductType(deps, 'pt')).id)).id;
});
afterEach(() => deps.cleanup());

async function enable(on: { mail?: boolean; slack?: boolean; msteams?: boolean; webhooks?: boolean }) {
  await updateRows(
    deps.db,
    systemSettings,
    { mailEnabled: !!on.mail, slackEnabled: !!on.slack, msteamsEnabled: !!on.msteams, webhooksEnabled: !!on.webhooks },
    sql`id = 1`,
  );
}

async function badRequestMessage(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof HttpError && err.status === 400) return err.message;
    throw err;
  }
  throw new Error('expected a 400');
}

describe('findColumns', () => {
  it.each([
    ['system', ['mail', 'slack', 'msteams', 'webhooks'], ['alert', 'mail', 'slack', 'msteams', 'webhooks']],
    ['personal', ['mail', 'slack', 'msteams', 'webhooks'], ['alert', 'mail', 'slack', 'webhooks']],
    ['template', ['msteams'], ['alert']],
    ['product', ['mail', 'slack', 'msteams', 'webhooks'], ['alert', 'mail', 'slack']],
    ['system', [], ['alert']],
  ] as const)('%s with %j enabled shows %j', (scope, enabled, columns) => {
    expect(findColumns(scope, new Set(enabled))).toEqual(columns);
  });
});

describe('settings records', () => {
  it('offers every catalogue event, empty, with the enabled columns', async () => {
    await enable({ mail: true, msteams: true });
    const record = await getSettingsRecord(deps, { scope: 'personal', userId });
    expect(record.scope).toBe('personal');
    expect(record.product_id).toBeNull();
    expect(record.events).toEqual([...EVENT_NAMES]);
    expect(record.columns).toEqual(['alert', 'mail']);
    expect(Object.values(record.settings).every((c) => c.length === 0)).toBe(true);
  });

  it('saves and reads back a matrix', async () => {
    await enable({ mail: true, slack: true, msteams: true });
    const saved = await saveSettingsRecord(deps, { scope: 'system' }, { settings: { scan_added: ['alert', 'msteams'], other: ['mail'] } });
    expect(saved.settings.scan_added).toEqual(['alert', 'msteams']);
    expect(saved.settings.other).toEqual(['mail']);
    expect((await getSettingsRecord(deps, { scope: 'system' })).settings.scan_added).toEqual(['alert', 'msteams']);
    // An event missing from the body has no channel in the saved columns.
    const again = await saveSettingsRecord(deps, { scope: 'system' }, { settings: { other: ['mail'] } });
    expect(again.settings.scan_added).toEqual([]);
  });

  it('never wipes selections in hidden columns', async () => {
    await enable({ mail: true, slack: true });
    await saveSettingsRecord(deps, { scope: 'personal', userId }, { settings: { scan_added: ['alert', 'mail', 'slack'] } });
    await enable({ slack: true });
    // The form shows alert and slack only; the user unticks everything it shows.
    const saved = await saveSettingsRecord(deps, { scope: 'personal', userId }, { settings: { scan_added: [] } });
    expect(saved.columns).toEqual(['alert', 'slack']);
    expect(saved.settings.scan_added).toEqual(['mail']);
  });

  it('changes only the columns named in the body', async () => {
    await enable({ mail: true, slack: true });
    await saveSettingsRecord(deps, { scope: 'personal', userId }, { settings: { scan_added: ['alert', 'slack'] } });
    const saved = await saveSettingsRecord(
      deps,
      { scope: 'personal', userId },
      { columns: ['mail'], settings: { scan_added: ['mail'], other: ['mail', 'alert'] } },
    );
    expect(saved.settings.scan_added).toEqual(['alert', 'mail', 'slack']);
    expect(saved.settings.other).toEqual(['mail']);
  });

  it('keeps records apart: system, template, personal of each user, product', async () => {
    await enable({});
    await saveSettingsRecord(deps, { scope: 'system' }, { settings: { scan_added: ['alert'] } });
    expect((await getSettingsRecord(deps, { scope: 'template' })).settings.scan_added).toEqual([]);
    expect((await getSettingsRecord(deps, { scope: 'personal', userId })).settings.scan_added).toEqual([]);
    await saveSettingsRecord(deps, { scope: 'product', userId, productId }, { settings: { scan_added: ['alert'] } });
    expect((await getSettingsRecord(deps, { scope: 'personal', userId })).settings.scan_added).toEqual([]);
    expect((await getSettingsRecord(deps, { scope: 'product', userId, productId })).settings.scan_added).toEqual(['alert']);
  });

  it('product records offer only product events and alert, mail, slack', async () => {
    await enable({ mail: true, slack: true, msteams: true, webhooks: true });
    const record = await getSettingsRecord(deps, { scope: 'product', userId, productId });
    expect(record.product_id).toBe(productId);
    expect(record.events).toEqual([...PRODUCT_EVENT_NAMES]);
    expect(record.columns).toEqual(['alert', 'mail', 'slack']);
    const message = await badRequestMessage(() =>
      saveSettingsRecord(deps, { scope: 'product', userId, productId }, { settings: { user_mentioned: ['alert'] } }),
    );
    expect(message).toContain('"user_mentioned"');
    expect(message).toContain('product page');
    expect(
      await badRequestMessage(() =>
        saveSettingsRecord(deps, { scope: 'product', userId, productId }, { settings: { scan_added: ['webhooks'] } }),
      ),
    ).toContain('webhooks');
  });

  it('rejects unknown events and channels the scope may not use, naming them', async () => {
    const unknown = await badRequestMessage(() =>
      saveSettingsRecord(deps, { scope: 'system' }, { settings: { nope: [], scan_added: [], zap: [] } }),
    );
    expect(unknown).toContain('"nope"');
    expect(unknown).toContain('"zap"');
    const teams = await badRequestMessage(() =>
      saveSettingsRecord(deps, { scope: 'personal', userId }, { settings: { scan_added: ['msteams'] } }),
    );
    expect(teams).toContain('msteams');
    expect(teams).toContain('Teams');
    expect(
      await badRequestMessage(() => saveSettingsRecord(deps, { scope: 'template' }, { columns: ['msteams'], settings: {} })),
    ).toContain('msteams');
  });
});
