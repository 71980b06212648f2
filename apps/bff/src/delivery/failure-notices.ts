/**
 * "A delivery finally failed" alerts for superusers: at most one per failing destination per hour
 * (failure_notices holds the last time per destination key), not one per message.
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { insertRows } from '../db/rows';
import { alerts } from '../db/schema';
import { getChannelAdapter } from './channels/registry';

export const FAILURE_NOTICE_INTERVAL_MS = 3_600_000;
export const DELIVERY_LOG_PATH = '/deliveries';

/** `mail:system`, `slack:user:12`, `webhook:3`: one key per destination, whatever the event. */
export function toDestinationKey(row: { channel: string; targetKind: string; userId: number | null; webhookId: number | null }): string {
  if (row.targetKind === 'webhook' || row.channel === 'webhooks') return `webhook:${row.webhookId ?? 'none'}`;
  if (row.targetKind === 'user') return `${row.channel}:user:${row.userId ?? 'none'}`;
  return `${row.channel}:system`;
}

export type TFailureNotice = {
  channel: TExternalChannel;
  destinationKey: string;
  /** In words: "the system Slack channel #alerts", "alice's Slack DM", "webhook SIEM (https://…)". */
  destination: string;
  eventTitle: string;
  reason: string;
};

const cut = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

/**
 * Raise the alert unless one was raised for this destination within the hour.
 * Returns the superusers alerted (empty when suppressed); their alert lists change (bus 'alerts-changed').
 */
export async function raiseFailureNotice(deps: Deps, notice: TFailureNotice): Promise<number[]> {
  const now = deps.now();
  const { words, source, icon } = getChannelAdapter(notice.channel).notice;
  return deps.db.transaction(async (tx) => {
    // Insert or take over the key only when the previous notice is an hour old: the check and the claim are one statement.
    const claimed = await tx.run(
      sql`insert into failure_notices (destination_key, last_raised_at) values (${notice.destinationKey}, ${now})
          on conflict (destination_key) do update set last_raised_at = excluded.last_raised_at
          where failure_notices.last_raised_at <= ${now - FAILURE_NOTICE_INTERVAL_MS}`,
    );
    if (claimed === 0) return [];
    const superusers = (await tx.all<{ id: number }>(sql`select id from users where is_superuser = 1 and is_active = 1 order by id`)).map(
      (u) => u.id,
    );
    if (superusers.length === 0) return [];
    const title = cut(`${words} notification failed: ${notice.destination}`, ALERT_LIMITS.title);
    const description = cut(
      `Tocsin could not deliver "${notice.eventTitle}" to ${notice.destination} by ${words}.\n\n` +
        `Reason: ${notice.reason}\n\n` +
        'Further failures for this destination in the next hour raise no new alert; the delivery log lists every one.',
      ALERT_LIMITS.description,
    );
    const url = `${DELIVERY_LOG_PATH}?status=failed&channel=${notice.channel}`;
    await insertRows(
      tx,
      alerts,
      superusers.map((userId) => ({ userId, eventId: null, title, description, url, source, icon, createdAt: now })),
    );
    await deps.bus.publish(tx, { type: 'alerts-changed', userIds: superusers });
    return superusers;
  });
}
