/**
 * Webhook endpoints: who may see and change which, ping-before-save, and health switches.
 * Superusers manage all (system ones have no owner); other users manage their own only.
 * The header value and signing secret are write-only: DTOs carry `*_set` booleans.
 */
import type { TTestResult } from '@tocsin/contract/system-settings';
import {
  type TCreateWebhookBody,
  type TUpdateWebhookBody,
  type TWebhook,
  type TWebhookStatus,
  WEBHOOK_STATUS_LABELS,
} from '@tocsin/contract/webhooks';
import { eq, type SQL, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { isUniqueViolation } from '../db/errors';
import { columnsOf, decodeRow, deleteRows, insertRow, updateRows } from '../db/rows';
import { webhooks } from '../db/schema';
import { pingWebhook } from '../delivery/channels/webhook';
import { deactivateWebhook as deactivateWebhookHealth, reactivateWebhook as reactivateWebhookHealth } from '../delivery/webhook-health';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';

type WebhookRow = typeof webhooks.$inferSelect;

export function toWebhookDto(row: WebhookRow, ownerUsername: string | null): TWebhook {
  const status = row.status as TWebhookStatus;
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    header_name: row.headerName,
    header_value_set: Boolean(row.headerValue),
    signing_secret_set: Boolean(row.signingSecret),
    owner_id: row.ownerId,
    owner_username: ownerUsername,
    status,
    status_label: WEBHOOK_STATUS_LABELS[status] ?? row.status,
    first_error_at: toIsoOrNull(row.firstErrorAt),
    last_error_at: toIsoOrNull(row.lastErrorAt),
    note: row.note,
    created_at: toIso(row.createdAt),
  };
}

type TVisibleWebhook = { webhook: WebhookRow; ownerUsername: string | null };

/** Webhooks matching `where`, each with its owner's username (null for system webhooks), by name. */
async function findWebhooks(deps: Deps, where: SQL): Promise<TVisibleWebhook[]> {
  const rows = await deps.db.all<Record<string, unknown>>(sql`select ${columnsOf(webhooks)}, u.username as "ownerUsername"
    from webhooks left join users u on u.id = webhooks.owner_id
    where ${where}
    order by ${deps.db.fragments.ciOrder(webhooks.name)}`);
  return rows.map(({ ownerUsername, ...row }) => ({
    webhook: decodeRow(webhooks, row),
    ownerUsername: (ownerUsername as string | null) ?? null,
  }));
}

/** Superusers see every webhook; others their own. */
export async function listWebhooks(deps: Deps, caller: UserRow): Promise<TWebhook[]> {
  const rows = await findWebhooks(deps, caller.isSuperuser ? sql`1 = 1` : eq(webhooks.ownerId, caller.id));
  return rows.map((r) => toWebhookDto(r.webhook, r.ownerUsername));
}

/** The webhook if the caller may see it; 404 otherwise (so others' ids are not confirmed). */
async function getVisibleWebhook(deps: Deps, caller: UserRow, id: number): Promise<TVisibleWebhook> {
  const [row] = await findWebhooks(deps, eq(webhooks.id, id));
  if (!row || (!caller.isSuperuser && row.webhook.ownerId !== caller.id)) throw notFound(`Webhook ${id}`);
  return row;
}

export async function getWebhook(deps: Deps, caller: UserRow, id: number): Promise<TWebhook> {
  const { webhook, ownerUsername } = await getVisibleWebhook(deps, caller, id);
  return toWebhookDto(webhook, ownerUsername);
}

/** Resolve who owns a new or edited webhook; only superusers may choose someone else or "system" (null). */
async function resolveOwner(
  deps: Deps,
  caller: UserRow,
  requested: number | null | undefined,
  current: number | null | undefined,
): Promise<number | null> {
  if (!caller.isSuperuser) {
    if (requested !== undefined && requested !== caller.id) {
      throw forbidden('You can add and edit webhooks only for yourself; only superusers choose another owner or a system webhook.');
    }
    return caller.id;
  }
  if (requested === undefined) return current === undefined ? null : current;
  if (requested === null) return null;
  const owner = await deps.db.get<{ id: number }>(sql`select id from users where id = ${requested}`);
  if (!owner)
    throw badRequest(`owner_id: No user has the id ${requested}`, [{ path: 'owner_id', message: `No user has the id ${requested}` }]);
  return owner.id;
}

async function assertNameFree(deps: Deps, name: string, exceptId?: number) {
  const other = exceptId === undefined ? sql`` : sql`and id != ${exceptId}`;
  const clash = await deps.db.get(sql`select id from webhooks where ${deps.db.fragments.ciEquals(sql`name`, name)} ${other}`);
  if (clash) throw conflict(`A webhook named "${name}" already exists. Choose another name.`);
}

type Endpoint = { url: string; headerName: string | null; headerValue: string | null; signingSecret: string | null };

