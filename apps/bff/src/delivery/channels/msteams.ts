/** Microsoft Teams: an Adaptive Card message posted to the channel's incoming webhook (system notifications only). */
import { classifyFetchError, classifyHttpFailure, clip, permanent, requestSignal, type TSendOutcome, transient } from '../outcome';
import type { TTeamsMessage } from '../render';
import type { TSystemSettings } from '../settings';

export const TEAMS_TIMEOUT_MS = 15_000;

export function findTeamsConfigProblem(s: TSystemSettings): string | null {
  if (!s.msteamsUrl.trim()) return 'No Microsoft Teams webhook URL is configured (System Settings → Msteams url).';
  return null;
}

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
      res = await fetch(settings.msteamsUrl.trim(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: request.signal,
      });
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
