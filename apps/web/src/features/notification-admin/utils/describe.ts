/** Words for the effective view and the change history: pure, so each phrase is tested once. */
import { CHANNEL_LABELS, findEventInfo, type TChannel } from '@tocsin/contract/catalogue';
import type {
  TEffectiveCell,
  TEffectiveDelivery,
  TEffectiveTiming,
  TNotificationChangeSet,
  TRuleChange,
} from '@tocsin/contract/notification-admin';

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

const RULE_ACTION_WORDS: Record<TRuleChange['action'], string> = { created: 'added', changed: 'changed', deleted: 'deleted' };

/**
 * "Changed by admin on 30 Nov 2026, 14:05" or "Template applied by admin on …"; "a deleted user" when the account is
 * gone; "(rule “Critical” added)" for a change to one of the user's rules.
 */
export function describeChangeSet(
  set: Pick<TNotificationChangeSet, 'source' | 'changed_by' | 'created_at' | 'product'> & { rule?: TRuleChange | null },
): string {
  const who = set.changed_by?.username ?? 'a deleted user';
  const when = dateFormat.format(new Date(set.created_at));
  const what = set.source === 'template' ? `Template applied by ${who}` : `Changed by ${who}`;
  if (set.rule) return `${what} on ${when} (rule “${set.rule.name}” ${RULE_ACTION_WORDS[set.rule.action]})`;
  return set.product ? `${what} on ${when} (settings for ${set.product.name})` : `${what} on ${when}`;
}

/** What else changed in a rule besides the channels it adds per event: its name, whether it is on, its conditions. */
export function describeRuleEdits(rule: TRuleChange): string[] {
  const { before, after } = rule;
  if (!before || !after) return [];
  const lines: string[] = [];
  if (before.name !== after.name) lines.push(`Renamed from “${before.name}”`);
  if (before.enabled !== after.enabled) lines.push(after.enabled ? 'Switched on' : 'Switched off');
  if (JSON.stringify(before.conditions) !== JSON.stringify(after.conditions)) lines.push('Conditions changed');
  return lines;
}

const TIMING_CHANNEL_WORDS: Record<string, string> = { mail: 'Email', slack: 'Slack', webhooks: 'Webhooks' };

/** "Email: daily digest at 08:30 (Europe/Paris)", "Slack: immediately, held during quiet hours". */
export function describeTiming(channel: string, timing: TEffectiveTiming, timeZone: string): string {
  const label = TIMING_CHANNEL_WORDS[channel] ?? channel;
  const when =
    timing.mode === 'immediate'
      ? 'immediately'
      : timing.mode === 'hourly'
        ? 'hourly digest'
        : `daily digest at ${timing.daily_at ?? '?'} (${timeZone})`;
  return `${label}: ${when}${timing.held_by_quiet_hours ? ', held during quiet hours' : ''}`;
}

/** "Quiet hours 22:00–07:00 (Europe/Paris): …", or "No quiet hours." */
export function describeQuietHours(delivery: Pick<TEffectiveDelivery, 'quiet_hours' | 'time_zone'>): string {
  const q = delivery.quiet_hours;
  if (!q) return 'No quiet hours: messages sent immediately go out at any time of day.';
  const critical = q.critical_passes ? 'Critical findings go out at once' : 'Critical findings wait too';
  return `Quiet hours ${q.start}–${q.end} (${delivery.time_zone}): messages sent immediately wait until they end; ${critical}. Digests keep their time.`;
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
