/**
 * "A delivery finally failed" alerts for superusers: at most one per failing destination per hour
 * (failure_notices holds the last time per destination key), not one per message. The alerts are written by
 * the one alert writer (notifications/write-alerts.ts), like every other alert.
 *
 * Everything in the notice that came from elsewhere (the event's title, a webhook's name and URL, the
 * receiver's answer) is made inert: one line of plain text in the title (which the SPA shows as text), and
 * escaped markdown in the description, with secrets redacted from the reason before it is cut.
 */
import type { TExternalChannel } from '@tocsin/contract/catalogue';
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import { sql } from 'drizzle-orm';
import { type Deps, withDb } from '../app-context';
import { escapeMarkdown, toInlineText, toSafeSnippet, truncateText } from '../lib/text';
import { writeAlerts } from '../notifications/write-alerts';
import { getChannelAdapter } from './channels/registry';

export const FAILURE_NOTICE_INTERVAL_MS = 3_600_000;
export const DELIVERY_LOG_PATH = '/deliveries';

/** `mail:system`, `slack:user:12`, `webhook:3`: one key per destination, whatever the event. */
export function toDestinationKey(row: {
  channel: string;
  targetKind: string;
  userId: number | null;
  webhookId: number | null;
  destinationId?: number | null;
}): string {
  if (row.targetKind === 'destination') return `destination:${row.destinationId ?? 'none'}`;
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
  /** The whole error, receiver's answer included: superusers read it. */
  reason: string;
  /** Redacted from the reason (and everything else) before it is respaced or cut. */
  secrets?: readonly (string | null | undefined)[];
};

/** The reason's share of the description: room for the sentences around it. */
const REASON_MAX = 1200;

/** The notice's title (plain text) and description (markdown), with everything from outside made inert. */
export function renderFailureNotice(notice: TFailureNotice, words: string): { title: string; description: string } {
  const secrets = notice.secrets ?? [];
  const destination = toSafeSnippet(notice.destination, { secrets, max: 400 });
  const eventTitle = toSafeSnippet(notice.eventTitle, { secrets, max: ALERT_LIMITS.title });
  const reason = toSafeSnippet(notice.reason, { secrets, max: REASON_MAX });
  const title = truncateText(toInlineText(`${words} notification failed: ${destination}`), ALERT_LIMITS.title);
  const description = truncateText(
    `Tocsin could not deliver "${escapeMarkdown(eventTitle)}" to ${escapeMarkdown(destination)} by ${words}.\n\n` +
      `Reason: ${escapeMarkdown(reason)}\n\n` +
      'Further failures for this destination in the next hour raise no new alert; the delivery log lists every one.',
    ALERT_LIMITS.description,
  );
  return { title, description };
}

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
    // Every active superuser, whatever their own settings: design.md rule 5.
    const superusers = (await tx.all<{ id: number }>(sql`select id from users where is_superuser = 1 and is_active = 1 order by id`)).map(
      (u) => u.id,
    );
    if (superusers.length === 0) return [];
    const { title, description } = renderFailureNotice(notice, words);
    const url = `${DELIVERY_LOG_PATH}?status=failed&channel=${notice.channel}`;
    await writeAlerts(
      withDb(deps, tx),
      { eventId: null, event: null, productId: null, title, description, url, source, icon, createdAt: now },
      superusers,
    );
    return superusers;
  });
}
