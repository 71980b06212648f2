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
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Deps, UserRow } from '../app-context';
import { users, webhooks } from '../db/schema';
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

function selectWebhooks(deps: Deps) {
  return deps.db
    .select({ webhook: webhooks, ownerUsername: users.username })
    .from(webhooks)
    .leftJoin(users, eq(users.id, webhooks.ownerId));
}

/** Superusers see every webhook; others their own. */
export function listWebhooks(deps: Deps, caller: UserRow): TWebhook[] {
  const query = selectWebhooks(deps);
  const rows = (caller.isSuperuser ? query : query.where(eq(webhooks.ownerId, caller.id)))
    .orderBy(asc(sql`${webhooks.name} collate nocase`))
    .all();
  return rows.map((r) => toWebhookDto(r.webhook, r.ownerUsername));
}

/** The webhook if the caller may see it; 404 otherwise (so others' ids are not confirmed). */
function getVisibleWebhook(deps: Deps, caller: UserRow, id: number): { webhook: WebhookRow; ownerUsername: string | null } {
  const row = selectWebhooks(deps).where(eq(webhooks.id, id)).get();
  if (!row || (!caller.isSuperuser && row.webhook.ownerId !== caller.id)) throw notFound(`Webhook ${id}`);
  return row;
}

export function getWebhook(deps: Deps, caller: UserRow, id: number): TWebhook {
  const { webhook, ownerUsername } = getVisibleWebhook(deps, caller, id);
  return toWebhookDto(webhook, ownerUsername);
}

/** Resolve who owns a new or edited webhook; only superusers may choose someone else or "system" (null). */
function resolveOwner(
  deps: Deps,
  caller: UserRow,
  requested: number | null | undefined,
  current: number | null | undefined,
): number | null {
  if (!caller.isSuperuser) {
    if (requested !== undefined && requested !== caller.id) {
      throw forbidden('You can add and edit webhooks only for yourself; only superusers choose another owner or a system webhook.');
    }
    return caller.id;
  }
  if (requested === undefined) return current === undefined ? null : current;
  if (requested === null) return null;
  const owner = deps.db.select({ id: users.id }).from(users).where(eq(users.id, requested)).get();
  if (!owner)
    throw badRequest(`owner_id: No user has the id ${requested}`, [{ path: 'owner_id', message: `No user has the id ${requested}` }]);
  return owner.id;
}

function assertNameFree(deps: Deps, name: string, exceptId?: number) {
  const sameName = sql`${webhooks.name} = ${name} collate nocase`;
  const clash = deps.db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(exceptId === undefined ? sameName : and(sameName, ne(webhooks.id, exceptId)))
    .get();
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

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error as { code: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Secret fields: omitted or null keeps the stored value, an empty string clears it. */
function resolveSecret(stored: string | null, sent: string | null | undefined): string | null {
  if (sent == null) return stored;
  return sent === '' ? null : sent;
}

export async function createWebhook(deps: Deps, caller: UserRow, body: TCreateWebhookBody): Promise<TWebhook> {
  const ownerId = resolveOwner(deps, caller, body.owner_id, undefined);
  const name = body.name.trim();
  const endpoint: Endpoint = {
    url: body.url.trim(),
    headerName: body.header_name?.trim() || null,
    headerValue: body.header_value || null,
    signingSecret: body.signing_secret || null,
  };
  assertHeaderComplete(endpoint);
  assertNameFree(deps, name);
  await assertPingAccepted(deps, endpoint);
  try {
    const row = deps.db
      .insert(webhooks)
      .values({ name, ...endpoint, ownerId, status: 'active', createdAt: deps.now() })
      .returning()
      .get();
    return getWebhook(deps, caller, row.id);
  } catch (error) {
    // Another request took the name while the ping was in flight.
    if (isUniqueViolation(error)) throw conflict(`A webhook named "${name}" already exists. Choose another name.`);
    throw error;
  }
}

/** Edit a webhook; the edited endpoint is pinged first and nothing is saved if the ping fails. */
export async function updateWebhook(deps: Deps, caller: UserRow, id: number, body: TUpdateWebhookBody): Promise<TWebhook> {
  const { webhook } = getVisibleWebhook(deps, caller, id);
  const ownerId = resolveOwner(deps, caller, body.owner_id, webhook.ownerId);
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
  assertNameFree(deps, name, id);
  await assertPingAccepted(deps, endpoint);
  try {
    deps.db
      .update(webhooks)
      .set({ name, ...endpoint, ownerId })
      .where(eq(webhooks.id, id))
      .run();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A webhook named "${name}" already exists. Choose another name.`);
    throw error;
  }
  // A superuser may have handed the webhook to someone else; the superuser still sees it.
  return getWebhook(deps, caller, id);
}

/** Deleting a webhook deletes its deliveries too (they have nowhere left to go). */
export function deleteWebhook(deps: Deps, caller: UserRow, id: number): void {
  getVisibleWebhook(deps, caller, id);
  deps.db.delete(webhooks).where(eq(webhooks.id, id)).run();
}

export function deactivateWebhook(deps: Deps, caller: UserRow, id: number): TWebhook {
  getVisibleWebhook(deps, caller, id);
  deactivateWebhookHealth(deps, id, `Deactivated by ${caller.username}.`);
  return getWebhook(deps, caller, id);
}

export function activateWebhook(deps: Deps, caller: UserRow, id: number): TWebhook {
  getVisibleWebhook(deps, caller, id);
  reactivateWebhookHealth(deps, id);
  return getWebhook(deps, caller, id);
}

/** Ping the stored endpoint now; the outcome is reported, not thrown, and the webhook is not changed. */
export async function sendWebhookTest(deps: Deps, caller: UserRow, id: number): Promise<TTestResult> {
  const { webhook } = getVisibleWebhook(deps, caller, id);
  const result = await pingWebhook(deps, {
    url: webhook.url,
    headerName: webhook.headerName ?? undefined,
    headerValue: webhook.headerValue ?? undefined,
    signingSecret: webhook.signingSecret ?? undefined,
  });
  return { ok: result.ok, message: result.message, response_code: result.responseCode ?? null };
}
