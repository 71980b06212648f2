/**
 * The only way Tocsin opens outbound connections (webhooks, Teams, Slack, SMTP). A destination a
 * user typed is checked against the address policy (address-policy.ts) and then connected to at
 * exactly the address that was checked:
 * - the host is resolved once, every address it resolves to must pass, and the connection is pinned
 *   to those addresses (undici's connector gets a `lookup` that answers only with them), so a DNS
 *   answer that changes between the check and the connection (DNS rebinding) cannot reach inside;
 *   the Host header, TLS SNI and certificate checks still use the host name of the URL;
 * - redirects are never followed (a 3xx is a refusal), and at most `maxResponseBytes` of an answer
 *   are read, so a hostile receiver can neither bounce Tocsin inside nor exhaust its memory.
 */
import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Env } from '../env';
import {
  describeAddressClass,
  describeAddressReason,
  formatAddressOf,
  isHostAllowlisted,
  judgeAddress,
  normalizeHostName,
  parseOutboundAllow,
  type TAddressClass,
  type TOutboundPolicy,
} from './address-policy';
import { classifyFetchError, permanent, requestSignal, type TSecrets, type TSendOutcome, toAnswerSnippet } from './outcome';

export type TResolvedAddress = { address: string; family: 4 | 6 };
/** Every address a host name resolves to; injectable so tests can make `evil.test` mean anything. */
export type TResolveHost = (hostname: string) => Promise<TResolvedAddress[]>;

export type TOutboundRefusalCode =
  | 'invalid_url'
  | 'invalid_host'
  | 'scheme_refused'
  | 'credentials_refused'
  | 'address_refused'
  | 'redirect_refused';

/** Tocsin would not (or will not again) connect: the URL or its answer breaks the policy. Permanent: retrying cannot help. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  readonly isPermanent = true;
  constructor(
    readonly code: TOutboundRefusalCode,
    message: string,
    /** The HTTP status that was refused (redirects). */
    readonly responseCode?: number,
    /** Where a refused redirect pointed: the receiver's words, kept out of the message (superusers may read it). */
    readonly location?: string,
  ) {
    super(message);
  }
}

export type TOutboundCheck = { ok: true; url: URL } | { ok: false; code: TOutboundRefusalCode; message: string };
/** verifyOutboundUrl also says when the host name does not resolve. */
export type TOutboundVerification = TOutboundCheck | { ok: false; code: 'host_not_found'; message: string };

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** undici's own connect timeout; a shorter request deadline (timeoutMs) wins and raises a TimeoutError. */
const CONNECT_TIMEOUT_MS = 10_000;
const POLICY_HINT_HOST = 'Tocsin does not connect to internal addresses unless OUTBOUND_ALLOW lists the host.';
const POLICY_HINT_ADDRESS = 'Tocsin does not connect to internal addresses unless OUTBOUND_ALLOW lists that address.';

export function createOutboundPolicy(env: Pick<Env, 'OUTBOUND_ALLOW'>): TOutboundPolicy {
  return parseOutboundAllow(env.OUTBOUND_ALLOW);
}

const policies = new WeakMap<object, TOutboundPolicy>();

/** The installation's policy, parsed once per env (every Deps made from one env shares it). */
export function getOutboundPolicy(env: Pick<Env, 'OUTBOUND_ALLOW'>): TOutboundPolicy {
  let policy = policies.get(env);
  if (!policy) {
    policy = createOutboundPolicy(env);
    policies.set(env, policy);
  }
  return policy;
}

export const resolveWithSystemDns: TResolveHost = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** The IP address a URL host (as the URL parser normalised it) is written as, or null for a name. */
function literalAddressOf(hostname: string): string | null {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1);
  return net.isIPv4(hostname) ? hostname : null;
}

/** RFC 6761: these names always mean this machine, so they are judged before any lookup. */
function isLocalhostName(hostname: string): boolean {
  const name = normalizeHostName(hostname);
  return name === 'localhost' || name.endsWith('.localhost');
}

