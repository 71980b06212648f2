import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyAddress,
  describeAddressClass,
  isAddressAllowlisted,
  isHostAllowlisted,
  judgeAddress,
  OutboundAllowError,
  parseIpAddress,
  parseOutboundAllow,
  type TAddressReason,
} from './address-policy';

type TExpected = 'public' | TAddressReason;

/** One row per rule, with the addresses on both sides of each boundary. */
const IPV4_CASES: [string, TExpected][] = [
  ['0.0.0.0', 'unspecified'],
  ['0.255.255.255', 'unspecified'],
  ['1.0.0.0', 'public'],
  ['8.8.8.8', 'public'],
  ['9.255.255.255', 'public'],
  ['10.0.0.0', 'private'],
  ['10.0.0.5', 'private'],
  ['10.255.255.255', 'private'],
  ['11.0.0.0', 'public'],
  ['100.63.255.255', 'public'],
  ['100.64.0.0', 'shared'],
  ['100.100.100.200', 'shared'],
  ['100.127.255.255', 'shared'],
  ['100.128.0.0', 'public'],
  ['126.255.255.255', 'public'],
  ['127.0.0.0', 'loopback'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.255', 'loopback'],
  ['128.0.0.0', 'public'],
  ['168.63.129.15', 'public'],
  ['168.63.129.16', 'metadata'],
  ['168.63.129.17', 'public'],
  ['169.253.255.255', 'public'],
  ['169.254.0.0', 'link-local'],
  ['169.254.169.254', 'link-local'],
  ['169.254.255.255', 'link-local'],
  ['169.255.0.0', 'public'],
  ['172.15.255.255', 'public'],
  ['172.16.0.0', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.0', 'public'],
  ['191.255.255.255', 'public'],
  ['192.0.0.0', 'reserved'],
  ['192.0.0.192', 'reserved'],
  ['192.0.0.255', 'reserved'],
  ['192.0.1.0', 'public'],
  ['192.0.1.255', 'public'],
  ['192.0.2.0', 'documentation'],
  ['192.0.2.255', 'documentation'],
  ['192.0.3.0', 'public'],
  ['192.31.196.1', 'public'], // AS112 anycast: globally reachable
  ['192.88.98.255', 'public'],
  ['192.88.99.0', 'reserved'],
  ['192.88.99.255', 'reserved'],
  ['192.88.100.0', 'public'],
  ['192.167.255.255', 'public'],
  ['192.168.0.0', 'private'],
  ['192.168.1.1', 'private'],
  ['192.168.255.255', 'private'],
  ['192.169.0.0', 'public'],
  ['198.17.255.255', 'public'],
  ['198.18.0.0', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.20.0.0', 'public'],
  ['198.51.99.255', 'public'],
  ['198.51.100.0', 'documentation'],
  ['198.51.100.255', 'documentation'],
  ['198.51.101.0', 'public'],
  ['203.0.112.255', 'public'],
  ['203.0.113.0', 'documentation'],
  ['203.0.113.255', 'documentation'],
  ['203.0.114.0', 'public'],
  ['223.255.255.255', 'public'],
  ['224.0.0.0', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.0', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
];

const IPV6_CASES: [string, TExpected][] = [
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  // IPv4-compatible (::/96): the embedded address decides; ::2 carries 0.0.0.2
  ['::2', 'unspecified'],
  ['::127.0.0.1', 'loopback'],
  ['::7f00:1', 'loopback'],
  ['::8.8.8.8', 'public'],
  // IPv4-mapped (::ffff:0:0/96)
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::FFFF:7F00:1', 'loopback'],
  ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.5', 'private'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:808:808', 'public'],
  // IPv4-translated (::ffff:0:0:0/96)
  ['::ffff:0:127.0.0.1', 'loopback'],
  ['::ffff:0:8.8.8.8', 'public'],
  // Not an IPv4-carrying form: ::1:0:0:0 and ::fffe:… are outside 2000::/3
  ['::1:0:0:0', 'reserved'],
  ['::fffe:7f00:1', 'reserved'],
  // NAT64 well-known prefix (64:ff9b::/96) and local-use (64:ff9b:1::/48)
  ['64:ff9b::7f00:1', 'loopback'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::a00:5', 'private'],
  ['64:ff9b::808:808', 'public'],
  ['64:ff9b::1:808:808', 'reserved'], // inside no carrying form, outside 2000::/3
  ['64:ff9b:1::808:808', 'reserved'],
  // 6to4 (2002::/16): bits 16–47 are the IPv4 address
  ['2002:7f00:1::', 'loopback'],
  ['2002:7f00:1::1', 'loopback'],
  ['2002:a00:5:1::1', 'private'],
  ['2002:a9fe:a9fe::1', 'link-local'],
  ['2002:808:808::1', 'public'],
  ['2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'public'],
  ['2003::', 'public'],
  // 2000::/3 is global unicast; below and above it is reserved
  ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['2000::', 'public'],
  ['3fff:1000::', 'public'],
  ['3ffe:ffff::1', 'public'],
  ['4000::', 'reserved'],
  ['5f00::1', 'reserved'],
  ['100::1', 'reserved'],
  ['100:0:0:1::', 'reserved'],
  // IETF protocol assignments (2001::/23, with Teredo) and benchmarking
  ['2001::', 'reserved'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
  ['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['2001:200::', 'public'],
  ['2001:1::', 'reserved'],
  ['2001:2::', 'benchmarking'],
  ['2001:2:0:ffff:ffff:ffff:ffff:ffff', 'benchmarking'],
  ['2001:2:1::', 'reserved'],
  // documentation
  ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', 'public'],
  ['2001:db8::', 'documentation'],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation'],
  ['2001:db9::', 'public'],
  ['3fff::', 'documentation'],
  ['3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation'],
  // unique-local, link-local, site-local, multicast
  ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['fc00::', 'unique-local'],
  ['fd00:ec2::254', 'unique-local'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local'],
  ['fe00::', 'reserved'],
  ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['fe80::', 'link-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fe80::1%1', 'link-local'],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local'],
  ['fec0::', 'site-local'],
  ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'site-local'],
  ['ff00::', 'multicast'],
  ['ff02::1', 'multicast'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast'],
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
];

/** Spellings a URL parser or inet_aton accepts, but no resolver returns: never judged public. */
const NOT_ADDRESSES = [
  '127.1',
  '2130706433',
  '0x7f.0.0.1',
  '0177.0.0.1',
  '010.0.0.1',
  '127.000.000.001',
  '256.0.0.1',
  '1.2.3',
  '1.2.3.4.5',
  '[::1]',
  '[::ffff:127.0.0.1]',
  '1::2::3',
  '::ffff:127.0.0.256',
  '12345::',
  'localhost',
  '',
  ' 8.8.8.8',
  '8.8.8.8 ',
];

describe('classifyAddress', () => {
  it.each([...IPV4_CASES, ...IPV6_CASES])('%s is %s', (address, expected) => {
    const c = classifyAddress(address);
    expect(c.isPublic ? 'public' : c.reason).toBe(expected);
    expect(c.address).toBe(address);
  });

  it.each(NOT_ADDRESSES)('%j is refused as not an address', (text) => {
    expect(classifyAddress(text)).toEqual({ isPublic: false, address: text, reason: 'invalid' });
  });

  it.each([
    ['169.254.169.254', 'the cloud metadata service'],
    ['fd00:ec2::254', 'the AWS metadata service over IPv6'],
    ['fd00:ec2:0:0:0:0:0:254', 'the AWS metadata service over IPv6'],
    ['168.63.129.16', 'the Azure platform service'],
    ['100.100.100.200', 'the Alibaba Cloud metadata service'],
    ['::ffff:169.254.169.254', 'the cloud metadata service'],
  ])('%s is named as %s', (address, note) => {
    expect(classifyAddress(address)).toMatchObject({ isPublic: false, note });
  });

  it.each([
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::ffff:0:7f00:1', '127.0.0.1'],
    ['::7f00:1', '127.0.0.1'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['2002:c0a8:101::', '192.168.1.1'],
    ['::ffff:808:808', '8.8.8.8'],
  ])('%s is judged as the IPv4 address it carries, %s', (address, embeddedIPv4) => {
    expect(classifyAddress(address).embeddedIPv4).toBe(embeddedIPv4);
  });

  it('describes a refusal in words a person can act on', () => {
    const c = classifyAddress('::ffff:169.254.169.254');
    if (c.isPublic) throw new Error('expected a refusal');
    expect(describeAddressClass(c)).toBe(
      '::ffff:169.254.169.254 (which carries the IPv4 address 169.254.169.254), a link-local address (the cloud metadata service)',
    );
  });
});

/**
 * The same ranges written again, independently, and matched by Node's own BlockList: random
 * addresses (many drawn next to a range boundary) must get the same public/refused answer.
 */
const REFUSED_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3', // 224/4 multicast + 240/4 reserved (with the broadcast address)
  '168.63.129.16/32',
];

function toBlockList(cidrs: string[], type: 'ipv4' | 'ipv6'): net.BlockList {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/');
    list.addSubnet(network!, Number(prefix), type);
  }
  return list;
}

const toIPv4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const ipv4ToNumber = (text: string) => text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);

/** An address anywhere, or within a few of a range's first or last address. */
const arbitraryIPv4 = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fc.tuple(fc.constantFrom(...REFUSED_V4), fc.boolean(), fc.integer({ min: -2, max: 2 })).map(([cidr, atEnd, delta]) => {
    const [network, prefix] = cidr.split('/');
    const start = ipv4ToNumber(network!);
    const edge = atEnd ? start + 2 ** (32 - Number(prefix)) - 1 : start;
    return Math.min(2 ** 32 - 1, Math.max(0, edge + delta));
  }),
);

describe('classifyAddress agrees with net.BlockList', () => {
  const refusedV4 = toBlockList(REFUSED_V4, 'ipv4');

  it('on IPv4 addresses, especially at the edges of every range', () => {
    fc.assert(
      fc.property(arbitraryIPv4, (n) => {
        const address = toIPv4(n);
        expect(classifyAddress(address).isPublic).toBe(!refusedV4.check(address, 'ipv4'));
      }),
      { numRuns: 5000 },
    );
  });

  it('on IPv4-mapped, -translated, NAT64 and 6to4 forms, which answer as the IPv4 address they carry', () => {
    const hex = (n: number) => [(n >>> 16).toString(16), (n & 0xffff).toString(16)];
    fc.assert(
      fc.property(arbitraryIPv4, (n) => {
        const v4 = classifyAddress(toIPv4(n));
        const expected = v4.isPublic ? 'public' : v4.reason;
        const [hi, lo] = hex(n);
        for (const form of [
          `::ffff:${toIPv4(n)}`,
          `::ffff:${hi}:${lo}`,
          `::ffff:0:${hi}:${lo}`,
          `64:ff9b::${hi}:${lo}`,
          `2002:${hi}:${lo}::1`,
        ]) {
          const c = classifyAddress(form);
          expect([form, c.isPublic ? 'public' : c.reason]).toEqual([form, expected]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('on other IPv6 addresses: refused inside the special ranges and outside 2000::/3', () => {
    const refusedV6 = toBlockList(
      ['64:ff9b:1::/48', '100::/64', '2001::/23', '2001:db8::/32', '3fff::/20', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8'],
      'ipv6',
    );
    const globalUnicast = toBlockList(['2000::/3'], 'ipv6');
    // Prefixes next to and inside the rules, and random groups after them; the IPv4-carrying forms are tested above.
    const prefixes = [
      '1fff',
      '2000',
      '2001',
      '2001:0',
      '2001:1ff',
      '2001:200',
      '2001:db7',
      '2001:db8',
      '2001:db9',
      '3fff',
      '3fff:fff',
      '3fff:1000',
      'fbff',
      'fc00',
      'fdff',
      'fe7f',
      'fe80',
      'febf',
      'fec0',
      'ff00',
      '100:0:0:0',
      '100:0:0:1',
      '64:ff9b:1',
      '64:ff9b:2',
      '4000',
      'e000',
    ];
    const group = fc.integer({ min: 0, max: 0xffff }).map((g) => g.toString(16));
    const arbitraryIPv6 = fc.tuple(fc.constantFrom(...prefixes), fc.array(group, { minLength: 8, maxLength: 8 })).map(([prefix, rest]) => {
      const head = prefix.split(':');
      return [...head, ...rest.slice(head.length)].join(':');
    });
    fc.assert(
      fc.property(arbitraryIPv6, (address) => {
        const isRefused = refusedV6.check(address, 'ipv6') || !globalUnicast.check(address, 'ipv6');
        expect([address, classifyAddress(address).isPublic]).toEqual([address, !isRefused]);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('parseIpAddress', () => {
  it.each([
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['1::', 6, 1n << 112n],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['1:2:3:4:5:6:1.2.3.4', 6, 0x00010002000300040005000601020304n],
    ['::ffff:1.2.3.4', 6, 0xffff01020304n],
    ['fe80::1%eth0', 6, 0xfe800000000000000000000000000001n],
  ])('%s is IPv%i %s', (text, version, value) => {
    expect(parseIpAddress(text)).toEqual({ version, value });
  });
});

describe('parseOutboundAllow', () => {
  it('reads nothing from an empty or blank value: nothing internal is allowed by default', () => {
    for (const text of ['', '  ', ' , ,\n']) {
      const policy = parseOutboundAllow(text);
      expect(policy.hostNames.size + policy.hostSuffixes.length + policy.ranges.length).toBe(0);
    }
  });

  it('splits on commas and any whitespace', () => {
    const policy = parseOutboundAllow('a.example, b.example\tc.example\n*.corp.example ,10.0.0.0/8  ::1');
    expect([...policy.hostNames]).toEqual(['a.example', 'b.example', 'c.example']);
    expect(policy.hostSuffixes).toEqual(['.corp.example']);
    expect(policy.ranges.map((r) => r.text)).toEqual(['10.0.0.0/8', '::1']);
  });

  it('stores host names lower case, without a trailing dot, and international names as punycode', () => {
    const policy = parseOutboundAllow('Hooks.Example.INTERNAL. Bücher.example');
    expect([...policy.hostNames]).toEqual(['hooks.example.internal', 'xn--bcher-kva.example']);
  });

  type TBadEntry = { entry: string; message: string };
  const BAD_ENTRIES: TBadEntry[] = [
    { entry: '10.0.0.0/33', message: '"10.0.0.0/33": the prefix length after "/" must be a number from 0 to 32 for an IPv4 range' },
    { entry: '::/129', message: '"::/129": the prefix length after "/" must be a number from 0 to 128 for an IPv6 range' },
    { entry: '10.0.0.0/', message: 'must be a number from 0 to 32' },
    { entry: '10.0.0.0/08', message: 'must be a number from 0 to 32' },
    { entry: '10.0.0.0/-1', message: 'must be a number from 0 to 32' },
    { entry: '10.0.0.1/8', message: '"10.0.0.1/8": bits are set after the /8 prefix; write 10.0.0.0/8' },
    { entry: 'fd00::1/8', message: '"fd00::1/8": bits are set after the /8 prefix; write fd00::/8' },
    { entry: '127.1', message: '"127.1": a shorthand IPv4 address; write it as 127.0.0.1' },
    { entry: '2130706433', message: '"2130706433": a shorthand IPv4 address; write it as 127.0.0.1' },
    { entry: '0x7f.0.0.1', message: '"0x7f.0.0.1": a shorthand IPv4 address; write it as 127.0.0.1' },
    { entry: '0177.0.0.1', message: '"0177.0.0.1": a shorthand IPv4 address; write it as 127.0.0.1' },
    { entry: '256.0.0.1', message: '"256.0.0.1": not an IP address or CIDR range' },
    { entry: '1::2::3', message: '"1::2::3": not an IP address or CIDR range' },
    { entry: 'fe80::1%eth0', message: '"fe80::1%eth0": a zone id (%…) cannot be listed' },
    { entry: 'hooks.example:8443', message: '"hooks.example:8443": ports cannot be listed; list hooks.example alone' },
    { entry: '10.0.0.5:25', message: '"10.0.0.5:25": ports cannot be listed; list 10.0.0.5 alone' },
    { entry: '[::1]:25', message: '"[::1]:25": ports cannot be listed; list [::1] alone' },
    { entry: '*', message: '"*": a wildcard may only be the whole first label, as in *.example.internal' },
    { entry: '*.', message: '"*.": a wildcard may only be the whole first label' },
    { entry: '*example.internal', message: 'a wildcard may only be the whole first label' },
    { entry: 'a.*.internal', message: 'a wildcard may only be the whole first label' },
    { entry: '*.*.internal', message: 'a wildcard may only be the whole first label' },
    { entry: '*.-bad.internal', message: '"*.-bad.internal": the part after "*." is not a valid host name' },
    { entry: 'http://hooks.example', message: '"http://hooks.example": a URL; list only its host name (hooks.example)' },
    { entry: 'https://hooks.example:8443/x', message: '"https://hooks.example:8443/x": a URL; list only its host name (hooks.example)' },
    { entry: 'hooks.example/path', message: '"hooks.example/path": not an IP address or CIDR range' },
    { entry: 'a..example', message: '"a..example": not a valid host name' },
    { entry: '-a.example', message: '"-a.example": not a valid host name' },
    { entry: 'a-.example', message: '"a-.example": not a valid host name' },
    { entry: 'user@hooks.example', message: '"user@hooks.example": not a valid host name' },
    { entry: `${'a'.repeat(64)}.example`, message: 'not a valid host name' },
    { entry: 'hooks.123', message: '"hooks.123": not a valid host name' },
  ];

  it.each(BAD_ENTRIES)('refuses $entry, naming it', ({ entry, message }) => {
    const error = (() => {
      try {
        parseOutboundAllow(`ok.example ${entry} 10.0.0.0/8`);
      } catch (err) {
        return err;
      }
      throw new Error('expected parseOutboundAllow to throw');
    })();
    expect(error).toBeInstanceOf(OutboundAllowError);
    expect((error as OutboundAllowError).problems).toHaveLength(1);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).toContain('separated by commas or spaces');
  });

  it('names every bad entry at once', () => {
    expect(() => parseOutboundAllow('127.1, ok.example, 10.0.0.1/8')).toThrow(
      /^cannot read 2 entries: "127\.1": a shorthand IPv4 address; write it as 127\.0\.0\.1; "10\.0\.0\.1\/8": bits are set/,
    );
  });
});

describe('isHostAllowlisted', () => {
  const policy = parseOutboundAllow('hooks.example.internal, *.corp.example, localhost');
  it.each([
    ['hooks.example.internal', true],
    ['HOOKS.Example.Internal', true],
    ['hooks.example.internal.', true],
    ['localhost', true],
    ['localhost.', true],
    ['a.corp.example', true],
    ['a.b.corp.example', true],
    ['A.CORP.EXAMPLE.', true],
    // a wildcard covers subdomains, not the name itself
    ['corp.example', false],
    ['.corp.example', false],
    ['evilcorp.example', false],
    ['corp.example.evil.test', false],
    ['x.hooks.example.internal', false],
    ['hooks.example.internal.evil.test', false],
    ['other.example.internal', false],
    ['sub.localhost', false],
  ])('%s → %s', (hostname, expected) => {
    expect(isHostAllowlisted(policy, hostname)).toBe(expected);
  });
});

describe('isAddressAllowlisted', () => {
  const policy = parseOutboundAllow('10.0.0.0/8 192.168.1.10 fd00::/16 ::1 100.64.0.0/10');
  it.each([
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['9.255.255.255', false],
    ['11.0.0.0', false],
    ['192.168.1.10', true],
    ['192.168.1.11', false],
    ['192.168.1.9', false],
    ['fd00::', true],
    ['fd00:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['fd01::', false],
    ['fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['::1', true],
    ['::2', false],
    ['127.0.0.1', false],
    // an IPv6 form carrying an IPv4 address reaches that address, so the IPv4 entry covers it
    ['::ffff:10.1.2.3', true],
    ['::ffff:a01:203', true],
    ['64:ff9b::a01:203', true],
    ['2002:a01:203::1', true],
    ['::ffff:192.168.1.11', false],
    // an IPv4 entry does not cover IPv6 addresses that merely share bits
    ['a00::', false],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isAddressAllowlisted(policy, address)).toBe(expected);
  });

  it('an IPv4 range of /0 covers every IPv4 address and no IPv6 one', () => {
    const all4 = parseOutboundAllow('0.0.0.0/0');
    expect(isAddressAllowlisted(all4, '127.0.0.1')).toBe(true);
    expect(isAddressAllowlisted(all4, '255.255.255.255')).toBe(true);
    expect(isAddressAllowlisted(all4, 'fe80::1')).toBe(false);
  });
});

describe('judgeAddress', () => {
  const policy = parseOutboundAllow('10.0.0.0/8');
  it.each([
    ['8.8.8.8', false, true],
    ['10.0.0.5', false, true],
    ['::ffff:10.0.0.5', false, true],
    ['192.168.0.1', false, false],
    ['192.168.0.1', true, true],
    ['169.254.169.254', true, true],
    // a listed host gets what it resolves to, but never text that is not an address
    ['127.1', true, false],
    ['not an address', true, false],
  ] as const)('%s (host listed: %s) → allowed %s', (address, isListed, expected) => {
    expect(judgeAddress(policy, address, { isHostAllowlisted: isListed }).isAllowed).toBe(expected);
  });
});
