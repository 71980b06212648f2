/**
 * Named destinations (superusers; routes.ts checks): a Slack channel posted to through the system Slack app, a
 * Teams Workflows URL, an email list, a webhook endpoint. Secrets (the Teams URL, a webhook's header value and
 * signing secret) are sealed at rest and never returned; a webhook's new URL drops its stored secrets unless the
 * same request enters them again, so nobody can send a secret someone else set to a new place.
 */

import type { TDigestMode } from '@tocsin/contract/delivery-preferences';
import {
  DESTINATION_KIND_LABELS,
  type TDestination,
  type TDestinationBody,
  type TDestinationDigest,
  type TDestinationKind,
  ZDestinationBody,
} from '@tocsin/contract/rules';
import type { TTestResult } from '@tocsin/contract/system-settings';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { isUniqueViolation } from '../db/errors';
import { mailChannel } from '../delivery/channels/mail';
import { msteamsChannel, withTeamsUrl } from '../delivery/channels/msteams';
import { slackChannel } from '../delivery/channels/slack';
import { pingWebhook } from '../delivery/channels/webhook';
import { checkOutboundUrl, getOutboundPolicy } from '../delivery/outbound';
import { sealSecret } from '../delivery/secrets';
import { getPublicBaseUrl, getSystemSettings } from '../delivery/settings';
import { badRequest, conflict, notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';
import { openDestination, parseAddresses } from './targets';

type TStoredDestination = {
  id: number;
  name: string;
  kind: TDestinationKind;
  slackChannel: string | null;
  addresses: string | null;
  url: string | null;
  headerName: string | null;
  headerValue: string | null;
  signingSecret: string | null;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  digestMode: TDigestMode;
  digestDailyAt: string;
  digestTimeZone: string;
  createdAt: number;
  ruleCount: number;
};

const SELECT = sql`select d.id, d.name, d.kind, d.slack_channel as "slackChannel", d.addresses, d.url, d.header_name as "headerName",
    d.header_value as "headerValue", d.signing_secret as "signingSecret", d.last_success_at as "lastSuccessAt",
    d.last_failure_at as "lastFailureAt", d.last_error as "lastError", d.consecutive_failures as "consecutiveFailures",
    d.digest_mode as "digestMode", d.digest_daily_at as "digestDailyAt", d.digest_time_zone as "digestTimeZone", d.created_at as "createdAt",
    (select count(*) from rule_destinations rd where rd.destination_id = d.id) as "ruleCount"
  from destinations d`;

function toDto(row: TStoredDestination): TDestination {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    kind_label: DESTINATION_KIND_LABELS[row.kind],
    slack_channel: row.kind === 'slack' ? row.slackChannel : null,
    addresses: row.kind === 'mail' ? parseAddresses(row.addresses) : [],
    // A Teams Workflows URL carries its credential: only whether one is set.
    url: row.kind === 'webhook' ? row.url : null,
    url_set: Boolean(row.url),
    header_name: row.kind === 'webhook' ? row.headerName : null,
    header_value_set: Boolean(row.headerValue),
    signing_secret_set: Boolean(row.signingSecret),
    health: {
      last_success_at: toIsoOrNull(row.lastSuccessAt === null ? null : Number(row.lastSuccessAt)),
      last_failure_at: toIsoOrNull(row.lastFailureAt === null ? null : Number(row.lastFailureAt)),
      last_error: row.lastError,
      consecutive_failures: Number(row.consecutiveFailures),
    },
    digest: { mode: row.digestMode, daily_at: row.digestDailyAt, time_zone: row.digestTimeZone },
    rule_count: Number(row.ruleCount),
    created_at: toIso(Number(row.createdAt)),
  };
}

export async function listDestinations(deps: Deps): Promise<TDestination[]> {
  const rows = await deps.db.all<TStoredDestination>(sql`${SELECT} order by lower(d.name), d.id`);
  return rows.map(toDto);
}

async function findStored(deps: Deps, id: number): Promise<TStoredDestination> {
  const row = await deps.db.get<TStoredDestination>(sql`${SELECT} where d.id = ${id}`);
  if (!row) throw notFound(`Destination ${id}`);
  return row;
}

export async function getDestination(deps: Deps, id: number): Promise<TDestination> {
  return toDto(await findStored(deps, id));
}

/** A URL the outbound policy refuses outright (an internal address, credentials in it) is a 400 naming why. */
function assertUrlAllowed(deps: Deps, url: string): void {
  const check = checkOutboundUrl(url, getOutboundPolicy(deps.env));
  if (!check.ok) throw badRequest(`url: ${check.message}`, [{ path: 'url', message: check.message }]);
}

type TColumns = {
  name: string;
  kind: TDestinationKind;
  slackChannel: string | null;
  addresses: string | null;
  url: string | null;
  headerName: string | null;
  headerValue: string | null;
  signingSecret: string | null;
  digest: TDestinationDigest;
};

