/**
 * Which network addresses Tocsin may open connections to, as pure functions: the classification of
 * an IP address (public, or refused with a reason), and the operator's allowlist (OUTBOUND_ALLOW).
 * Anything a user can type (a webhook URL, a Teams URL, an SMTP host) ends up as an address judged
 * here; outbound.ts resolves names and connects only to what this module accepted.
 *
 * Addresses are compared as exact integers (bigint), not as strings or regular expressions, so
 * every spelling of an address (127.1, 0x7f.0.0.1, ::ffff:7f00:1, …) meets the same rule once it
 * has been normalised by the URL parser or the resolver.
 */
import net from 'node:net';
import { domainToASCII } from 'node:url';

export type TIpAddress = { version: 4 | 6; value: bigint };
export type TIpRange = { version: 4 | 6; network: bigint; prefix: number; text: string };

/** Why an address is refused; one word, shown to people inside a sentence (see describeAddressClass). */
export type TAddressReason =
  | 'loopback'
  | 'unspecified'
  | 'link-local'
  | 'private'
  | 'unique-local'
  | 'site-local'
  | 'shared'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'metadata'
  | 'invalid';

export type TAddressClass =
  | { isPublic: true; address: string; embeddedIPv4?: string }
  | {
      isPublic: false;
      address: string;
      reason: TAddressReason;
      /** The IPv4 address an IPv6 form carries (mapped, compatible, NAT64, 6to4); the reason is about it. */
      embeddedIPv4?: string;
      /** What lives there, when it is a well-known target (the cloud metadata service). */
      note?: string;
    };

export type TOutboundPolicy = {
  /** Exact host names, lower case, without a trailing dot. */
  hostNames: ReadonlySet<string>;
  /** From `*.example.internal`: '.example.internal' (subdomains only, not the name itself). */
  hostSuffixes: readonly string[];
  ranges: readonly TIpRange[];
};

export const EMPTY_OUTBOUND_POLICY: TOutboundPolicy = { hostNames: new Set(), hostSuffixes: [], ranges: [] };

const BITS = { 4: 32, 6: 128 } as const;

