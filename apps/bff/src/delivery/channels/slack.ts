/**
 * The Slack channel, through the Slack Web API: chat.postMessage to the system channel (with the configured bot
 * name) or to a user's DM, found with users.lookupByEmail and cached on the user row until their Slack email
 * changes. `ok:false` answers are errors: ratelimited and Slack's own outages are transient, the rest permanent.
 */
import { eq } from 'drizzle-orm';
import type { Deps } from '../../app-context';
import { updateRows } from '../../db/rows';
import { users } from '../../db/schema';
import { describeDestinationRow, resolveDestinationTarget } from '../../destinations/targets';
import { classifyOutboundFailure, type TOutboundResponse } from '../outbound';
import { classifyHttpAnswer, parseRetryAfter, permanent, type TSendOutcome, toAnswerSnippet, transient } from '../outcome';
import { renderSlack, renderSlackMerged, type TSlackContent } from '../render';
import type { TSystemSettings } from '../settings';
import {
  describeOtherDestination,
  findUserTarget,
  LEASE_MARGIN_MS,
  resolveActiveUser,
  type TChannelAdapter,
  type TUserTarget,
  toTestResult,
} from './adapter';
import { getJson, postJson } from './http';

export const SLACK_TIMEOUT_MS = 15_000;

const TRANSIENT_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const ERROR_HINTS: Record<string, string> = {
  invalid_auth: 'the Slack token is not valid (System Settings → Slack token)',
  not_authed: 'no Slack token was accepted (System Settings → Slack token)',
  token_revoked: 'the Slack token was revoked',
  account_inactive: 'the Slack token belongs to a deactivated app or user',
  channel_not_found: 'the channel does not exist or the app cannot see it',
  not_in_channel: 'the Slack app is not a member of the channel (invite it, or add the chat:write.public scope)',
  is_archived: 'the channel is archived',
  users_not_found: 'no Slack user has this email address',
  missing_scope: 'the Slack app lacks a permission scope (see the app manifest in the Slack setup guide)',
  ratelimited: 'Slack is rate limiting the app',
};

type TSlackAnswer = { ok?: boolean; error?: string; user?: { id?: string }; channel?: string; ts?: string };

/** Slack's error codes are short snake_case words; anything else in the field is shown to superusers only. */
const SLACK_ERROR_CODE = /^[a-z0-9_.]{1,64}$/;

function describeSlackError(method: string, error: string, secrets: readonly string[]): { error: string; summary: string } {
  const isCode = SLACK_ERROR_CODE.test(error);
  const hint = isCode ? ERROR_HINTS[error] : undefined;
  const said = isCode ? error : toAnswerSnippet(error, secrets, 120);
  const full = `Slack ${method} answered ok:false, error "${said}"${hint ? `: ${hint}` : ''}.`;
  return { error: full, summary: isCode ? full : `Slack ${method} answered ok:false with an error.` };
}

/** One Web API call; returns the parsed answer or the failure to record. */
async function callSlack(
  deps: Deps,
  token: string,
  method: string,
  init: { query?: Record<string, string>; json?: unknown },
  signal?: AbortSignal,
): Promise<{ ok: true; answer: TSlackAnswer; status: number } | { ok: false; outcome: TSendOutcome }> {
  const base = deps.env.SLACK_API_URL.replace(/\/+$/, '');
  const url = new URL(`${base}/${method}`);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const authorization = `Bearer ${token}`;
  const opts = { timeoutMs: SLACK_TIMEOUT_MS, signal };
  let res: TOutboundResponse;
  try {
    res =
      init.json === undefined
        ? await getJson(deps, url, { ...opts, headers: { authorization } })
        : await postJson(deps, url, JSON.stringify(init.json), {
            ...opts,
            headers: { authorization, 'content-type': 'application/json; charset=utf-8' },
          });
  } catch (err) {
    return { ok: false, outcome: classifyOutboundFailure(err, `Slack (${method})`, SLACK_TIMEOUT_MS, [token]) };
  }
  return await readSlackAnswer(deps, method, res, [token]);
}