/** The columns to store for a body; `stored` is the destination it changes (null on create). */
function toColumns(deps: Deps, body: ReturnType<typeof ZDestinationBody.parse>, stored: TStoredDestination | null): TColumns {
  const base: TColumns = {
    name: body.name,
    kind: body.kind,
    slackChannel: null,
    addresses: null,
    url: null,
    headerName: null,
    headerValue: null,
    signingSecret: null,
    // Omitted: as stored (immediate for a new destination, in the server's time zone when it goes on a digest).
    digest: body.digest ?? {
      mode: stored?.digestMode ?? 'immediate',
      daily_at: stored?.digestDailyAt ?? '08:00',
      time_zone: stored?.digestTimeZone ?? deps.env.TIME_ZONE,
    },
  };
  switch (body.kind) {
    case 'slack':
      return { ...base, slackChannel: body.slack_channel };
    case 'mail':
      return { ...base, addresses: JSON.stringify(body.addresses) };
    case 'msteams': {
      if (body.url) assertUrlAllowed(deps, body.url);
      const url = body.url ? sealSecret(deps, body.url) : (stored?.url ?? null);
      if (!url) throw badRequest('url: enter the Teams Workflows URL.', [{ path: 'url', message: 'Enter the Teams Workflows URL' }]);
      return { ...base, url };
    }
    case 'webhook': {
      assertUrlAllowed(deps, body.url);
      const isSameUrl = stored !== null && stored.url === body.url;
      // Omitted or null keeps the stored secret, but only for the same URL; '' clears it.
      const keep = (given: string | null | undefined, current: string | null) =>
        given === undefined || given === null ? (isSameUrl ? current : null) : given === '' ? null : sealSecret(deps, given);
      return {
        ...base,
        url: body.url,
        headerName: body.header_name?.trim() || null,
        headerValue: keep(body.header_value, stored?.headerValue ?? null),
        signingSecret: keep(body.signing_secret, stored?.signingSecret ?? null),
      };
    }
  }
}

const nameTaken = (name: string) => conflict(`A destination named "${name}" already exists. Choose another name.`);

export async function createDestination(deps: Deps, input: TDestinationBody): Promise<TDestination> {
  const body = ZDestinationBody.parse(input);
  const c = toColumns(deps, body, null);
  const now = deps.now();
  try {
    const row = await deps.db.get<{ id: number }>(sql`insert into destinations (name, kind, slack_channel, addresses, url, header_name,
        header_value, signing_secret, digest_mode, digest_daily_at, digest_time_zone, created_at, updated_at)
      values (${c.name}, ${c.kind}, ${c.slackChannel}, ${c.addresses}, ${c.url}, ${c.headerName}, ${c.headerValue}, ${c.signingSecret},
        ${c.digest.mode}, ${c.digest.daily_at}, ${c.digest.time_zone}, ${now}, ${now})
      returning id`);
    return getDestination(deps, Number(row!.id));
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(c.name);
    throw err;
  }
}

export async function updateDestination(deps: Deps, id: number, input: TDestinationBody): Promise<TDestination> {
  const body = ZDestinationBody.parse(input);
  const stored = await findStored(deps, id);
  if (body.kind !== stored.kind) {
    throw badRequest(
      `kind: this destination is a ${DESTINATION_KIND_LABELS[stored.kind]}; its kind cannot change. Add a new destination instead.`,
      [{ path: 'kind', message: 'cannot change' }],
    );
  }
  const c = toColumns(deps, body, stored);
  try {
    await deps.db.run(sql`update destinations set name = ${c.name}, slack_channel = ${c.slackChannel}, addresses = ${c.addresses},
        url = ${c.url}, header_name = ${c.headerName}, header_value = ${c.headerValue}, signing_secret = ${c.signingSecret},
        digest_mode = ${c.digest.mode}, digest_daily_at = ${c.digest.daily_at}, digest_time_zone = ${c.digest.time_zone},
        updated_at = ${deps.now()}
      where id = ${id}`);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(c.name);
    throw err;
  }
  return getDestination(deps, id);
}

/** The destination goes with its delivery log; system rules that named it keep their other destinations. */
export async function deleteDestination(deps: Deps, id: number): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.run(sql`delete from deliveries where destination_id = ${id}`);
    // Items still waiting for its digest go with it (on SQLite the column's foreign key has no cascade).
    await tx.run(sql`delete from digest_items where destination_id = ${id}`);
    await tx.run(sql`delete from rule_destinations where destination_id = ${id}`);
    const removed = await tx.run(sql`delete from destinations where id = ${id}`);
    if (removed === 0) throw notFound(`Destination ${id}`);
  });
}

/** "Send a test": a real message now through the channel's adapter, with the provider's own words on failure. */
export async function sendDestinationTest(deps: Deps, id: number): Promise<TTestResult> {
  const stored = await findStored(deps, id);
  const opened = openDestination(deps, stored);
  if (!opened.ok) return { ok: false, message: opened.outcome.ok ? '' : opened.outcome.error, response_code: null };
  const settings = await getSystemSettings(deps);
  const render = { teamName: settings.teamName, disclaimer: settings.disclaimer, baseUrl: getPublicBaseUrl(deps.env) };
  const event = {
    id: 0,
    name: 'test',
    title: `Test notification from ${settings.teamName}`,
    description: `This is a test message for the destination "${stored.name}". If you can read it, ${settings.teamName} can reach it.`,
    url: '/destinations',
    source: 'Test Notification',
    createdAt: deps.now(),
    productTypeId: null,
    productId: null,
    engagementId: null,
  };
  const message = { settings, event, context: { productType: null, product: null, engagement: null }, render };
  const target = opened.target;
  const result =
    target.kind === 'slack'
      ? await slackChannel.sendTest(deps, message, { to: target.channel })
      : target.kind === 'mail'
        ? await mailChannel.sendTest(deps, message, { to: target.to })
        : target.kind === 'msteams'
          ? await msteamsChannel.sendTest(deps, { ...message, settings: withTeamsUrl(settings, target.url) }, {})
          : await pingWebhook(deps, target.endpoint);
  return { ok: result.ok, message: result.message, response_code: result.responseCode ?? null };
}
