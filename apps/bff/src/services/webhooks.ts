/**
 * Webhook endpoints: who may see and change which, ping-before-save, and health switches.
 * Superusers manage all (system ones have no owner); other users manage their own only.
 *
 * Secrets (the extra header's value, the signing secret) are sealed before they are stored and write-only:
 * DTOs carry `*_set` booleans, and a signing secret Tocsin generates is shown once, in the answer that made it.
 * A new URL drops both unless the same request enters them again: whoever may edit an endpoint can never send
 * a secret someone else set to a place of their choosing. The URL obeys the outbound policy before any ping.
 */
import type { TTestResult } from '@tocsin/contract/system-settings';
import {
  type TCreateWebhookBody,
  type TSavedWebhook,
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
import { generateSigningSecret, openWebhookEndpoint, pingWebhook, type TWebhookEndpoint } from '../delivery/channels/webhook';
import { checkOutboundUrl, getOutboundPolicy, verifyOutboundUrl } from '../delivery/outbound';
import { sealSecret } from '../delivery/secrets';
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

/** An endpoint as it will be saved, secrets in clear (sealed only when written). */
type Endpoint = { url: string; headerName: string | null; headerValue: string | null; signingSecret: string | null };

function assertHeaderComplete(endpoint: Endpoint, isUrlChanged = false) {
  if (endpoint.headerValue && !endpoint.headerName) {
    throw badRequest('header_name: Enter the name of the header that carries the header value', [
      { path: 'header_name', message: 'Enter the name of the header that carries the header value' },
    ]);
  }
  if (endpoint.headerName && !endpoint.headerValue) {
    const message = isUrlChanged
      ? 'Enter the header value again: a new URL does not take the stored one (or leave the header name empty)'
      : 'Enter the value of the extra header (or leave the header name empty)';
    throw badRequest(`header_value: ${message}`, [{ path: 'header_value', message }]);
  }
}

/** How long the check before saving may wait for DNS; the ping that follows checks again in any case. */
const VERIFY_TIMEOUT_MS = 5_000;

/**
 * The URL under the outbound policy, before anything is sent to it: an internal address is refused with a
 * 400 naming it and OUTBOUND_ALLOW. A name that does not resolve is left to the ping, which reports it.
 */
async function assertUrlAllowed(deps: Deps, url: string): Promise<void> {
  const policy = getOutboundPolicy(deps.env);
  const refuse = (message: string) => badRequest(`url: ${message}`, [{ path: 'url', message }]);
  const check = checkOutboundUrl(url, policy);
  if (!check.ok) throw refuse(check.message);
  try {
    const verdict = await verifyOutboundUrl(check.url, policy, {
      resolve: deps.resolveHost,
      signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
    });
    if (!verdict.ok && verdict.code !== 'host_not_found') throw refuse(verdict.message);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    // DNS did not answer in time: the ping checks (and reports) it.
  }
}

/**
 * Send a ping; throw (and so save nothing) unless the receiver accepted it. What the receiver answered is in
 * the message for superusers only; others read the status code and a short reason.
 */
async function assertPingAccepted(deps: Deps, caller: UserRow, endpoint: Endpoint) {
  const result = await pingWebhook(deps, endpoint);
  if (!result.ok) {
    const reason = caller.isSuperuser ? result.message : result.summary;
    throw new HttpError(400, 'ping_failed', `The endpoint did not accept the ping: ${reason}`, {
      response_code: result.responseCode ?? null,
    });
  }
}

/** A stored endpoint's secrets in clear, or a 400 asking for the one no key opens any more. */
function openStored(deps: Deps, webhook: WebhookRow): TWebhookEndpoint {
  const opened = openWebhookEndpoint(deps, webhook);
  if (!opened.ok) throw badRequest(opened.problem);
  return opened.endpoint;
}

function toStoredSecrets(deps: Deps, endpoint: Endpoint) {
  return { ...endpoint, headerValue: sealSecret(deps, endpoint.headerValue), signingSecret: sealSecret(deps, endpoint.signingSecret) };
}

/** Every new webhook is signed: with the secret given, or one Tocsin generates and shows this once. */
export async function createWebhook(deps: Deps, caller: UserRow, body: TCreateWebhookBody): Promise<TSavedWebhook> {
  const ownerId = await resolveOwner(deps, caller, body.owner_id, undefined);
  const name = body.name.trim();
  const generated = body.signing_secret ? null : generateSigningSecret();
  const endpoint: Endpoint = {
    url: body.url.trim(),
    headerName: body.header_name?.trim() || null,
    headerValue: body.header_value || null,
    signingSecret: body.signing_secret || generated,
  };
  assertHeaderComplete(endpoint);
  await assertNameFree(deps, name);
  await assertUrlAllowed(deps, endpoint.url);
  await assertPingAccepted(deps, caller, endpoint);
  let id: number;
  try {
    id = (
      await insertRow(deps.db, webhooks, { name, ...toStoredSecrets(deps, endpoint), ownerId, status: 'active', createdAt: deps.now() })
    ).id;
  } catch (error) {
    // Another request took the name while the ping was in flight.
    if (isUniqueViolation(error)) throw conflict(`A webhook named "${name}" already exists. Choose another name.`);
    throw error;
  }
  return { ...(await getWebhook(deps, caller, id)), new_signing_secret: generated };
}

/**
 * Edit a webhook; the edited endpoint is pinged first and nothing is saved if the ping fails. Secret fields:
 * omitted or null keep the stored value, an empty string clears it. A new URL drops the stored header value
 * (and with it the header) and the signing secret unless this request enters them again; the webhook then
 * gets a new generated signing secret, shown once in the answer.
 */
export async function updateWebhook(deps: Deps, caller: UserRow, id: number, body: TUpdateWebhookBody): Promise<TSavedWebhook> {
  const { webhook } = await getVisibleWebhook(deps, caller, id);
  const ownerId = await resolveOwner(deps, caller, body.owner_id, webhook.ownerId);
  const name = body.name?.trim() ?? webhook.name;
  const url = body.url?.trim() ?? webhook.url;
  const isUrlChanged = url !== webhook.url;
  const stored = isUrlChanged ? null : openStored(deps, webhook);

  let headerName = body.header_name === undefined ? webhook.headerName : body.header_name?.trim() || null;
  let headerValue: string | null;
  if (body.header_value != null) headerValue = body.header_value || null;
  else if (stored) headerValue = stored.headerValue ?? null;
  else {
    headerValue = null;
    // The stored header goes with its value, unless this request names it again (then its value is asked for).
    if (body.header_name === undefined) headerName = null;
  }
  // Without a header name there is no header, so its value goes too.
  if (!headerName) headerValue = null;

  let generated: string | null = null;
  let signingSecret: string | null;
  if (body.signing_secret != null) signingSecret = body.signing_secret || null;
  else if (stored) signingSecret = stored.signingSecret ?? null;
  else signingSecret = generated = generateSigningSecret();

  const endpoint: Endpoint = { url, headerName, headerValue, signingSecret };
  assertHeaderComplete(endpoint, isUrlChanged);
  await assertNameFree(deps, name, id);
  if (isUrlChanged) await assertUrlAllowed(deps, url);
  await assertPingAccepted(deps, caller, endpoint);
  try {
    await updateRows(deps.db, webhooks, { name, ...toStoredSecrets(deps, endpoint), ownerId }, eq(webhooks.id, id));
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A webhook named "${name}" already exists. Choose another name.`);
    throw error;
  }
  // A superuser may have handed the webhook to someone else; the superuser still sees it.
  return { ...(await getWebhook(deps, caller, id)), new_signing_secret: generated };
}

/** Deleting a webhook deletes its deliveries too (they have nowhere left to go). */
export async function deleteWebhook(deps: Deps, caller: UserRow, id: number): Promise<void> {
  await getVisibleWebhook(deps, caller, id);
  await deleteRows(deps.db, webhooks, eq(webhooks.id, id));
}

/** Its pending deliveries are due at once, and fail at the worker's next run with the reason. */
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

/**
 * Ping the stored endpoint now; the outcome is reported, not thrown, and the webhook is not changed. What the
 * receiver answered is shown to superusers only.
 */
export async function sendWebhookTest(deps: Deps, caller: UserRow, id: number): Promise<TTestResult> {
  const { webhook } = await getVisibleWebhook(deps, caller, id);
  const opened = openWebhookEndpoint(deps, webhook);
  if (!opened.ok) return { ok: false, message: opened.problem, response_code: null };
  const result = await pingWebhook(deps, opened.endpoint);
  return { ok: result.ok, message: caller.isSuperuser ? result.message : result.summary, response_code: result.responseCode ?? null };
}