async function readSlackAnswer(
  deps: Deps,
  method: string,
  res: TOutboundResponse,
  secrets: string[],
): Promise<{ ok: true; answer: TSlackAnswer; status: number } | { ok: false; outcome: TSendOutcome }> {
  if (res.status === 429) {
    await res.body?.cancel();
    return {
      ok: false,
      outcome: transient(`Slack ${method} answered HTTP 429: ${ERROR_HINTS.ratelimited}.`, {
        responseCode: 429,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), deps.now()),
      }),
    };
  }
  if (!res.ok) return { ok: false, outcome: await classifyHttpAnswer(res, `Slack ${method}`, deps.now(), secrets) };
  if (res.isBodyTruncated) {
    return {
      ok: false,
      outcome: transient(`Slack ${method} answered HTTP ${res.status} with a body too large to read.`, { responseCode: res.status }),
    };
  }
  let answer: TSlackAnswer;
  try {
    answer = (await res.json()) as TSlackAnswer;
  } catch {
    return {
      ok: false,
      outcome: transient(`Slack ${method} answered HTTP ${res.status} with a body that is not JSON.`, { responseCode: res.status }),
    };
  }
  if (answer.ok !== true) {
    const error = typeof answer.error === 'string' ? answer.error : 'unknown_error';
    const described = describeSlackError(method, error, secrets);
    const extra = {
      summary: described.summary,
      responseCode: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), deps.now()),
    };
    return { ok: false, outcome: TRANSIENT_ERRORS.has(error) ? transient(described.error, extra) : permanent(described.error, extra) };
  }
  return { ok: true, answer, status: res.status };
}

const NO_SYSTEM_CHANNEL = 'No Slack channel is configured for system notifications (System Settings → Slack channel).';

/** Why Slack cannot be used with these settings, or null. */
export function findSlackConfigProblem(s: TSystemSettings): string | null {
  if (s.unreadableSecrets.includes('slackToken')) {
    return 'The stored Slack token cannot be decrypted with the current SECRET_KEY: enter it again in System Settings.';
  }
  if (!s.slackToken.trim()) return 'No Slack token is configured (System Settings → Slack token).';
  return null;
}

/** chat.postMessage to a channel name/id or a user id (a DM). `username` renames the bot (needs chat:write.customize). */
export async function postSlackMessage(
  deps: Deps,
  settings: TSystemSettings,
  channel: string,
  content: Pick<TSlackContent, 'text' | 'blocks'>,
  opts: { username?: string; signal?: AbortSignal } = {},
): Promise<TSendOutcome> {
  const problem = findSlackConfigProblem(settings);
  if (problem) return permanent(problem);
  const body: Record<string, unknown> = { channel, text: content.text, blocks: content.blocks, unfurl_links: false };
  if (opts.username) body.username = opts.username;
  const result = await callSlack(deps, settings.slackToken, 'chat.postMessage', { json: body }, opts.signal);
  if (!result.ok) return result.outcome;
  return { ok: true, responseCode: result.status, detail: `ts ${result.answer.ts ?? '?'} in ${result.answer.channel ?? channel}` };
}

/** The system Slack channel with the configured bot name. */
export async function sendSlackToSystemChannel(
  deps: Deps,
  settings: TSystemSettings,
  content: TSlackContent,
  signal?: AbortSignal,
): Promise<TSendOutcome> {
  if (!settings.slackChannel.trim()) return permanent(NO_SYSTEM_CHANNEL);
  return postSlackMessage(deps, settings, settings.slackChannel.trim(), content, {
    username: settings.slackUsername.trim() || undefined,
    signal,
  });
}

type TSlackUser = Pick<TUserTarget, 'id' | 'username' | 'slackEmail' | 'slackUserId' | 'slackUserIdEmail'>;

/**
 * The user's Slack id: the cached one while their Slack email is the one it was found for,
 * otherwise users.lookupByEmail (and the cache is updated).
 */
export async function resolveSlackUserId(
  deps: Deps,
  settings: TSystemSettings,
  user: TSlackUser,
  signal?: AbortSignal,
): Promise<{ ok: true; slackUserId: string; cached: boolean } | { ok: false; outcome: TSendOutcome }> {
  const email = user.slackEmail?.trim();
  if (!email) {
    return {
      ok: false,
      outcome: permanent(
        `${user.username} has no Slack email address (Profile → Additional Contact Information), so no Slack DM was sent.`,
      ),
    };
  }
  if (user.slackUserId && user.slackUserIdEmail === email) return { ok: true, slackUserId: user.slackUserId, cached: true };
  const problem = findSlackConfigProblem(settings);
  if (problem) return { ok: false, outcome: permanent(problem) };
  const result = await callSlack(deps, settings.slackToken, 'users.lookupByEmail', { query: { email } }, signal);
  if (!result.ok) {
    const o = result.outcome;
    if (!o.ok && o.kind === 'permanent' && o.error.includes('"users_not_found"')) {
      return {
        ok: false,
        outcome: permanent(`No Slack user has the email address ${email} (set for ${user.username}); Slack answered users_not_found.`, {
          responseCode: o.responseCode,
        }),
      };
    }
    return result;
  }
  const slackUserId = result.answer.user?.id;
  if (!slackUserId) return { ok: false, outcome: transient('Slack users.lookupByEmail answered ok:true without a user id.') };
  await updateRows(deps.db, users, { slackUserId, slackUserIdEmail: email }, eq(users.id, user.id));
  return { ok: true, slackUserId, cached: false };
}