/** Strict dotted-quad (what resolvers and the URL parser produce); shorthand and octal forms are not addresses here. */
function parseIPv4(text: string): bigint | null {
  if (!net.isIPv4(text)) return null;
  let value = 0n;
  // net.isIPv4 has already refused leading zeros (octal to inet_aton), so each part is plain decimal.
  for (const part of text.split('.')) {
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIPv6(text: string): bigint | null {
  if (!net.isIPv6(text) || text.includes('%')) return null;
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (v4 === null) return null;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const toGroups = (part: string) => (part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16)));
  const halves = head.split('::');
  let groups: number[];
  if (halves.length === 2) {
    const left = toGroups(halves[0] ?? '');
    const right = [...toGroups(halves[1] ?? ''), ...tail];
    const missing = 8 - left.length - right.length;
    if (missing < 1) return null;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else if (halves.length === 1) {
    groups = [...toGroups(head), ...tail];
  } else {
    return null;
  }
  if (groups.length !== 8 || groups.some((g) => !(g >= 0 && g <= 0xffff))) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/**
 * An IP address in canonical text (v4 dotted-quad, or v6, optionally with a %zone, which does not
 * change which address it is); null for anything else, including forms only a URL parser accepts.
 */
export function parseIpAddress(text: string): TIpAddress | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { version: 4, value: v4 };
  const bare = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  const v6 = parseIPv6(bare);
  return v6 === null ? null : { version: 6, value: v6 };
}

export function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function maskOf(version: 4 | 6, prefix: number): bigint {
  const bits = BigInt(BITS[version]);
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

export function isInRange(range: TIpRange, ip: TIpAddress): boolean {
  return range.version === ip.version && (ip.value & maskOf(ip.version, range.prefix)) === range.network;
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128); when it is not one, why, as a phrase ("not an IP address"). */
export function parseIpRange(text: string): TIpRange | string {
  const slash = text.indexOf('/');
  const addressText = stripBrackets(slash === -1 ? text : text.slice(0, slash));
  if (addressText.includes('%')) return 'a zone id (%…) cannot be listed; list the address without it';
  const ip = parseIpAddress(addressText);
  if (!ip) {
    // 127.1, 2130706433 and 0177.0.0.1 are addresses to a URL parser: say which one, so the entry can be fixed.
    const normalized = domainToASCII(addressText);
    return parseIPv4(normalized) === null ? 'not an IP address or CIDR range' : `a shorthand IPv4 address; write it as ${normalized}`;
  }
  const bits = BITS[ip.version];
  if (slash === -1) return { version: ip.version, network: ip.value, prefix: bits, text };
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    return `the prefix length after "/" must be a number from 0 to ${bits} for an IPv${ip.version} range`;
  }
  const prefix = Number(prefixText);
  const network = ip.value & maskOf(ip.version, prefix);
  if (network !== ip.value) {
    const shown = ip.version === 4 ? formatIPv4(network) : formatIPv6(network);
    return `bits are set after the /${prefix} prefix; write ${shown}/${prefix}`;
  }
  return { version: ip.version, network, prefix, text };
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

function formatIPv6(value: bigint): string {
  const groups = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  // Only for messages: the longest run of zero groups becomes '::'.
  const text = groups.join(':');
  const runs = text.match(/(^|:)0(:0)+(:|$)/g);
  if (!runs) return text;
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
  return text.replace(longest, '::');
}

function range(text: string): TIpRange {
  const parsed = parseIpRange(text);
  if (typeof parsed === 'string') throw new Error(`address-policy table: ${text}: ${parsed}`);
  return parsed;
}

type TRule = { range: TIpRange; reason: Exclude<TAddressReason, 'invalid'> };
const rules = (rows: [string, TRule['reason']][]): TRule[] => rows.map(([text, reason]) => ({ range: range(text), reason }));

/**
 * IPv4 special-purpose ranges (IANA registry, RFC 6890 and successors) that are not a public
 * destination. The first match wins. The AS112 and AMT anycast /24s are globally reachable and stay public.
 */
const IPV4_RULES = rules([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  // IETF protocol assignments (DS-Lite, NAT64 discovery, …), and Oracle Cloud's legacy metadata at 192.0.0.192.
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  // The 6to4 relay anycast prefix, deprecated by RFC 7526.
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
  // Azure's platform address (WireServer): a public-looking address every Azure VM reaches internally.
  ['168.63.129.16/32', 'metadata'],
]);

/** IPv6 ranges checked after the IPv4-carrying forms; anything outside 2000::/3 (global unicast) is refused too. */
const IPV6_RULES = rules([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // Local-use NAT64 (RFC 8215): the IPv4 address sits at a network-chosen offset, so it cannot be judged.
  ['64:ff9b:1::/48', 'reserved'],
  ['100::/64', 'reserved'],
  ['2001:2::/48', 'benchmarking'],
  // IETF protocol assignments, including Teredo (2001::/32), whose client address is obfuscated.
  ['2001::/23', 'reserved'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
]);
const GLOBAL_UNICAST = range('2000::/3');

/** Well-known addresses an attacker aims at; named in the message so the refusal is self-explanatory. */
const NOTES = new Map<string, string>([
  ['169.254.169.254', 'the cloud metadata service'],
  ['fd00:ec2::254', 'the AWS metadata service over IPv6'],
  ['168.63.129.16', 'the Azure platform service'],
  ['100.100.100.200', 'the Alibaba Cloud metadata service'],
  ['192.0.0.192', 'the Oracle Cloud metadata service'],
]);

/** IPv6 forms that carry an IPv4 address the packet is really bound for (or translated to). */
function embeddedIPv4Of(value: bigint): bigint | null {
  const low32 = value & 0xffffffffn;
  const high96 = value >> 32n;
  if (high96 === 0xffffn) return low32; // ::ffff:0:0/96, IPv4-mapped
  if (high96 === 0xffff0000n) return low32; // ::ffff:0:0:0/96, IPv4-translated (SIIT)
  if (high96 === 0x0064ff9b0000000000000000n) return low32; // 64:ff9b::/96, well-known NAT64
  if (high96 === 0n && value > 1n) return low32; // ::/96, IPv4-compatible (:: and ::1 are their own)
  if (value >> 112n === 0x2002n) return (value >> 80n) & 0xffffffffn; // 2002::/16, 6to4
  return null;
}

function classifyIPv4(address: string, value: bigint, embeddedIPv4?: string): TAddressClass {
  const ip: TIpAddress = { version: 4, value };
  const rule = IPV4_RULES.find((r) => isInRange(r.range, ip));
  if (!rule) return { isPublic: true, address, ...(embeddedIPv4 ? { embeddedIPv4 } : {}) };
  const note = NOTES.get(formatIPv4(value));
  return { isPublic: false, address, reason: rule.reason, ...(embeddedIPv4 ? { embeddedIPv4 } : {}), ...(note ? { note } : {}) };
}

/** Public, or refused with a reason. Text that is not a canonical IP address is refused as 'invalid', never public. */
export function classifyAddress(address: string): TAddressClass {
  const ip = parseIpAddress(address);
  if (!ip) return { isPublic: false, address, reason: 'invalid' };
  if (ip.version === 4) return classifyIPv4(address, ip.value);
  const embedded = embeddedIPv4Of(ip.value);
  if (embedded !== null) return classifyIPv4(address, embedded, formatIPv4(embedded));
  const rule = IPV6_RULES.find((r) => isInRange(r.range, ip));
  const reason = rule?.reason ?? (isInRange(GLOBAL_UNICAST, ip) ? null : 'reserved');
  if (!reason) return { isPublic: true, address };
  const note = NOTES.get(formatIPv6(ip.value));
  return { isPublic: false, address, reason, ...(note ? { note } : {}) };
}

const REASON_PHRASES: Record<TAddressReason, string> = {
  loopback: 'a loopback address (this machine)',
  unspecified: 'an unspecified address',
  'link-local': 'a link-local address',
  private: 'a private address',
  'unique-local': 'a unique-local (private IPv6) address',
  'site-local': 'a site-local (private IPv6) address',
  shared: 'a shared (carrier-grade NAT) address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  documentation: 'an address reserved for documentation',
  benchmarking: 'an address reserved for benchmarking',
  metadata: 'a cloud platform address',
  invalid: 'not a valid IP address',
};

/** "::ffff:7f00:1 (which carries the IPv4 address 127.0.0.1)": the address as written, and what it really means. */
export function formatAddressOf(c: TAddressClass): string {
  return c.embeddedIPv4 ? `${c.address} (which carries the IPv4 address ${c.embeddedIPv4})` : c.address;
}

/** "a link-local address (the cloud metadata service)" */
export function describeAddressReason(c: Extract<TAddressClass, { isPublic: false }>): string {
  return c.note ? `${REASON_PHRASES[c.reason]} (${c.note})` : REASON_PHRASES[c.reason];
}

/** "127.0.0.1, a loopback address (this machine)", for the middle of a sentence. */
export function describeAddressClass(c: Extract<TAddressClass, { isPublic: false }>): string {
  return `${formatAddressOf(c)}, ${describeAddressReason(c)}`;
}

/** Lower case, without the trailing dot; the form the allowlist stores and compares. */
export function normalizeHostName(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** A DNS name as the URL parser would produce it, or why the entry is not one. */
function parseHostNameEntry(text: string): string | { error: string } {
  const ascii = domainToASCII(text);
  if (!ascii) return { error: 'not a valid host name' };
  if (parseIPv4(ascii) !== null) return { error: `a shorthand IPv4 address; write it as ${ascii}` };
  const name = normalizeHostName(ascii);
  const labels = name.split('.');
  if (name.length > 253 || labels.some((l) => !LABEL.test(l))) return { error: 'not a valid host name' };
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return { error: 'not a valid host name (its last label is a number)' };
  return name;
}

export class OutboundAllowError extends Error {
  override readonly name = 'OutboundAllowError';
  constructor(readonly problems: string[]) {
    super(
      `cannot read ${problems.length === 1 ? 'an entry' : `${problems.length} entries`}: ${problems.join('; ')}. ` +
        'Entries are host names (webhooks.example.internal), wildcard suffixes (*.example.internal), IP addresses ' +
        '(10.0.0.5, fd00::5) and CIDR ranges (10.0.0.0/8, fd00::/8), separated by commas or spaces.',
    );
  }
}

/**
 * The operator's allowlist (OUTBOUND_ALLOW): comma- or whitespace-separated host names, `*.suffix`
 * wildcards, IP addresses and CIDR ranges. Throws an OutboundAllowError naming every bad entry, so
 * the server refuses to start rather than run with a policy other than the one the operator wrote.
 */
export function parseOutboundAllow(text: string): TOutboundPolicy {
  const hostNames = new Set<string>();
  const hostSuffixes: string[] = [];
  const ranges: TIpRange[] = [];
  const problems: string[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(entry);
    if (url) {
      problems.push(`"${entry}": a URL; list only its host name (${url[1]})`);
      continue;
    }
    const hostAndPort = /^([^:[\]]+|\[[^\]]+\]):\d+$/.exec(entry);
    if (hostAndPort) {
      problems.push(`"${entry}": ports cannot be listed; list ${hostAndPort[1]} alone (it is allowed on any port)`);
      continue;
    }
    if (/^[\d.]+(\/.*)?$/.test(entry) || entry.includes(':') || entry.includes('/') || entry.startsWith('[')) {
      const parsed = parseIpRange(entry);
      if (typeof parsed === 'string') problems.push(`"${entry}": ${parsed}`);
      else ranges.push(parsed);
      continue;
    }
    if (entry.includes('*')) {
      const suffix = entry.startsWith('*.') ? entry.slice(2) : null;
      const parsed = suffix && !suffix.includes('*') ? parseHostNameEntry(suffix) : null;
      if (typeof parsed === 'string') hostSuffixes.push(`.${parsed}`);
      else if (parsed) problems.push(`"${entry}": the part after "*." is ${parsed.error}`);
      else problems.push(`"${entry}": a wildcard may only be the whole first label, as in *.example.internal`);
      continue;
    }
    const parsed = parseHostNameEntry(entry);
    if (typeof parsed === 'string') hostNames.add(parsed);
    else problems.push(`"${entry}": ${parsed.error}`);
  }
  if (problems.length > 0) throw new OutboundAllowError(problems);
  return { hostNames, hostSuffixes, ranges };
}

export function isHostAllowlisted(policy: TOutboundPolicy, hostname: string): boolean {
  const name = normalizeHostName(hostname);
  return policy.hostNames.has(name) || policy.hostSuffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
}

/** Listed by address or range; an IPv6 form that carries an IPv4 address also matches the IPv4 entries. */
export function isAddressAllowlisted(policy: TOutboundPolicy, address: string): boolean {
  const ip = parseIpAddress(address);
  if (!ip) return false;
  const embedded = ip.version === 6 ? embeddedIPv4Of(ip.value) : null;
  const candidates: TIpAddress[] = embedded === null ? [ip] : [ip, { version: 4, value: embedded }];
  return policy.ranges.some((r) => candidates.some((c) => isInRange(r, c)));
}

export type TAddressJudgement =
  | { isAllowed: true; class: TAddressClass }
  | { isAllowed: false; class: Extract<TAddressClass, { isPublic: false }> };

/**
 * May Tocsin connect to `address`? Public addresses yes; others only when the address (or a range
 * holding it) is allowlisted, or when the host name it came from is (`isHostAllowlisted`).
 */
export function judgeAddress(policy: TOutboundPolicy, address: string, opts: { isHostAllowlisted: boolean }): TAddressJudgement {
  const c = classifyAddress(address);
  if (c.isPublic) return { isAllowed: true, class: c };
  // An unparseable answer is refused even for a listed host: there is nothing to connect to exactly.
  if (c.reason !== 'invalid' && (opts.isHostAllowlisted || isAddressAllowlisted(policy, address))) return { isAllowed: true, class: c };
  return { isAllowed: false, class: c };
}
