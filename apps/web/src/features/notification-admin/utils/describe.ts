/** Words for the effective view and the change history: pure, so each phrase is tested once. */
import { CHANNEL_LABELS, findEventInfo, type TChannel } from '@tocsin/contract/catalogue';
import type { TEffectiveCell, TNotificationChangeSet } from '@tocsin/contract/notification-admin';

const SOURCE_WORDS = { system: 'System', personal: 'Personal', product: 'Product' } as const;

const BLOCK_WORDS: Record<NonNullable<TEffectiveCell['blocked_by']>, string> = {
  channel_off: 'not sent: channel switched off in System Settings',
  no_access: 'will not reach them: no access to the product',
  inactive: 'not sent: account deactivated',
};

export type TCellText = { text: string; tone: 'received' | 'blocked' | 'none' };

/** "Yes (System, Personal)", "No", or why a selected channel does not arrive. */
export function describeEffectiveCell(cell: TEffectiveCell | undefined): TCellText {
  if (!cell || cell.sources.length === 0) return { text: 'No', tone: 'none' };
  const from = cell.sources.map((s) => SOURCE_WORDS[s]).join(', ');
  if (cell.is_received) return { text: `Yes (${from})`, tone: 'received' };
  return { text: `${from}: ${cell.blocked_by ? BLOCK_WORDS[cell.blocked_by] : 'not sent'}`, tone: 'blocked' };
}

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** "Changed by admin on 30 Nov 2026, 14:05" or "Template applied by admin on …"; "a deleted user" when the account is gone. */
export function describeChangeSet(set: Pick<TNotificationChangeSet, 'source' | 'changed_by' | 'created_at' | 'product'>): string {
  const who = set.changed_by?.username ?? 'a deleted user';
  const when = dateFormat.format(new Date(set.created_at));
  const what = set.source === 'template' ? `Template applied by ${who}` : `Changed by ${who}`;
  return set.product ? `${what} on ${when} (settings for ${set.product.name})` : `${what} on ${when}`;
}

const channelList = (channels: readonly TChannel[]) => channels.map((c) => CHANNEL_LABELS[c]).join(', ');

/** "Scan Added: added Mail, Slack; removed Alert". */
export function describeChange(change: { event: string; added: readonly TChannel[]; removed: readonly TChannel[] }): string {
  const info = findEventInfo(change.event);
  const label = info.name === change.event ? info.label : change.event;
  const parts: string[] = [];
  if (change.added.length > 0) parts.push(`added ${channelList(change.added)}`);
  if (change.removed.length > 0) parts.push(`removed ${channelList(change.removed)}`);
  return `${label}: ${parts.join('; ')}`;
}