function assertHeaderComplete(endpoint: Endpoint) {
  if (endpoint.headerValue && !endpoint.headerName) {
    throw badRequest('header_name: Enter the name of the header that carries the header value', [
      { path: 'header_name', message: 'Enter the name of the header that carries the header value' },
    ]);
  }
  if (endpoint.headerName && !endpoint.headerValue) {
    throw badRequest('header_value: Enter the value of the extra header (or leave the header name empty)', [
      { path: 'header_value', message: 'Enter the value of the extra header (or leave the header name empty)' },
    ]);
  }
}

/** Send a ping; throw (and so save nothing) unless the receiver accepted it. */
async function assertPingAccepted(deps: Deps, endpoint: Endpoint) {
  const result = await pingWebhook(deps, {
    url: endpoint.url,
    headerName: endpoint.headerName ?? undefined,
    headerValue: endpoint.headerValue ?? undefined,
    signingSecret: endpoint.signingSecret ?? undefined,
  });
  if (!result.ok) {
    throw new HttpError(400, 'ping_failed', `The endpoint did not accept the ping: ${result.message}`, {
      response_code: result.responseCode ?? null,
    });
  }
}

/** Secret fields: omitted or null keeps the stored value, an empty string clears it. */
function resolveSecret(stored: string | null, sent: string | null | undefined): string | null {
  if (sent == null) return stored;
  return sent === '' ? null : sent;
}

export async function createWebhook(deps: Deps, caller: UserRow, body: TCreateWebhookBody): Promise<TWebhook> {
  const ownerId = await resolveOwner(deps, caller, body.owner_id, undefined);
  const name = body.name.trim();
  const endpoint: Endpoint = {
    url: body.url.trim(),
    headerName: body.header_name?.trim() || null,
    headerValue: body.header_value || null,
    signingSecret: body.signing_secret || null,
  };
  assertHeaderComplete(endpoint);
  await assertNameFree(deps, name);
  await assertPingAccepted(deps, endpoint);
  let id: number;
  try {
    id = (await insertRow(deps.db, webhooks, { name, ...endpoint, ownerId, status: 'active', createdAt: deps.now() })).id;
  } catch (error) {
    // Another request took the name while the ping was in flight.
    if (isUniqueViolation(error)) throw conflict(`A webhook named "${name}" already exists. Choose another name.`);
    throw error;
  }
  return getWebhook(deps, caller, id);
}

/** Edit a webhook; the edited endpoint is pinged first and nothing is saved if the ping fails. */
export async function updateWebhook(deps: Deps, caller: UserRow, id: number, body: TUpdateWebhookBody): Promise<TWebhook> {
  const { webhook } = await getVisibleWebhook(deps, caller, id);
  const ownerId = await resolveOwner(deps, caller, body.owner_id, webhook.ownerId);
  const name = body.name?.trim() ?? webhook.name;
  const headerName = body.header_name === undefined ? webhook.headerName : body.header_name?.trim() || null;
  const endpoint: Endpoint = {
    url: body.url?.trim() ?? webhook.url,
    headerName,
    // Without a header name there is no header, so its stored value goes too.
    headerValue: headerName ? resolveSecret(webhook.headerValue, body.header_value) : null,
    signingSecret: resolveSecret(webhook.signingSecret, body.signing_secret),
  };
  assertHeaderComplete(endpoint);
  await assertNameFree(deps, name, id);
  await assertPingAccepted(deps, endpoint);
  try {
    await updateRows(deps.db, webhooks, { name, ...endpoint, ownerId }, eq(webhooks.id, id));
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A webhook named "${name}" already exists. Choose another name.`);
    throw error;
  }
  // A superuser may have handed the webhook to someone else; the superuser still sees it.
  return getWebhook(deps, caller, id);
}

/** Deleting a webhook deletes its deliveries too (they have nowhere left to go). */
export async function deleteWebhook(deps: Deps, caller: UserRow, id: number): Promise<void> {
  await getVisibleWebhook(deps, caller, id);
  await deleteRows(deps.db, webhooks, eq(webhooks.id, id));
}

export async function deactivateWebhook(deps: Deps, caller: UserRow, id: number): Promise<TWebhook> {
  await getVisibleWebhook(deps, caller, id);
  await deactivateWebhookHealth(deps, id, `Deactivated by ${caller.username}.`);
  return getWebhook(deps, caller, id);
}

export async function activateWebhook(deps: Deps, caller: UserRow, id: number): Promise<TWebhook> {
  await getVisibleWebhook(deps, caller, id);
  await reactivateWebhookHealth(deps, id);
  return getWebhook(deps, caller, id);
}

/** Ping the stored endpoint now; the outcome is reported, not thrown, and the webhook is not changed. */
export async function sendWebhookTest(deps: Deps, caller: UserRow, id: number): Promise<TTestResult> {
  const { webhook } = await getVisibleWebhook(deps, caller, id);
  const result = await pingWebhook(deps, {
    url: webhook.url,
    headerName: webhook.headerName ?? undefined,
    headerValue: webhook.headerValue ?? undefined,
    signingSecret: webhook.signingSecret ?? undefined,
  });
  return { ok: result.ok, message: result.message, response_code: result.responseCode ?? null };
}
