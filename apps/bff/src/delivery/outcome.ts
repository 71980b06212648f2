/**
 * What a channel adapter answers after one attempt, and the shared rules that turn HTTP answers
 * and network errors into "transient" (retry with backoff) or "permanent" (give up now).
 */
import fs from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { toSafeSnippet } from '../lib/text';

export type TSendOutcome =
  | { ok: true; responseCode?: number; detail?: string }
  | {
      ok: false;
      /** transient: retried with backoff; permanent: never retried. */
      kind: 'transient' | 'permanent';
      /** The whole reason, with what the receiver answered (secrets redacted): shown to superusers. */
      error: string;
      /**
       * The reason without the receiver's words (its body, its redirect target, its server banner), for
       * everyone else: the status code and a short reason. Absent when `error` holds none of them.
       */
      summary?: string;
      responseCode?: number;
      /** The peer asked us to wait this long (HTTP Retry-After, Slack 429). */
      retryAfterMs?: number;
      /** Webhooks only: the failure counts against the endpoint's health (network, 5xx, 429, 4xx). */
      isEndpointFailure?: boolean;
      /**
       * The destination rests until then (a webhook after an error): the retry, and every other delivery
       * waiting for it, is due no sooner.
       */
      restUntil?: number;
    };

export type TFailure = Extract<TSendOutcome, { ok: false }>;

export const transient = (error: string, extra: Partial<TFailure> = {}): TSendOutcome => ({
  ok: false,
  kind: 'transient',
  error,
  ...extra,
});

export const permanent = (error: string, extra: Partial<TFailure> = {}): TSendOutcome => ({
  ok: false,
  kind: 'permanent',
  error,
  ...extra,
});

/** The failure as a person who is not a superuser may read it. */
export const summaryOf = (failure: Pick<TFailure, 'error' | 'summary'>): string => failure.summary ?? failure.error;

/** Secrets a receiver might echo back, in clear: they are redacted from every text kept or shown. */
export type TSecrets = readonly (string | null | undefined)[];

/** A receiver's words as one short line for the log: secrets redacted first, then respaced and cut. */
export const toAnswerSnippet = (text: string, secrets: TSecrets, max = 300) => toSafeSnippet(text, { secrets, max });

/** The standard reason phrase of an HTTP status (the receiver's own phrase is its words, not ours). */
export function describeHttpStatus(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `HTTP ${status} ${phrase}` : `HTTP ${status}`;
}

const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export const USER_AGENT = `Tocsin/${VERSION}`;

/** Retry-After is either seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * A non-2xx HTTP answer: 5xx and 429 are transient, other 4xx permanent. The receiver's body is quoted in
 * `error` (secrets redacted first, then one short line).
 */
export async function classifyHttpFailure(res: Response, what: string, now: number, secrets: TSecrets = []): Promise<TSendOutcome> {
  let body = '';
  try {
    body = toAnswerSnippet(await res.text(), secrets);
  } catch {
    // the body is only for the log
  }
  const phrase = res.statusText ? toAnswerSnippet(res.statusText, secrets, 100) : '';
  const message = `${what} answered HTTP ${res.status}${phrase ? ` ${phrase}` : ''}${body ? `: ${body}` : ''}`;
  if (res.status === 429 || res.status >= 500) {
    return transient(message, {
      responseCode: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now),
      isEndpointFailure: true,
    });
  }
  return permanent(message, { responseCode: res.status, isEndpointFailure: true });
}

/**
 * classifyHttpFailure with the summary others may read: the status and its standard phrase, never the
 * receiver's body or its own reason phrase ("The webhook answered HTTP 500 Internal Server Error.").
 */
export async function classifyHttpAnswer(res: Response, what: string, now: number, secrets: TSecrets = []): Promise<TSendOutcome> {
  const outcome = await classifyHttpFailure(res, what, now, secrets);
  return outcome.ok ? outcome : { ...outcome, summary: `${what} answered ${describeHttpStatus(res.status)}.` };
}

/** fetch() threw: a timeout, a refused or reset connection, a DNS failure, or a bad URL. */
export function classifyFetchError(err: unknown, what: string, timeoutMs: number, secrets: TSecrets = []): TSendOutcome {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') {
    return transient(`${what} did not answer within ${Math.round(timeoutMs / 100) / 10} s (timed out).`, { isEndpointFailure: true });
  }
  if (e?.name === 'AbortError') return transient(`The request to ${what} was cancelled (Tocsin is stopping).`);
  const code = e?.cause?.code;
  const detail = toAnswerSnippet(e?.cause?.message ?? e?.message ?? String(err), secrets, 200);
  if (e?.name === 'TypeError' && !code && /invalid url|failed to parse url/i.test(detail)) {
    return permanent(`The URL of ${what} is not valid: ${detail}`, { summary: `The URL of ${what} is not valid.` });
  }
  const hint =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
        ? 'connection reset'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host name not found'
          : code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT'
            ? 'connection timed out'
            : 'network error';
  const reason = `Could not reach ${what} (${hint}${code && /^[A-Z_]{1,40}$/.test(code) ? `, ${code}` : ''})`;
  return transient(`${reason}: ${detail}`, { summary: `${reason}.`, isEndpointFailure: true });
}

/**
 * A signal that aborts after `timeoutMs` (reason: a TimeoutError) or when `parent` aborts, and whose
 * timer and listener are released by `done()` as soon as the request is over. Cheaper than
 * AbortSignal.timeout + AbortSignal.any, whose timers and links outlive a fast request.
 */
export function requestSignal(timeoutMs: number, parent?: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