function refuseLiteral(judged: Extract<TAddressClass, { isPublic: false }>, what: string): OutboundRefusedError {
  return new OutboundRefusedError('address_refused', `${what} points at ${describeAddressClass(judged)}; ${POLICY_HINT_ADDRESS}`);
}

/** The URL, or the refusal of the syntactic checks (see checkOutboundUrl). */
function parseOutboundUrl(input: string | URL, policy: TOutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new OutboundRefusedError('invalid_url', 'This is not a valid URL; it should look like https://hooks.example.com/path.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundRefusedError('scheme_refused', `Only http:// and https:// URLs are allowed, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw new OutboundRefusedError(
      'credentials_refused',
      'The URL contains a user name or password; remove it, and send credentials in a header instead.',
    );
  }
  const literal = literalAddressOf(url.hostname);
  if (literal !== null) {
    const judged = judgeAddress(policy, literal, { isHostAllowlisted: false });
    if (!judged.isAllowed) throw refuseLiteral(judged.class, 'The URL');
  } else if (isLocalhostName(url.hostname) && !isHostAllowlisted(policy, url.hostname)) {
    throw new OutboundRefusedError(
      'address_refused',
      `${url.hostname} always means this machine (a loopback address); ${POLICY_HINT_HOST}`,
    );
  }
  return url;
}

/**
 * Syntactic checks, for form validation and as the first step of every connection: http(s) only,
 * no credentials in the URL, and a host written as an IP address (in any spelling the URL parser
 * accepts: 127.1, 2130706433, 0x7f.0.0.1, [::ffff:7f00:1], …) judged at once. Host names are judged
 * by verifyOutboundUrl / resolveOutboundUrl, which resolve them.
 */
