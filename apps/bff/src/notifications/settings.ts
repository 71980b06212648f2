/**
 * Notification settings records: system, template, personal and personal-per-product.
 * A record is one row per (record, event) holding a channel bitmask. Reading offers the columns that
 * are enabled now; saving changes only the named columns, so selections in hidden columns survive (rule 4).
 */
import {
  CHANNELS,
  channelsToMask,
  EVENT_NAMES,
  maskToChannels,
  PRODUCT_EVENT_NAMES,
  SCOPE_CHANNELS,
  type TChannel,
  type TExternalChannel,
  type TSettingsScope,
} from '@tocsin/contract/catalogue';
import type { TSaveSettingsBody, TSettingsMatrix, TSettingsRecord } from '@tocsin/contract/notification-settings';
import { and, eq, sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { Database } from '../db/database';
import { findRows } from '../db/rows';
import { notificationSettings } from '../db/schema';
import { badRequest } from '../lib/errors';

export type TRecordScope = TSettingsScope | 'product';

/** Which record: system and template have no owner; personal has a user; product has a user and a product. */
export type TRecordKey =
  | { scope: 'system' | 'template' }
  | { scope: 'personal'; userId: number }
  | { scope: 'product'; userId: number; productId: number };

export async function findEnabledChannels(db: Database): Promise<Set<TExternalChannel>> {
  return (await findRoutingSettings(db, null)).enabledChannels;
}

/**
 * The external channels enabled in system settings and, for `event`, the system record's channels: one query, as
 * dispatch needs both for every event.
 */
export async function findRoutingSettings(
  db: Database,
  event: string | null,
): Promise<{ enabledChannels: Set<TExternalChannel>; systemChannels: number }> {
  const systemChannels =
    event === null
      ? sql`0`
      : sql`(select ns.channels from notification_settings ns
          where ns.scope = 'system' and ns.user_key = 0 and ns.product_key = 0 and ns.event = ${event})`;
  const row = await db.get<{ mail: number; slack: number; msteams: number; webhooks: number; systemChannels: number | null }>(
    sql`select mail_enabled as mail, slack_enabled as slack, msteams_enabled as msteams, webhooks_enabled as webhooks,
        ${systemChannels} as "systemChannels"
      from system_settings where id = 1`,
  );
  const enabled = new Set<TExternalChannel>();
  if (row?.mail) enabled.add('mail');
  if (row?.slack) enabled.add('slack');
  if (row?.msteams) enabled.add('msteams');
  if (row?.webhooks) enabled.add('webhooks');
  return { enabledChannels: enabled, systemChannels: Number(row?.systemChannels ?? 0) };
}

/** Columns shown now: the alert list plus the external channels switched on, limited to what the scope may offer. */
export function findColumns(scope: TRecordScope, enabled: ReadonlySet<TExternalChannel>): TChannel[] {
  const allowed = SCOPE_CHANNELS[scope];
  return CHANNELS.filter((c) => allowed.includes(c) && (c === 'alert' || enabled.has(c as TExternalChannel)));
}

export function findOfferedEvents(scope: TRecordScope): readonly string[] {
  return scope === 'product' ? PRODUCT_EVENT_NAMES : EVENT_NAMES;
}

function recordCondition(key: TRecordKey) {
  const userId = key.scope === 'personal' || key.scope === 'product' ? key.userId : 0;
  const productId = key.scope === 'product' ? key.productId : 0;
  return and(
    eq(notificationSettings.scope, key.scope),
    eq(notificationSettings.userKey, userId),
    eq(notificationSettings.productKey, productId),
  );
}

async function readMasks(db: Database, key: TRecordKey): Promise<Map<string, number>> {
  const rows = await findRows(db, notificationSettings, recordCondition(key));
  return new Map(rows.map((r) => [r.event, r.channels]));
}

export async function getSettingsRecord(deps: Deps, key: TRecordKey): Promise<TSettingsRecord> {
  const events = findOfferedEvents(key.scope);
  const masks = await readMasks(deps.db, key);
  const settings: TSettingsMatrix = {};
  // Stored selections are reported even for hidden columns: they still route (once the channel is enabled again).
  for (const event of events) settings[event] = maskToChannels(masks.get(event) ?? 0);
  return {
    scope: key.scope,
    product_id: key.scope === 'product' ? key.productId : null,
    events: [...events],
    columns: findColumns(key.scope, await findEnabledChannels(deps.db)),
    settings,
  };
}

const SCOPE_NAMES: Record<TRecordScope, string> = {
  system: 'System',
  personal: 'Personal',
  template: 'Template',
  product: 'Product',
};

function explainNotAllowed(channels: readonly TChannel[]): string {
  return channels.includes('msteams') ? ' (Microsoft Teams only posts to one shared channel, so only the system settings can use it)' : '';
}

export async function saveSettingsRecord(deps: Deps, key: TRecordKey, body: TSaveSettingsBody): Promise<TSettingsRecord> {
  const offered = findOfferedEvents(key.scope);
  const offeredSet = new Set<string>(offered);
  const allowed = SCOPE_CHANNELS[key.scope];

  const unknownEvents = Object.keys(body.settings).filter((e) => !offeredSet.has(e));
  if (unknownEvents.length > 0) {
    const where = key.scope === 'product' ? 'offered on the product page' : 'in the event catalogue';
    throw badRequest(
      `settings: ${unknownEvents.map((e) => `"${e}"`).join(', ')} ${unknownEvents.length === 1 ? 'is' : 'are'} not ${where}.`,
      {
        path: 'settings',
        unknown_events: unknownEvents,
      },
    );
  }
  const usedChannels = new Set<TChannel>([...(body.columns ?? []), ...Object.values(body.settings).flat()]);
  const notAllowed = [...usedChannels].filter((c) => !allowed.includes(c));
  if (notAllowed.length > 0) {
    throw badRequest(
      `${SCOPE_NAMES[key.scope]} settings cannot use ${notAllowed.join(', ')}${explainNotAllowed(notAllowed)}. Allowed: ${allowed.join(', ')}.`,
      { path: 'settings', channels_not_allowed: notAllowed },
    );
  }

  const columns = body.columns ?? findColumns(key.scope, await findEnabledChannels(deps.db));
  const columnMask = channelsToMask(columns);
  const userId = key.scope === 'personal' || key.scope === 'product' ? key.userId : null;
  const productId = key.scope === 'product' ? key.productId : null;

  await deps.db.transaction(async (tx) => {
    const masks = await readMasks(tx, key);
    for (const event of offered) {
      const before = masks.get(event) ?? 0;
      const chosen = channelsToMask(body.settings[event] ?? []);
      // Channels outside the saved columns keep what was stored: a hidden column is never wiped.
      const after = (before & ~columnMask) | (chosen & columnMask);
      if (after === before && (masks.has(event) || after === 0)) continue;
      await tx.run(sql`insert into notification_settings (scope, user_id, product_id, event, channels)
        values (${key.scope}, ${userId}, ${productId}, ${event}, ${after})
        on conflict (scope, user_key, product_key, event) do update set channels = excluded.channels`);
    }
  });
  return getSettingsRecord(deps, key);
}
