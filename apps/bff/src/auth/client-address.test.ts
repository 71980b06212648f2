import { describe, expect, it } from 'vitest';
import { normalizeAddress, parseTrustProxy, resolveClientAddress } from './client-address';

describe('normalizeAddress', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['10.0.0.1:8080', '10.0.0.1'],
    ['[2001:DB8::1]:443', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['unknown', null],
    ['', null],
    ['10.0.0.256', null],
    ['evil.example', null],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});

describe('parseTrustProxy', () => {
  it('accepts addresses and CIDR ranges of both families, separated by commas or spaces', () => {
    const proxies = parseTrustProxy('127.0.0.1, 10.0.0.0/8 fd00::/8');
    expect(proxies.isEmpty).toBe(false);
    expect(proxies.list.check('10.1.2.3', 'ipv4')).toBe(true);
    expect(proxies.list.check('127.0.0.1', 'ipv4')).toBe(true);
    expect(proxies.list.check('127.0.0.2', 'ipv4')).toBe(false);
    expect(proxies.list.check('fd12::1', 'ipv6')).toBe(true);
  });

  it.each([
    ['proxy.internal', /not an IP address/],
    ['10.0.0.0/33', /prefix length \(0-32\)/],
    ['fd00::/129', /prefix length \(0-128\)/],
    ['10.0.0.0/8/8', /not an IP address/],
    ['10.0.0.0/x', /prefix length/],
  ])('refuses %s, naming it', (value, message) => {
    expect(() => parseTrustProxy(value)).toThrow(message);
    expect(() => parseTrustProxy(value)).toThrow(value);
  });

  it('is empty for an empty value', () => {
    expect(parseTrustProxy('').isEmpty).toBe(true);
    expect(parseTrustProxy(' , ').isEmpty).toBe(true);
  });
});

describe('resolveClientAddress', () => {
  const none = parseTrustProxy('');
  const local = parseTrustProxy('127.0.0.1');
  const chain = parseTrustProxy('127.0.0.1, 10.0.0.0/8');

  it.each([
    ['no trusted proxies: the socket address, whatever the header says', '203.0.113.9', '198.51.100.1', none, '203.0.113.9'],
    ['no header', '127.0.0.1', null, local, '127.0.0.1'],
    ['a trusted proxy: the address it received the request from', '127.0.0.1', '198.51.100.1', local, '198.51.100.1'],
    ['a client-written entry left of the proxy’s is ignored', '127.0.0.1', '6.6.6.6, 198.51.100.1', local, '198.51.100.1'],
    ['an untrusted peer cannot forward for anybody', '198.51.100.7', '127.0.0.1', local, '198.51.100.7'],
    ['a chain of trusted proxies is walked from the right', '127.0.0.1', '6.6.6.6, 198.51.100.1, 10.0.0.5', chain, '198.51.100.1'],
    ['only trusted hops in the header: the leftmost', '127.0.0.1', '10.0.0.9, 10.0.0.5', chain, '10.0.0.9'],
    ['garbage from a trusted proxy: the proxy itself', '127.0.0.1', 'not-an-address', local, '127.0.0.1'],
    ['IPv4 on a dual-stack socket', '::ffff:127.0.0.1', '198.51.100.1', local, '198.51.100.1'],
    ['a port added by the proxy', '127.0.0.1', '198.51.100.1:51234', local, '198.51.100.1'],
  ] as const)('%s', (_, socket, header, proxies, expected) => {
    expect(resolveClientAddress(socket, header, proxies)).toBe(expected);
  });

  it('is null without a socket address', () => {
    expect(resolveClientAddress(null, '198.51.100.1', local)).toBeNull();
  });
});
