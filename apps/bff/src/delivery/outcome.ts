/**
 * What a channel adapter answers after one attempt, and the shared rules that turn HTTP answers
 * and network errors into "transient" (retry with backoff) or "permanent" (give up now).
 */
import fs from 'node:fs';

export type TSendOutcome =
  | { ok: true; responseCode?: number; detail?: string }
  | {
      ok: false;
      /** transient: retried with backoff; permanent: never retried. */
      kind: 'transient' | 'permanent';
      error: string;
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

export const transient = (error: string, extra: Partial<Extract<TSendOutcome, { ok: false }>> = {}): TSendOutcome => ({
  ok: false,
  kind: 'transient',
  error,
  ...extra,
});

export const permanent = (error: string, extra: Partial<Extract<TSendOutcome, { ok: false }>> = {}): TSendOutcome => ({
  ok: false,
  kind: 'permanent',
  error,
  ...extra,
});

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

/** Keep provider answers short in the delivery log. */
export function clip(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** A non-2xx HTTP answer: 5xx and 429 are transient, other 4xx permanent. */
export async function classifyHttpFailure(res: Response, what: string, now: number): Promise<TSendOutcome> {
  let body = '';
  try {
    body = clip(await res.text());
  } catch {
    // the body is only for the log
  }
  const message = `${what} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${body ? `: ${body}` : ''}`;
  if (res.status === 429 || res.status >= 500) {
    return transient(message, {
      responseCode: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now),
      isEndpointFailure: true,
    });
  }
  return permanent(message, { responseCode: res.status, isEndpointFailure: true });
}

/** fetch() threw: a timeout, a refused or reset connection, a DNS failure, or a bad URL. */
export function classifyFetchError(err: unknown, what: string, timeoutMs: number): TSendOutcome {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') {
    return transient(`${what} did not answer within ${Math.round(timeoutMs / 100) / 10} s (timed out).`, { isEndpointFailure: true });
  }
  if (e?.name === 'AbortError') return transient(`The request to ${what} was cancelled (Tocsin is stopping).`);
  const code = e?.cause?.code;
  const detail = e?.cause?.message ?? e?.message ?? String(err);
  if (e?.name === 'TypeError' && !code && /invalid url|failed to parse url/i.test(detail)) {
    return permanent(`The URL of ${what} is not valid: ${detail}`);
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
  return transient(`Could not reach ${what} (${hint}${code ? `, ${code}` : ''}): ${clip(detail, 200)}`, { isEndpointFailure: true });
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
