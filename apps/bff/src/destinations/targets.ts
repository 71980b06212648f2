/**
 * A named destination as a delivery target (targetKind 'destination'): what the channel adapters
 * (delivery/channels/) need to send there, with its secrets opened, plus its health. The adapters stay the only
 * code that talks to Slack, Teams, SMTP and webhook receivers; this module only says where.
 */

import { toInlineText } from '@tocsin/contract/plain-text';
import { DESTINATION_KIND_LABELS, type TDestinationKind } from '@tocsin/contract/rules';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import type { TDeliveryAddress, TResolvedTarget } from '../delivery/channels/adapter';
import type { TWebhookEndpoint } from '../delivery/channels/webhook';
import { permanent } from '../delivery/outcome';
import { openSecret } from '../delivery/secrets';

export type TDestinationRow = {
  id: number;
  name: string;
  kind: TDestinationKind;
  slackChannel: string | null;
  addresses: string | null;
  url: string | null;
  headerName: string | null;
  headerValue: string | null;
  signingSecret: string | null;
};

export type TDestinationTarget =
  | { kind: 'slack'; id: number; name: string; channel: string }
  | { kind: 'msteams'; id: number; name: string; url: string }
  | { kind: 'mail'; id: number; name: string; to: string }
  | { kind: 'webhook'; id: number; name: string; endpoint: TWebhookEndpoint };

export async function findDestinationRow(deps: Pick<Deps, 'db'>, id: number): Promise<TDestinationRow | undefined> {
  return deps.db.get<TDestinationRow>(sql`select id, name, kind, slack_channel as "slackChannel", addresses, url,
      header_name as "headerName", header_value as "headerValue", signing_secret as "signingSecret"
    from destinations where id = ${id}`);
}

export const parseAddresses = (text: string | null): string[] => {
  if (!text) return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === 'string') : [];
  } catch {
    return [];
  }
};

/** The stored destination ready to send to, or why it cannot be used (a permanent failure, in words). */
export function openDestination(deps: Pick<Deps, 'secretBox'>, row: TDestinationRow): TResolvedTarget<TDestinationTarget> {
  const name = toInlineText(row.name);
  const fail = (why: string) => ({ ok: false as const, outcome: permanent(`The destination "${name}" ${why}`) });
  switch (row.kind) {
    case 'slack':
      if (!row.slackChannel?.trim()) return fail('has no Slack channel.');
      return { ok: true, target: { kind: 'slack', id: row.id, name: row.name, channel: row.slackChannel.trim() } };
    case 'msteams': {
      const url = openSecret(deps, row.url);
      if (!url.ok) return fail(`has a Workflows URL that cannot be decrypted (${url.problem}) Enter it again on the Destinations page.`);
      if (!url.value) return fail('has no Teams Workflows URL: enter one on the Destinations page.');
      return { ok: true, target: { kind: 'msteams', id: row.id, name: row.name, url: url.value } };
    }
    case 'mail': {
      const to = parseAddresses(row.addresses);
      if (to.length === 0) return fail('has no email addresses.');
      return { ok: true, target: { kind: 'mail', id: row.id, name: row.name, to: to.join(', ') } };
    }
    case 'webhook': {
      const headerValue = openSecret(deps, row.headerValue);
      const signingSecret = openSecret(deps, row.signingSecret);
      for (const [secret, what] of [
        [headerValue, 'header value'],
        [signingSecret, 'signing secret'],
      ] as const) {
        if (!secret.ok) return fail(`has a ${what} that cannot be decrypted (${secret.problem}) Enter it again on the Destinations page.`);
      }
      if (!row.url) return fail('has no URL.');
      return {
        ok: true,
        target: {
          kind: 'webhook',
          id: row.id,
          name: row.name,
          endpoint: {
            url: row.url,
            headerName: row.headerName,
            headerValue: headerValue.value || null,
            signingSecret: signingSecret.value || null,
          },
        },
      };
    }
    default:
      return fail(`is of an unknown kind "${String(row.kind)}".`);
  }
}

/** For an adapter's resolveTarget: the row's destination, which must be of `kind` (the adapter's own). */
export async function resolveDestinationTarget<K extends TDestinationKind>(
  deps: Deps,
  row: TDeliveryAddress,
  kind: K,
): Promise<TResolvedTarget<Extract<TDestinationTarget, { kind: K }>>> {
  const id = row.destinationId ?? null;
  const stored = id === null ? undefined : await findDestinationRow(deps, id);
  if (!stored) return { ok: false, outcome: permanent(`Destination ${id ?? '(none)'} no longer exists, so this was not sent.`) };
  if (stored.kind !== kind) {
    return { ok: false, outcome: permanent(`The destination "${toInlineText(stored.name)}" is not a ${DESTINATION_KIND_LABELS[kind]}.`) };
  }
  return openDestination(deps, stored) as TResolvedTarget<Extract<TDestinationTarget, { kind: K }>>;
}

/** "destination "Payments security" (Slack channel #payments-sec)", for failure alerts. */
export async function describeDestinationRow(deps: Deps, row: TDeliveryAddress): Promise<string> {
  const stored = row.destinationId == null ? undefined : await findDestinationRow(deps, row.destinationId);
  if (!stored) return `destination ${row.destinationId ?? '(none)'}`;
  const where =
    stored.kind === 'slack'
      ? ` ${stored.slackChannel ?? ''}`
      : stored.kind === 'mail'
        ? ` ${parseAddresses(stored.addresses).join(', ')}`
        : stored.kind === 'webhook'
          ? ` ${stored.url ?? ''}`
          : '';
  return `destination "${toInlineText(stored.name)}" (${DESTINATION_KIND_LABELS[stored.kind]}${where})`;
}

/** The secrets a failure of a row to this destination could carry: redacted from whatever is kept. */
export async function findDestinationSecrets(deps: Deps, destinationId: number | null | undefined): Promise<string[]> {
  if (destinationId == null) return [];
  const stored = await findDestinationRow(deps, destinationId);
  if (!stored) return [];
  const secrets = [openSecret(deps, stored.headerValue).value, openSecret(deps, stored.signingSecret).value];
  if (stored.kind === 'msteams') {
    const url = openSecret(deps, stored.url).value;
    secrets.push(url);
    try {
      const sig = url ? new URL(url).searchParams.get('sig') : null;
      if (sig) secrets.push(sig);
    } catch {
      // not a URL: the whole text is redacted
    }
  }
  return secrets.filter((s) => s !== '');
}

/**
 * A delivery's outcome on its destination's health: the last success, the last failure with its reason (the
 * summary, without the receiver's words) and the failures in a row since the last success.
 */
export async function recordDestinationOutcome(
  deps: Pick<Deps, 'db'>,
  destinationId: number,
  outcome: { ok: true } | { ok: false; summary: string },
  at: number,
): Promise<void> {
  if (outcome.ok) {
    await deps.db.run(sql`update destinations set last_success_at = ${at}, consecutive_failures = 0 where id = ${destinationId}`);
  } else {
    await deps.db.run(sql`update destinations set last_failure_at = ${at}, last_error = ${outcome.summary.slice(0, 1000)},
        consecutive_failures = consecutive_failures + 1
      where id = ${destinationId}`);
  }
}
