/** The Microsoft Teams channel: an Adaptive Card message posted to the channel's incoming webhook (system notifications only). */
import { classifyFetchError, classifyHttpFailure, clip, permanent, requestSignal, type TSendOutcome, transient } from '../outcome';
import { renderTeams, type TTeamsContent, type TTeamsMessage } from '../render';
import type { TSystemSettings } from '../settings';
import { describeOtherDestination, LEASE_MARGIN_MS, type TChannelAdapter, toTestResult } from './adapter';
import { postJson } from './http';

export const TEAMS_TIMEOUT_MS = 15_000;

export function findTeamsConfigProblem(s: TSystemSettings): string | null {
  if (!s.msteamsUrl.trim()) return 'No Microsoft Teams webhook URL is configured (System Settings → Msteams url).';
  return null;
}

const PERSONAL_TEAMS = 'Microsoft Teams only has a shared channel: personal Teams notifications are never sent.';

export async function postTeamsMessage(
  settings: TSystemSettings,
  message: TTeamsMessage,
  opts: { now: number; signal?: AbortSignal },
): Promise<TSendOutcome> {
  const problem = findTeamsConfigProblem(settings);
  if (problem) return permanent(problem);
  const request = requestSignal(TEAMS_TIMEOUT_MS, opts.signal);
  try {
    let res: Response;
    try {
      res = await postJson(settings.msteamsUrl.trim(), JSON.stringify(message), { signal: request.signal });
    } catch (err) {
      return classifyFetchError(err, 'the Microsoft Teams webhook', TEAMS_TIMEOUT_MS);
    }
    if (!res.ok) return await classifyHttpFailure(res, 'The Microsoft Teams webhook', opts.now);
    const body = clip(await res.text().catch(() => ''));
    // Legacy connector URLs answer 200 with an error text when Teams itself refused the message.
    const refused = /delivery failed with error.*?HTTP error (\d{3})/i.exec(body);
    if (refused) {
      const code = Number(refused[1]);
      const text = `The Microsoft Teams webhook accepted the request but Teams refused the message: ${body}`;
      return code === 429 || code >= 500 ? transient(text, { responseCode: code }) : permanent(text, { responseCode: code });
    }
    return { ok: true, responseCode: res.status, detail: body || undefined };
  } finally {
    request.done();
  }
}

/** Teams has one shared channel, configured in System Settings: no personal destinations. */
export const msteamsChannel: TChannelAdapter<null, TTeamsContent> = {
  channel: 'msteams',
  notice: { words: 'Microsoft Teams', source: 'Microsoft Teams Notification', icon: 'msteams' },

  render: (event, context, settings) => renderTeams(event, context, settings),

  async resolveTarget(_deps, row) {
    if (row.targetKind !== 'system') return { ok: false, outcome: permanent(PERSONAL_TEAMS) };
    return { ok: true, target: null };
  },

  send: (deps, { content }, ctx) => postTeamsMessage(ctx.settings, content.message, { now: deps.now(), signal: ctx.signal }),

  async sendTest(deps, { settings, event, context, render }) {
    const outcome = await postTeamsMessage(settings, renderTeams(event, context, render).message, { now: deps.now() });
    return toTestResult(outcome, 'A test card was posted to the Microsoft Teams channel.');
  },

  async describeDestination(deps, row) {
    return row.targetKind === 'system' ? 'the Microsoft Teams channel' : describeOtherDestination(deps, row);
  },

  findConfigProblems(settings) {
    const problem = findTeamsConfigProblem(settings);
    return problem ? [problem] : [];
  },

  leaseMs: () => TEAMS_TIMEOUT_MS + LEASE_MARGIN_MS,
};