/** A personal notification: a DM to the user's Slack account. */
export async function sendSlackToUser(
  deps: Deps,
  settings: TSystemSettings,
  user: TSlackUser,
  content: TSlackContent,
  signal?: AbortSignal,
): Promise<TSendOutcome> {
  const resolved = await resolveSlackUserId(deps, settings, user, signal);
  if (!resolved.ok) return resolved.outcome;
  const outcome = await postSlackMessage(deps, settings, resolved.slackUserId, content, { signal });
  if (!outcome.ok && resolved.cached && outcome.error.includes('"channel_not_found"')) {
    // The cached id went stale (account removed or re-created): look it up again on the next attempt.
    await updateRows(deps.db, users, { slackUserId: null, slackUserIdEmail: null }, eq(users.id, user.id));
    return transient(`${outcome.error} The cached Slack user id was dropped; it is looked up again on the next attempt.`, {
      responseCode: outcome.responseCode,
    });
  }
  return outcome;
}

/** A system notification goes to the configured channel under the bot name, a personal one to the user's DM. */
export const slackChannel: TChannelAdapter<
  { kind: 'system' } | { kind: 'user'; user: TUserTarget } | { kind: 'destination'; channel: string },
  TSlackContent
> = {
  channel: 'slack',
  notice: { words: 'Slack', source: 'Slack Notification', icon: 'slack' },

  render: (event, context, settings) => renderSlack(event, context, settings),
  renderMerged: (items, settings) => renderSlackMerged(items, settings),

  async resolveTarget(deps, row) {
    if (row.targetKind === 'system') return { ok: true, target: { kind: 'system' } };
    if (row.targetKind === 'destination') {
      const destination = await resolveDestinationTarget(deps, row, 'slack');
      return destination.ok ? { ok: true, target: { kind: 'destination', channel: destination.target.channel } } : destination;
    }
    if (row.targetKind !== 'user')
      return { ok: false, outcome: permanent(`A Slack delivery cannot go to a "${row.targetKind}" destination.`) };
    const user = await resolveActiveUser(deps, row.userId);
    return user.ok ? { ok: true, target: { kind: 'user', user: user.target } } : user;
  },

  send(deps, { target, content }, ctx) {
    if (target.kind === 'system') return sendSlackToSystemChannel(deps, ctx.settings, content, ctx.signal);
    // A destination's channel, through the system Slack app (its token and bot name).
    if (target.kind === 'destination') {
      return postSlackMessage(deps, ctx.settings, target.channel, content, {
        username: ctx.settings.slackUsername.trim() || undefined,
        signal: ctx.signal,
      });
    }
    return sendSlackToUser(deps, ctx.settings, target.user, content, ctx.signal);
  },

  async sendTest(deps, { settings, event, context, render }, target) {
    const channel = (target.to ?? settings.slackChannel).trim();
    if (!channel) return { ok: false, message: 'No Slack channel is configured (System Settings → Slack channel).' };
    const outcome = await postSlackMessage(deps, settings, channel, renderSlack(event, context, render), {
      username: settings.slackUsername.trim() || undefined,
    });
    return toTestResult(outcome, `A test message was posted to ${channel} in Slack.`);
  },

  async describeDestination(deps, row, settings) {
    if (row.targetKind === 'system') return `the system Slack channel${settings.slackChannel ? ` (${settings.slackChannel})` : ''}`;
    if (row.targetKind === 'destination') return describeDestinationRow(deps, row);
    if (row.targetKind !== 'user') return describeOtherDestination(deps, row);
    const user = await findUserTarget(deps, row.userId);
    return `${user?.username ?? `user ${row.userId}`}'s Slack DM${user?.slackEmail ? ` (${user.slackEmail})` : ''}`;
  },

  findConfigProblems(settings) {
    const problems: string[] = [];
    const token = findSlackConfigProblem(settings);
    if (token) problems.push(token);
    if (!settings.slackChannel.trim()) problems.push(NO_SYSTEM_CHANNEL);
    return problems;
  },

  // users.lookupByEmail, then chat.postMessage.
  leaseMs: () => 2 * SLACK_TIMEOUT_MS + LEASE_MARGIN_MS,
};