export function checkOutboundUrl(input: string | URL, policy: TOutboundPolicy): TOutboundCheck {
  try {
    return { ok: true, url: parseOutboundUrl(input, policy) };
  } catch (err) {
    if (err instanceof OutboundRefusedError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

type TResolveOptions = { resolve?: TResolveHost; signal?: AbortSignal };

/**
 * Resolve a host name once and judge every address. Throws OutboundRefusedError when any address is
 * refused; a failed lookup is thrown the way fetch reports it (a TypeError whose cause has the DNS
 * error code), so classifyFetchError calls it "host name not found" and retries it.
 */
async function resolveAndJudge(
  hostname: string,
  policy: TOutboundPolicy,
  what: string,
  opts: TResolveOptions,
): Promise<TResolvedAddress[]> {
  const literal = literalAddressOf(hostname);
  if (literal !== null) {
    const judged = judgeAddress(policy, literal, { isHostAllowlisted: false });
    if (!judged.isAllowed) throw refuseLiteral(judged.class, what || 'The URL');
    return [{ address: literal, family: net.isIPv6(literal) ? 6 : 4 }];
  }
  let addresses: TResolvedAddress[];
  try {
    addresses = await raceSignal((opts.resolve ?? resolveWithSystemDns)(hostname), opts.signal);
  } catch (err) {
    if (opts.signal?.aborted && err === opts.signal.reason) throw err;
    throw new TypeError(`Could not resolve ${hostname}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (addresses.length === 0) {
    throw new TypeError(`Could not resolve ${hostname}: no addresses`, {
      cause: Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }),
    });
  }
  const isListed = isHostAllowlisted(policy, hostname);
  const refused = addresses
    .map((a) => judgeAddress(policy, a.address, { isHostAllowlisted: isListed }))
    .flatMap((j) => (j.isAllowed ? [] : [j.class]));
  if (refused.length > 0) {
    const name = `${what ? `${what} ` : ''}${normalizeHostName(hostname)}`;
    const message =
      addresses.length === 1
        ? `${name} resolves to ${describeAddressClass(refused[0]!)}; ${POLICY_HINT_HOST}`
        : `${name} resolves to ${addresses.length} addresses (${addresses.map((a) => a.address).join(', ')}), and ${refused
            .map((c) => `${formatAddressOf(c)} is ${describeAddressReason(c)}`)
            .join('; ')}; ${POLICY_HINT_HOST}`;
    throw new OutboundRefusedError('address_refused', message);
  }
  // The family comes from the address itself, so a resolver's mislabelled answer cannot confuse net.connect.
  return addresses.map((a) => ({ address: a.address, family: net.isIPv6(a.address) ? 6 : 4 }));
}

export type TOutboundTarget = { url: URL; addresses: TResolvedAddress[] };

/** Check a URL and resolve its host: the addresses returned are the only ones Tocsin will connect to for it. */
export async function resolveOutboundUrl(
  input: string | URL,
  policy: TOutboundPolicy,
  opts: TResolveOptions = {},
): Promise<TOutboundTarget> {
  const url = parseOutboundUrl(input, policy);
  const addresses = await resolveAndJudge(url.hostname, policy, '', opts);
  return { url, addresses };
}

/** For a form before saving: the full check (including DNS) as an answer, never a throw (except for an abort of `signal`). */
export async function verifyOutboundUrl(
  input: string | URL,
  policy: TOutboundPolicy,
  opts: TResolveOptions = {},
): Promise<TOutboundVerification> {
  const check = checkOutboundUrl(input, policy);
  if (!check.ok) return check;
  try {
    await resolveAndJudge(check.url.hostname, policy, '', opts);
    return check;
  } catch (err) {
    if (err instanceof OutboundRefusedError) return { ok: false, code: err.code, message: err.message };
    if (opts.signal?.aborted) throw err;
    const code = (err as { cause?: { code?: unknown } }).cause?.code;
    return {
      ok: false,
      code: 'host_not_found',
      message: `Could not find the address of ${check.url.hostname}${typeof code === 'string' ? ` (${code})` : ''}; check the host name.`,
    };
  }
}

/**
 * A `lookup` for net/tls.connect that answers only with the checked addresses: undici calls it in
 * place of a DNS query, so the connection goes where the check looked and nowhere else.
 */
function pinLookup(hostname: string, addresses: readonly TResolvedAddress[]): LookupFunction {
  return (name, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const candidates = addresses.filter((a) => !family || a.family === family);
    setImmediate(() => {
      if (name !== hostname || candidates.length === 0) {
        const err = Object.assign(new Error(`${name} has no checked address to connect to (pinned to ${hostname})`), { code: 'ENOTFOUND' });
        callback(err, '', 0);
      } else if (options.all) {
        callback(
          null,
          candidates.map((a) => ({ address: a.address, family: a.family })),
        );
      } else {
        callback(null, candidates[0]!.address, candidates[0]!.family);
      }
    });
  };
}

type TPinnedAgent = { key: string; agent: Agent; users: number; isEvicted: boolean };

/** Keep-alive connections per (host, checked addresses); bounded, least recently used first out. */
const PINNED_AGENT_LIMIT = 64;
const pinnedAgents = new Map<string, TPinnedAgent>();

function createPinnedAgent(hostname: string, addresses: readonly TResolvedAddress[], ca?: string | Buffer): Agent {
  return new Agent({ connect: { lookup: pinLookup(hostname, addresses), timeout: CONNECT_TIMEOUT_MS, ...(ca ? { ca } : {}) } });
}

function acquirePinnedAgent(hostname: string, addresses: readonly TResolvedAddress[]): TPinnedAgent {
  const key = `${hostname} ${addresses
    .map((a) => a.address)
    .sort()
    .join(',')}`;
  let entry = pinnedAgents.get(key);
  if (entry) {
    pinnedAgents.delete(key);
  } else {
    entry = { key, agent: createPinnedAgent(hostname, addresses), users: 0, isEvicted: false };
  }
  pinnedAgents.set(key, entry);
  entry.users += 1;
  while (pinnedAgents.size > PINNED_AGENT_LIMIT) {
    const oldest = pinnedAgents.values().next().value as TPinnedAgent;
    pinnedAgents.delete(oldest.key);
    oldest.isEvicted = true;
    // One in use is closed by its last user (releasePinnedAgent): undici's close() lets a request already
    // dispatched finish, and the count keeps that true however late fetch gets round to dispatching.
    if (oldest.users === 0) void oldest.agent.close();
  }
  return entry;
}

function releasePinnedAgent(entry: TPinnedAgent): void {
  entry.users -= 1;
  if (entry.isEvicted && entry.users === 0) void entry.agent.close();
}

/** Close every kept-alive outbound connection (at shutdown, and between tests). */
export async function closeOutboundConnections(): Promise<void> {
  const entries = [...pinnedAgents.values()];
  pinnedAgents.clear();
  await Promise.all(entries.map((e) => e.agent.close()));
}

export type TOutboundRequestInit = { method?: string; headers?: Record<string, string>; body?: string | Uint8Array };

export type TOutboundFetchOptions = {
  policy: TOutboundPolicy;
  /** The whole exchange (DNS, connect, answer and body) must finish within this; then a TimeoutError. */
  timeoutMs: number;
  /** Aborts the request (Tocsin is stopping); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Read at most this much of the answer; the rest is discarded and the connection closed. */
  maxResponseBytes?: number;
  resolve?: TResolveHost;
  /** PEM certificates trusted instead of Node's default roots, for this request only (a private CA; tests). */
  ca?: string | Buffer;
};

/** A Response whose body is already read (at most maxResponseBytes of it); `isBodyTruncated` says whether more was sent. */
export type TOutboundResponse = Response & { readonly isBodyTruncated: boolean };

async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<{ bytes: Uint8Array; isTruncated: boolean }> {
  if (!body) return { bytes: new Uint8Array(0), isTruncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let isTruncated = false;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      chunks.push(value.subarray(0, max - size));
      size = max;
      isTruncated = true;
      // Cancelling drops the connection: a receiver that keeps sending is not read any further.
      await reader.cancel().catch(() => {});
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, isTruncated };
}

/**
 * fetch() under the address policy. Resolves the host once, refuses (OutboundRefusedError) when any
 * address is refused, connects only to the checked addresses, never follows a redirect (a 3xx is an
 * OutboundRefusedError 'redirect_refused' whose message leaves out where it pointed), and returns
 * the answer with its body read, at most maxResponseBytes of it. Network failures reject as fetch
 * does (a TypeError with a cause), the deadline with a TimeoutError, `signal` with its reason.
 */
export async function outboundFetch(
  url: string | URL,
  init: TOutboundRequestInit,
  opts: TOutboundFetchOptions,
): Promise<TOutboundResponse> {
  const request = requestSignal(opts.timeoutMs, opts.signal);
  let pinned: TPinnedAgent | null = null;
  let dedicated: Agent | null = null;
  try {
    const target = await resolveOutboundUrl(url, opts.policy, { resolve: opts.resolve, signal: request.signal });
    const hostname = target.url.hostname;
    let agent: Agent;
    if (opts.ca) {
      dedicated = createPinnedAgent(hostname, target.addresses, opts.ca);
      agent = dedicated;
    } else {
      pinned = acquirePinnedAgent(hostname, target.addresses);
      agent = pinned.agent;
    }
    const res = await undiciFetch(target.url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      redirect: 'manual',
      signal: request.signal,
      dispatcher: agent,
    });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      throw new OutboundRefusedError(
        'redirect_refused',
        `${target.url.origin} answered HTTP ${res.status}, a redirect; Tocsin does not follow redirects, so use the final URL instead.`,
        res.status,
        res.headers.get('location') ?? undefined,
      );
    }
    if (res.status < 200 || res.status > 599) {
      await res.body?.cancel().catch(() => {});
      throw new TypeError(`${target.url.origin} answered with an invalid HTTP status ${res.status}`);
    }
    const { bytes, isTruncated } = await readCapped(res.body, opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    const hasNoBody = res.status === 204 || res.status === 205;
    const response = new Response(hasNoBody ? null : bytes, { status: res.status, statusText: res.statusText, headers: [...res.headers] });
    return Object.assign(response, { isBodyTruncated: isTruncated });
  } finally {
    request.done();
    if (pinned) releasePinnedAgent(pinned);
    if (dedicated) void dedicated.close();
  }
}

export type TSmtpTarget = {
  /** The checked address to pass to nodemailer as `host`. */
  address: string;
  family: 4 | 6;
  port: number;
  /** Every checked address, in resolver order (`address` is the first). */
  addresses: TResolvedAddress[];
  /** The name the operator configured, for TLS: nodemailer `tls: { servername }`; undefined for an IP address. */
  servername: string | undefined;
};

/**
 * Resolve and check an SMTP host the way outboundFetch does, so mail too connects only to a checked
 * address: give nodemailer `host: target.address, port: target.port, tls: { servername: target.servername }`
 * (the certificate is then checked against the configured name, not the IP address).
 */
export async function resolveSmtpTarget(
  host: string,
  port: number,
  policy: TOutboundPolicy,
  opts: TResolveOptions = {},
): Promise<TSmtpTarget> {
  const trimmed = host.trim();
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new OutboundRefusedError('invalid_host', `The SMTP port must be a number from 1 to 65535, not ${port}.`);
  }
  const bare = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  let hostname: string;
  if (net.isIPv6(bare)) {
    if (bare.includes('%'))
      throw new OutboundRefusedError('invalid_host', `The SMTP host ${trimmed} has a zone id (%…), which is not supported.`);
    hostname = `[${bare}]`;
  } else {
    // The URL parser normalises the host exactly as for webhook URLs (127.1 → 127.0.0.1, IDN → punycode).
    let parsed: URL | null = null;
    if (trimmed && !/[\s/\\@?#:%[\]]/.test(trimmed)) {
      try {
        parsed = new URL(`http://${trimmed}/`);
      } catch {
        parsed = null;
      }
    }
    if (!parsed) throw new OutboundRefusedError('invalid_host', `The SMTP host "${trimmed}" is not a valid host name or IP address.`);
    hostname = parsed.hostname;
  }
  if (isLocalhostName(hostname) && !isHostAllowlisted(policy, hostname)) {
    throw new OutboundRefusedError(
      'address_refused',
      `The SMTP host ${hostname} always means this machine (a loopback address); ${POLICY_HINT_HOST}`,
    );
  }
  const addresses = await resolveAndJudge(hostname, policy, 'The SMTP host', opts);
  const first = addresses[0]!;
  const isLiteral = literalAddressOf(hostname) !== null;
  return { address: first.address, family: first.family, port, addresses, servername: isLiteral ? undefined : normalizeHostName(hostname) };
}

/**
 * classifyFetchError, plus the refusals of this module: they are permanent (the URL or the policy
 * must change first), and a refused redirect keeps its HTTP status for the delivery log.
 */
export function classifyOutboundError(err: unknown, what: string, timeoutMs: number, secrets: TSecrets = []): TSendOutcome {
  if (err instanceof OutboundRefusedError) {
    return permanent(err.message, err.responseCode === undefined ? {} : { responseCode: err.responseCode });
  }
  return classifyFetchError(err, what, timeoutMs, secrets);
}

/**
 * classifyOutboundError for the delivery log, where superusers may read what the receiver answered: a refused
 * redirect's target is added to `error` (secrets redacted), and `summary`, for everyone else, leaves it out.
 */
export function classifyOutboundFailure(err: unknown, what: string, timeoutMs: number, secrets: TSecrets = []): TSendOutcome {
  const outcome = classifyOutboundError(err, what, timeoutMs, secrets);
  if (outcome.ok || !(err instanceof OutboundRefusedError) || err.location === undefined) return outcome;
  return { ...outcome, error: `${err.message} (It pointed to ${toAnswerSnippet(err.location, secrets, 200)}.)`, summary: err.message };
}
