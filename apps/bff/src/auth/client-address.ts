/**
 * The client's network address, for the login throttle. It is the socket's peer address, unless that peer is a
 * proxy the operator trusts (TRUST_PROXY: addresses and CIDR ranges): then X-Forwarded-For is read from the
 * right, each trusted proxy stepping aside for the address it received the request from, and the first address
 * that is not a trusted proxy is the client. Entries left of it were written by the client and are never read,
 * so a client cannot choose its own address by sending the header (decision record 005).
 */
import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export type TTrustedProxies = { list: BlockList; isEmpty: boolean };

/** "::ffff:10.0.0.1" (IPv4 on a dual-stack socket) is 10.0.0.1; IPv6 is lower-cased; anything else is null. */
export function normalizeAddress(value: string): string | null {
  let address = value.trim();
  // "[2001:db8::1]:443" and "10.0.0.1:8080" (some proxies add the port) lose the port.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) address = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) address = mapped[1];
  const family = isIP(address);
  if (family === 0) return null;
  return family === 6 ? address.toLowerCase() : address;
}

/** Parse TRUST_PROXY ("127.0.0.1, 10.0.0.0/8, fd00::/8"); throws an Error naming the first bad entry. */
export function parseTrustProxy(value: string): TTrustedProxies {
  const list = new BlockList();
  const entries = value
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) {
      throw new Error(`"${entry}" is not an IP address or a CIDR range such as 10.0.0.0/8`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      throw new Error(`"${entry}" has a bad prefix length (0-${family === 4 ? 32 : 128})`);
    }
    list.addSubnet(address, bits, type);
  }
  return { list, isEmpty: entries.length === 0 };
}

function isTrusted(proxies: TTrustedProxies, address: string): boolean {
  if (proxies.isEmpty) return false;
  return proxies.list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client address given the socket's peer and the X-Forwarded-For header(s). Pure: the rule of the module
 * header, tested row by row. Returns null when the socket address is unknown.
 */
export function resolveClientAddress(socketAddress: string | null, forwardedFor: string | null, proxies: TTrustedProxies): string | null {
  let client = socketAddress === null ? null : normalizeAddress(socketAddress);
  if (client === null || !forwardedFor) return client;
  const hops = forwardedFor.split(',');
  while (isTrusted(proxies, client) && hops.length > 0) {
    const next = normalizeAddress(hops.pop() ?? '');
    // A trusted proxy wrote something that is not an address: the proxy itself is the best we know.
    if (next === null) return client;
    client = next;
  }
  return client;
}

/** The socket's peer address as @hono/node-server sees it; null without a socket (app.request in tests). */
function findSocketAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/** The client address of this request (see the module header), or null when there is no socket. */
export function getClientAddress(c: Context, proxies: TTrustedProxies): string | null {
  // Several X-Forwarded-For headers are one list, in order (RFC 9110 §5.3).
  const forwarded = c.req.raw.headers.get('x-forwarded-for');
  return resolveClientAddress(findSocketAddress(c), forwarded, proxies);
}

const parsedProxies = new Map<string, TTrustedProxies>();

/** TRUST_PROXY parsed once per distinct value (env.ts has already refused a bad one at start). */
export function getTrustedProxies(trustProxy: string): TTrustedProxies {
  let proxies = parsedProxies.get(trustProxy);
  if (!proxies) {
    proxies = parseTrustProxy(trustProxy);
    parsedProxies.set(trustProxy, proxies);
  }
  return proxies;
}
