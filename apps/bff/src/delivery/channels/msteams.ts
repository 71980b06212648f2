/**
 * The Microsoft Teams channel (system notifications only): an Adaptive Card in a `message` posted to a Teams
 * Workflows webhook ("When a Teams webhook request is received" → "Post card in a chat or channel"), which
 * answers 202 Accepted and posts the card a moment later. The URL carries its credential (the `sig=` query
 * parameter): it is stored sealed and redacted, whole and by its `sig`, from everything kept of an answer.
 */

import type { Deps } from '../../app-context';
import { describeDestinationRow, resolveDestinationTarget } from '../../destinations/targets';
import { redactSecrets } from '../../lib/text';
import { classifyOutboundFailure } from '../outbound';
import { classifyHttpAnswer, permanent, type TSecrets, type TSendOutcome, toAnswerSnippet, transient } from '../outcome';
import { renderTeams, renderTeamsMerged, type TTeamsContent, type TTeamsMessage } from '../render';
import type { TSystemSettings } from '../settings';
import { describeOtherDestination, LEASE_MARGIN_MS, type TChannelAdapter, toTestResult } from './adapter';
import { postJson } from './http';

export const TEAMS_TIMEOUT_MS = 15_000;

export function findTeamsConfigProblem(s: TSystemSettings): string | null {
  if (s.unreadableSecrets.includes('msteamsUrl')) {
    return 'The stored Teams Workflows webhook URL cannot be decrypted with the current SECRET_KEY: enter it again in System Settings.';
  }
  if (!s.msteamsUrl.trim()) return 'No Teams Workflows webhook URL is configured (System Settings → Teams Workflows webhook URL).';
  return null;
}

/** The Workflows URL and its `sig` credential: a receiver echoing either must not put it in the log. */
export function teamsSecretsOf(url: string): string[] {
  const secrets = [url];
  try {
    const sig = new URL(url).searchParams.get('sig');
    if (sig) secrets.push(sig);
  } catch {
    // not a URL: the whole text is the only form
  }
  return secrets;
}

/** The settings with another Workflows URL (a destination's): the same post, to that flow. */
export function withTeamsUrl(settings: TSystemSettings, url: string): TSystemSettings {
  return { ...settings, msteamsUrl: url, unreadableSecrets: settings.unreadableSecrets.filter((s) => s !== 'msteamsUrl') };
}

const PERSONAL_TEAMS = 'Microsoft Teams only has a shared channel: personal Teams notifications are never sent.';

export async function postTeamsMessage(
  deps: Pick<Deps, 'env' | 'resolveHost' | 'now'>,
  settings: TSystemSettings,
  message: TTeamsMessage,
  opts: { signal?: AbortSignal },
): Promise<TSendOutcome> {
  const problem = findTeamsConfigProblem(settings);
  if (problem) return permanent(problem);
  const url = settings.msteamsUrl.trim();
  const secrets: TSecrets = teamsSecretsOf(url);
  let res: Response;
  try {
    res = await postJson(deps, url, JSON.stringify(message), { timeoutMs: TEAMS_TIMEOUT_MS, signal: opts.signal });
  } catch (err) {
    return redactOutcome(classifyOutboundFailure(err, 'the Teams Workflows webhook', TEAMS_TIMEOUT_MS, secrets), secrets);
  }
  if (!res.ok) return redactOutcome(await classifyHttpAnswer(res, 'The Teams Workflows webhook', deps.now(), secrets), secrets);
  // A Workflows trigger answers 202: the flow runs after the answer, so Teams has accepted the card, not shown it yet.
  if (res.status === 202) return { ok: true, responseCode: 202, detail: 'accepted by Teams' };
  const body = toAnswerSnippet(await res.text().catch(() => ''), secrets);
  // Retired Office 365 connector URLs answered 200 with an error text when Teams itself refused the message.
  const refused = /delivery failed with error.*?HTTP error (\d{3})/i.exec(body);
  if (refused) {
    const code = Number(refused[1]);
    const summary = `The Teams webhook accepted the request but Teams refused the message (HTTP ${code}).`;
    const text = `The Teams webhook accepted the request but Teams refused the message: ${body}`;
    const extra = { responseCode: code, summary };
    return code === 429 || code >= 500 ? transient(text, extra) : permanent(text, extra);
  }
  return { ok: true, responseCode: res.status, detail: body || undefined };
}

/** The URL's parts may also appear in a network error's text; they never reach the log. */
function redactOutcome(outcome: TSendOutcome, secrets: TSecrets): TSendOutcome {
  if (outcome.ok) return outcome;
  return {
    ...outcome,
    error: redactSecrets(outcome.error, secrets),
    ...(outcome.summary === undefined ? {} : { summary: redactSecrets(outcome.summary, secrets) }),
  };
}

/** Teams has one shared channel, configured in System Settings: no personal destinations. */
export const msteamsChannel: TChannelAdapter<null | { url: string }, TTeamsContent> = {
  channel: 'msteams',
  notice: { words: 'Microsoft Teams', source: 'Microsoft Teams Notification', icon: 'msteams' },

  render: (event, context, settings) => renderTeams(event, context, settings),
  renderMerged: (items, settings) => renderTeamsMerged(items, settings),

  async resolveTarget(deps, row) {
    if (row.targetKind === 'destination') {
      const destination = await resolveDestinationTarget(deps, row, 'msteams');
      return destination.ok ? { ok: true, target: { url: destination.target.url } } : destination;
    }
    if (row.targetKind !== 'system') return { ok: false, outcome: permanent(PERSONAL_TEAMS) };
    return { ok: true, target: null };
  },

  send: (deps, { target, content }, ctx) =>
    postTeamsMessage(deps, target === null ? ctx.settings : withTeamsUrl(ctx.settings, target.url), content.message, {
      signal: ctx.signal,
    }),

  async sendTest(deps, { settings, event, context, render }) {
    const outcome = await postTeamsMessage(deps, settings, renderTeams(event, context, render).message, {});
    const posted =
      outcome.ok && outcome.responseCode === 202
        ? 'Teams accepted the test card (HTTP 202): the workflow posts it to its chat or channel in a moment.'
        : 'A test card was posted to the Microsoft Teams channel.';
    return toTestResult(outcome, posted);
  },

  async describeDestination(deps, row) {
    if (row.targetKind === 'destination') return describeDestinationRow(deps, row);
    return row.targetKind === 'system' ? 'the Microsoft Teams channel' : describeOtherDestination(deps, row);
  },

  findConfigProblems(settings) {
    const problem = findTeamsConfigProblem(settings);
    return problem ? [problem] : [];
  },

  leaseMs: () => TEAMS_TIMEOUT_MS + LEASE_MARGIN_MS,
};
