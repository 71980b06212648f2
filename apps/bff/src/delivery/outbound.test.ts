import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { parseOutboundAllow } from './address-policy';
import {
  checkOutboundUrl,
  classifyOutboundError,
  closeOutboundConnections,
  createOutboundPolicy,
  DEFAULT_MAX_RESPONSE_BYTES,
  OutboundRefusedError,
  outboundFetch,
  resolveOutboundUrl,
  resolveSmtpTarget,
  type TResolvedAddress,
  type TResolveHost,
  verifyOutboundUrl,
} from './outbound';
import { classifyHttpFailure } from './outcome';
import { startHttpReceiver, type THttpReceiver } from './test-peers/http-receiver';
import { startSmtpReceiver } from './test-peers/smtp';

const NO_ALLOW = parseOutboundAllow('');
const allow = (text: string) => parseOutboundAllow(text);

const v4 = (address: string): TResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): TResolvedAddress => ({ address, family: 6 });

/**
 * A resolver that answers from a table (or throws ENOTFOUND like getaddrinfo) and records each question;
 * like DNS, it ignores case and a trailing dot.
 */
function fakeDns(table: Record<string, TResolvedAddress[] | TResolvedAddress[][]>): TResolveHost & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (name: string) => {
    const hostname = name.toLowerCase().replace(/\.$/, '');
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    // A list of lists answers differently on each call: the first list first, and so on (the last repeats).
    if (Array.isArray(answers[0])) {
      const turns = answers as TResolvedAddress[][];
      const count = calls.filter((c) => c === hostname).length;
      return turns[Math.min(count, turns.length) - 1]!;
    }
    return answers as TResolvedAddress[];
  };
  return Object.assign(resolve, { calls });
}

async function refusalOf(promise: Promise<unknown>): Promise<OutboundRefusedError> {
  const err = await promise.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  if (!(err instanceof OutboundRefusedError)) throw err;
  return err;
}

type TRejection = Error & { cause?: { code?: string } };

async function rejectionOf(promise: Promise<unknown>): Promise<TRejection> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as TRejection,
  );
}

afterEach(async () => {
  await closeOutboundConnections();
});

describe('checkOutboundUrl', () => {
  type TCase = { url: string; allow?: string; expected: 'ok' | string; message?: string };
  const CASES: TCase[] = [
    { url: 'https://hooks.example.com/tocsin', expected: 'ok' },
    { url: 'http://hooks.example.com:8080/x?y=1', expected: 'ok' },
    { url: 'http://8.8.8.8/', expected: 'ok' },
    { url: 'http://[2606:4700:4700::1111]/', expected: 'ok' },
    // names are judged when resolved (verifyOutboundUrl), except those that always mean this machine
    { url: 'http://webhooks.internal/', expected: 'ok' },
    { url: 'not a url', expected: 'invalid_url', message: 'This is not a valid URL; it should look like https://hooks.example.com/path.' },
    { url: '/relative/path', expected: 'invalid_url' },
    { url: 'http://[fe80::1%25eth0]/', expected: 'invalid_url' },
    { url: 'http://256.0.0.1/', expected: 'invalid_url' },
    { url: 'ftp://files.example.com/', expected: 'scheme_refused', message: 'Only http:// and https:// URLs are allowed, not ftp://.' },
    { url: 'file:///etc/passwd', expected: 'scheme_refused' },
    { url: 'gopher://127.0.0.1:25/', expected: 'scheme_refused' },
    { url: 'javascript:alert(1)', expected: 'scheme_refused' },
    { url: 'ws://hooks.example.com/', expected: 'scheme_refused' },
    {
      url: 'https://user:secret@hooks.example.com/',
      expected: 'credentials_refused',
      message: 'The URL contains a user name or password; remove it, and send credentials in a header instead.',
    },
    { url: 'https://user@hooks.example.com/', expected: 'credentials_refused' },
    { url: 'https://:secret@hooks.example.com/', expected: 'credentials_refused' },
    // every spelling of loopback that the URL parser turns into 127.0.0.1 or ::1
    {
      url: 'http://127.0.0.1:8080/',
      expected: 'address_refused',
      message:
        'The URL points at 127.0.0.1, a loopback address (this machine); Tocsin does not connect to internal addresses unless OUTBOUND_ALLOW lists that address.',
    },
    { url: 'http://127.1/', expected: 'address_refused', message: 'The URL points at 127.0.0.1,' },
    { url: 'http://2130706433/', expected: 'address_refused', message: 'The URL points at 127.0.0.1,' },
    { url: 'http://0x7f.0.0.1/', expected: 'address_refused', message: 'The URL points at 127.0.0.1,' },
    { url: 'http://0177.0.0.1/', expected: 'address_refused', message: 'The URL points at 127.0.0.1,' },
    { url: 'http://0x7f000001/', expected: 'address_refused', message: 'The URL points at 127.0.0.1,' },
    { url: 'http://127.0.0.1./', expected: 'address_refused', message: 'The URL points at 127.0.0.1,' },
    { url: 'http://%31%32%37.0.0.1/', expected: 'address_refused', message: 'The URL points at 127.0.0.1,' },
    { url: 'http://１２７.0.0.1/', expected: 'address_refused', message: 'The URL points at 127.0.0.1,' },
    { url: 'http://127.255.255.254/', expected: 'address_refused' },
    { url: 'http://[::1]/', expected: 'address_refused', message: 'The URL points at ::1, a loopback address (this machine);' },
    { url: 'http://[0:0:0:0:0:0:0:1]/', expected: 'address_refused', message: 'The URL points at ::1,' },
    {
      url: 'http://[::ffff:127.0.0.1]/',
      expected: 'address_refused',
      message: 'The URL points at ::ffff:7f00:1 (which carries the IPv4 address 127.0.0.1), a loopback address (this machine);',
    },
    { url: 'http://[::ffff:7f00:1]/', expected: 'address_refused', message: '(which carries the IPv4 address 127.0.0.1)' },
    { url: 'http://[::127.0.0.1]/', expected: 'address_refused', message: '(which carries the IPv4 address 127.0.0.1)' },
    { url: 'http://[64:ff9b::127.0.0.1]/', expected: 'address_refused', message: '(which carries the IPv4 address 127.0.0.1)' },
    { url: 'http://[2002:7f00:1::]/', expected: 'address_refused', message: '(which carries the IPv4 address 127.0.0.1)' },
    {
      url: 'http://localhost:3000/',
      expected: 'address_refused',
      message:
        'localhost always means this machine (a loopback address); Tocsin does not connect to internal addresses unless OUTBOUND_ALLOW lists the host.',
    },
    { url: 'http://LOCALHOST./', expected: 'address_refused', message: 'localhost. always means this machine' },
    { url: 'http://api.localhost/', expected: 'address_refused', message: 'api.localhost always means this machine' },
    // metadata, unspecified, private and the other internal ranges
    {
      url: 'https://169.254.169.254/latest/meta-data/',
      expected: 'address_refused',
      message: 'The URL points at 169.254.169.254, a link-local address (the cloud metadata service);',
    },
    {
      url: 'http://[fd00:ec2::254]/',
      expected: 'address_refused',
      message: 'a unique-local (private IPv6) address (the AWS metadata service over IPv6)',
    },
    { url: 'http://[::ffff:a9fe:a9fe]/', expected: 'address_refused', message: 'the cloud metadata service' },
    { url: 'http://0/', expected: 'address_refused', message: 'The URL points at 0.0.0.0, an unspecified address' },
    { url: 'http://0.0.0.0:8080/', expected: 'address_refused' },
    { url: 'http://[::]/', expected: 'address_refused', message: 'The URL points at ::, an unspecified address' },
    { url: 'http://10.0.0.5/', expected: 'address_refused', message: 'The URL points at 10.0.0.5, a private address;' },
    { url: 'http://172.16.0.1/', expected: 'address_refused' },
    { url: 'http://192.168.1.1/', expected: 'address_refused' },
    { url: 'http://100.64.0.1/', expected: 'address_refused', message: 'a shared (carrier-grade NAT) address' },
    { url: 'http://224.0.0.1/', expected: 'address_refused', message: 'a multicast address' },
    { url: 'http://255.255.255.255/', expected: 'address_refused', message: 'the broadcast address' },
    { url: 'http://[fe80::1]/', expected: 'address_refused', message: 'a link-local address' },
    { url: 'http://[fc00::1]/', expected: 'address_refused' },
    // the allowlist: an address or range lets the literal through; a host name does not cover an address
    { url: 'http://127.1:8080/', allow: '127.0.0.1', expected: 'ok' },
    { url: 'http://2130706433/', allow: '127.0.0.0/8', expected: 'ok' },
    { url: 'http://[::ffff:127.0.0.1]/', allow: '127.0.0.1', expected: 'ok' },
    { url: 'http://[::1]/', allow: '::1', expected: 'ok' },
    { url: 'http://10.0.0.5/', allow: '10.0.0.0/8', expected: 'ok' },
    { url: 'http://10.0.0.5/', allow: '10.0.0.0/24, localhost', expected: 'ok' },
    { url: 'http://10.1.0.5/', allow: '10.0.0.0/16', expected: 'address_refused' },
    { url: 'http://127.0.0.1/', allow: 'localhost', expected: 'address_refused' },
    { url: 'http://localhost:3000/', allow: 'localhost', expected: 'ok' },
    { url: 'http://localhost:3000/', allow: '127.0.0.1', expected: 'address_refused' },
    { url: 'http://api.localhost/', allow: '*.localhost', expected: 'ok' },
    // the allowlist never admits another scheme or credentials
    { url: 'ftp://127.0.0.1/', allow: '127.0.0.1', expected: 'scheme_refused' },
    { url: 'http://u:p@127.0.0.1/', allow: '127.0.0.1', expected: 'credentials_refused' },
  ];

  it.each(CASES)('$url (OUTBOUND_ALLOW=$allow) → $expected', ({ url, allow: allowText, expected, message }) => {
    const check = checkOutboundUrl(url, allow(allowText ?? ''));
    expect(check.ok ? 'ok' : check.code).toBe(expected);
    if (message) expect(check.ok ? '' : check.message).toContain(message);
  });

  it('accepts a URL object as well as a string', () => {
    expect(checkOutboundUrl(new URL('http://127.1/'), NO_ALLOW)).toMatchObject({ ok: false, code: 'address_refused' });
  });
});

describe('verifyOutboundUrl (before saving): the host name is resolved and every address judged', () => {
  const dns = fakeDns({
    'evil.test': [v4('127.0.0.1')],
    'mixed.test': [v4('93.184.215.14'), v4('10.0.0.5')],
    'mapped.test': [v6('::ffff:127.0.0.1')],
    'metadata.test': [v4('169.254.169.254')],
    'webhooks.internal': [v4('10.0.0.5')],
    'public.test': [v4('93.184.215.14'), v6('2606:2800:21f:cb07:6820:80da:af6b:8b2c')],
    'empty.test': [],
  });

  type TCase = { url: string; allow?: string; expected: 'ok' | string; message?: string };
  const CASES: TCase[] = [
    { url: 'https://public.test/hook', expected: 'ok' },
    {
      url: 'https://webhooks.internal/hook',
      expected: 'address_refused',
      message:
        'webhooks.internal resolves to 10.0.0.5, a private address; Tocsin does not connect to internal addresses unless OUTBOUND_ALLOW lists the host.',
    },
    {
      url: 'http://evil.test:8080/',
      expected: 'address_refused',
      message: 'evil.test resolves to 127.0.0.1, a loopback address (this machine);',
    },
    { url: 'http://EVIL.test./', expected: 'address_refused', message: 'evil.test resolves to 127.0.0.1' },
    {
      url: 'http://mixed.test/',
      expected: 'address_refused',
      message:
        'mixed.test resolves to 2 addresses (93.184.215.14, 10.0.0.5), and 10.0.0.5 is a private address; Tocsin does not connect to internal addresses unless OUTBOUND_ALLOW lists the host.',
    },
    {
      url: 'http://mapped.test/',
      expected: 'address_refused',
      message: '::ffff:127.0.0.1 (which carries the IPv4 address 127.0.0.1), a loopback',
    },
    { url: 'http://metadata.test/', expected: 'address_refused', message: 'the cloud metadata service' },
    {
      url: 'http://nowhere.test/',
      expected: 'host_not_found',
      message: 'Could not find the address of nowhere.test (ENOTFOUND); check the host name.',
    },
    { url: 'http://empty.test/', expected: 'host_not_found' },
    // a host listed by name may connect to whatever it resolves to; a listed range covers any name that resolves into it
    { url: 'https://webhooks.internal/hook', allow: 'webhooks.internal', expected: 'ok' },
    { url: 'https://webhooks.internal/hook', allow: '*.internal', expected: 'ok' },
    { url: 'https://webhooks.internal/hook', allow: '10.0.0.0/8', expected: 'ok' },
    { url: 'https://webhooks.internal/hook', allow: '10.0.0.6', expected: 'address_refused' },
    { url: 'http://mixed.test/', allow: '10.0.0.0/8', expected: 'ok' },
    { url: 'http://mixed.test/', allow: 'evil.test', expected: 'address_refused' },
    { url: 'http://mapped.test/', allow: '127.0.0.1', expected: 'ok' },
    // the syntactic checks come first
    { url: 'ftp://public.test/', expected: 'scheme_refused' },
  ];

  it.each(CASES)('$url (OUTBOUND_ALLOW=$allow) → $expected', async ({ url, allow: allowText, expected, message }) => {
    const check = await verifyOutboundUrl(url, allow(allowText ?? ''), { resolve: dns });
    expect(check.ok ? 'ok' : check.code).toBe(expected);
    if (message) expect(check.ok ? '' : check.message).toContain(message);
  });

  it('resolveOutboundUrl returns the addresses that were checked, and throws the refusal', async () => {
    const target = await resolveOutboundUrl('https://public.test/hook', NO_ALLOW, { resolve: dns });
    expect(target.addresses).toEqual([v4('93.184.215.14'), v6('2606:2800:21f:cb07:6820:80da:af6b:8b2c')]);
    expect(target.url.href).toBe('https://public.test/hook');
    const refusal = await refusalOf(resolveOutboundUrl('https://webhooks.internal/', NO_ALLOW, { resolve: dns }));
    expect(refusal).toMatchObject({ code: 'address_refused', isPermanent: true });
  });

  it('asks no resolver about an IP address or a refused URL', async () => {
    const counting = fakeDns({});
    expect(await verifyOutboundUrl('http://8.8.8.8/', NO_ALLOW, { resolve: counting })).toMatchObject({ ok: true });
    expect(await verifyOutboundUrl('http://127.1/', NO_ALLOW, { resolve: counting })).toMatchObject({ code: 'address_refused' });
    expect(await verifyOutboundUrl('http://localhost/', NO_ALLOW, { resolve: counting })).toMatchObject({ code: 'address_refused' });
    expect(counting.calls).toEqual([]);
  });

  it('uses the system resolver by default: localhost, once allowlisted by name, resolves to loopback and passes', async () => {
    expect(await verifyOutboundUrl('http://localhost:1/', allow('localhost'))).toMatchObject({ ok: true });
    const target = await resolveOutboundUrl('http://localhost:1/', allow('localhost'));
    expect(target.addresses.map((a) => a.address).every((a) => a === '127.0.0.1' || a === '::1')).toBe(true);
  });
});

describe('outboundFetch against a real loopback server', () => {
  let receiver: THttpReceiver;
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(() => {
    receiver.requests.length = 0;
    receiver.respondWith({ status: 200, body: 'ok' });
  });

  const url = (host: string, pathname = '/hook') => `http://${host}:${receiver.port}${pathname}`;

  it.each([
    '127.0.0.1',
    '127.1',
    '2130706433',
    '0x7f.0.0.1',
    '0177.0.0.1',
    '127.0.0.1.',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    'localhost',
  ])('http://%s:<port>/ is refused by default, and nothing reaches the server', async (host) => {
    const refusal = await refusalOf(outboundFetch(url(host), { method: 'POST', body: 'x' }, { policy: NO_ALLOW, timeoutMs: 2000 }));
    expect(refusal.code).toBe('address_refused');
    expect(refusal.message).toMatch(/loopback address.*OUTBOUND_ALLOW/);
    expect(receiver.requests).toHaveLength(0);
  });

  it.each(['127.0.0.1', '127.1', '2130706433', '0x7f.0.0.1', '0177.0.0.1', '[::ffff:127.0.0.1]'])(
    'http://%s:<port>/ reaches 127.0.0.1 when OUTBOUND_ALLOW=127.0.0.1',
    async (host) => {
      const res = await outboundFetch(url(host), { method: 'POST', body: 'x' }, { policy: allow('127.0.0.1'), timeoutMs: 2000 });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok');
      expect(receiver.requests).toHaveLength(1);
    },
  );

  it('reaches the server through the system resolver when OUTBOUND_ALLOW=localhost', async () => {
    const res = await outboundFetch(url('localhost'), {}, { policy: allow('localhost'), timeoutMs: 2000 });
    expect(res.status).toBe(200);
    expect(receiver.requests[0]?.headers.host).toBe(`localhost:${receiver.port}`);
  });

  it('refuses a name that resolves to loopback, and one with a public and a private address, before connecting', async () => {
    const dns = fakeDns({ 'evil.test': [v4('127.0.0.1')], 'mixed.test': [v4('93.184.215.14'), v4('127.0.0.1')] });
    for (const host of ['evil.test', 'mixed.test']) {
      const refusal = await refusalOf(outboundFetch(url(host), {}, { policy: NO_ALLOW, timeoutMs: 2000, resolve: dns }));
      expect(refusal.code).toBe('address_refused');
      expect(refusal.message).toContain(`${host} resolves to`);
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('sends the method, headers and body, with the Host header of the URL', async () => {
    const dns = fakeDns({ 'hooks.test': [v4('127.0.0.1')] });
    const res = await outboundFetch(
      url('hooks.test'),
      { method: 'POST', headers: { 'content-type': 'application/json', 'x-tocsin-event': 'ping' }, body: '{"a":1}' },
      { policy: allow('hooks.test'), timeoutMs: 2000, resolve: dns },
    );
    expect(res.status).toBe(200);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hook', body: '{"a":1}', json: { a: 1 } });
    expect(request?.headers).toMatchObject({
      host: `hooks.test:${receiver.port}`,
      'content-type': 'application/json',
      'x-tocsin-event': 'ping',
    });
  });

  it('connects to the checked address only: the resolver is asked once, and a different second answer is never used', async () => {
    // 'pinned.test' exists in no real DNS, so reaching the server at all proves undici did not look it up itself;
    // if anything asked the injected resolver again, it would get 127.0.0.2, where nothing listens.
    const dns = fakeDns({ 'pinned.test': [[v4('127.0.0.1')], [v4('127.0.0.2')]] });
    const res = await outboundFetch(url('pinned.test'), {}, { policy: allow('pinned.test'), timeoutMs: 2000, resolve: dns });
    expect(res.status).toBe(200);
    expect(dns.calls).toEqual(['pinned.test']);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.headers.host).toBe(`pinned.test:${receiver.port}`);
  });

  it('checks again on every request: a kept-alive connection does not let a changed, refused answer through', async () => {
    const dns = fakeDns({ 'rebind.test': [[v4('127.0.0.1')], [v4('10.0.0.5')]] });
    const policy = allow('127.0.0.1');
    const first = await outboundFetch(url('rebind.test'), {}, { policy, timeoutMs: 2000, resolve: dns });
    expect(first.status).toBe(200);
    const refusal = await refusalOf(outboundFetch(url('rebind.test'), {}, { policy, timeoutMs: 2000, resolve: dns }));
    expect(refusal.message).toContain('rebind.test resolves to 10.0.0.5, a private address');
    expect(dns.calls).toEqual(['rebind.test', 'rebind.test']);
    expect(receiver.requests).toHaveLength(1);
  });

  it('keeps serving while more hosts are in use than connections are kept for (an evicted agent is not cut off mid-request)', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `h${i}.test`);
    const dns = fakeDns(Object.fromEntries(names.map((n) => [n, [v4('127.0.0.1')]])));
    const policy = allow('*.test');
    const statuses = await Promise.all(
      names.map((n) => outboundFetch(url(n), {}, { policy, timeoutMs: 5000, resolve: dns }).then((res) => res.status)),
    );
    expect(statuses).toEqual(names.map(() => 200));
    expect(receiver.requests).toHaveLength(100);
  });

  it('connects to an allowed IPv6 loopback literal', async () => {
    const server = http.createServer((_req, res) => res.end('v6'));
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await outboundFetch(`http://[::1]:${port}/`, {}, { policy: allow('::1'), timeoutMs: 2000 });
      expect(await res.text()).toBe('v6');
    } finally {
      server.close();
    }
  });

  it.each([301, 302, 303, 307, 308])('does not follow a %i redirect, and does not repeat where it pointed', async (status) => {
    const inside = await startHttpReceiver();
    try {
      receiver.respondWith({ status, headers: { location: `${inside.url}/internal-secret` } });
      const refusal = await refusalOf(
        outboundFetch(url('127.0.0.1'), { method: 'POST', body: 'x' }, { policy: allow('127.0.0.1'), timeoutMs: 2000 }),
      );
      expect(refusal).toMatchObject({ code: 'redirect_refused', responseCode: status, isPermanent: true });
      expect(refusal.message).toBe(
        `http://127.0.0.1:${receiver.port} answered HTTP ${status}, a redirect; Tocsin does not follow redirects, so use the final URL instead.`,
      );
      expect(refusal.message).not.toContain('internal-secret');
      expect(refusal.message).not.toContain(String(inside.port));
      expect(receiver.requests).toHaveLength(1);
      expect(inside.requests).toHaveLength(0);
      expect(classifyOutboundError(refusal, 'the webhook', 2000)).toEqual({
        ok: false,
        kind: 'permanent',
        error: refusal.message,
        responseCode: status,
      });
    } finally {
      await inside.close();
    }
  });

  it('does not follow a redirect to the same server either', async () => {
    receiver.respondWith((req) =>
      req.path === '/hook' ? { status: 302, headers: { location: '/other' } } : { status: 200, body: 'followed' },
    );
    const refusal = await refusalOf(outboundFetch(url('127.0.0.1'), {}, { policy: allow('127.0.0.1'), timeoutMs: 2000 }));
    expect(refusal.code).toBe('redirect_refused');
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook']);
  });

  it('returns other answers as a Response the outcome rules understand', async () => {
    receiver.respondWith({ status: 503, headers: { 'retry-after': '7' }, body: 'busy' });
    const res = await outboundFetch(url('127.0.0.1'), {}, { policy: allow('127.0.0.1'), timeoutMs: 2000 });
    expect(res.status).toBe(503);
    expect(res.isBodyTruncated).toBe(false);
    expect(await classifyHttpFailure(res, 'The webhook', 0)).toEqual({
      ok: false,
      kind: 'transient',
      error: 'The webhook answered HTTP 503 Service Unavailable: busy',
      responseCode: 503,
      retryAfterMs: 7000,
      isEndpointFailure: true,
    });
  });

  it('returns a 204 with an empty body', async () => {
    receiver.respondWith({ status: 204 });
    const res = await outboundFetch(url('127.0.0.1'), {}, { policy: allow('127.0.0.1'), timeoutMs: 2000 });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it(`reads at most maxResponseBytes (default ${DEFAULT_MAX_RESPONSE_BYTES}) of the body`, async () => {
    receiver.respondWith({ status: 200, body: 'a'.repeat(200_000) });
    const capped = await outboundFetch(url('127.0.0.1'), {}, { policy: allow('127.0.0.1'), timeoutMs: 2000 });
    expect((await capped.text()).length).toBe(DEFAULT_MAX_RESPONSE_BYTES);
    expect(capped.isBodyTruncated).toBe(true);

    const small = await outboundFetch(url('127.0.0.1'), {}, { policy: allow('127.0.0.1'), timeoutMs: 2000, maxResponseBytes: 10 });
    expect(await small.text()).toBe('aaaaaaaaaa');
    expect(small.isBodyTruncated).toBe(true);

    receiver.respondWith({ status: 200, body: 'b'.repeat(1000) });
    const exact = await outboundFetch(url('127.0.0.1'), {}, { policy: allow('127.0.0.1'), timeoutMs: 2000, maxResponseBytes: 1000 });
    expect((await exact.text()).length).toBe(1000);
    expect(exact.isBodyTruncated).toBe(false);
  });

  it('stops reading a body that never ends, and closes that connection', async () => {
    let closedAt = 0;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'z');
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => {
        clearInterval(timer);
        closedAt = Date.now();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const started = Date.now();
      const res = await outboundFetch(
        `http://127.0.0.1:${port}/`,
        {},
        { policy: allow('127.0.0.1'), timeoutMs: 5000, maxResponseBytes: 100_000 },
      );
      expect(res.isBodyTruncated).toBe(true);
      expect((await res.arrayBuffer()).byteLength).toBe(100_000);
      expect(Date.now() - started).toBeLessThan(2000);
      await expect.poll(() => closedAt, { timeout: 2000 }).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('raises a TimeoutError when the server does not answer in time', async () => {
    receiver.respondWith('hang');
    const started = Date.now();
    const err = await rejectionOf(outboundFetch(url('127.0.0.1'), {}, { policy: allow('127.0.0.1'), timeoutMs: 300 }));
    expect(err.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(classifyOutboundError(err, 'the webhook', 300)).toMatchObject({
      kind: 'transient',
      error: 'the webhook did not answer within 0.3 s (timed out).',
    });
  });

  it('raises a TimeoutError when the body stops coming', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('start');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const err = await rejectionOf(outboundFetch(`http://127.0.0.1:${port}/`, {}, { policy: allow('127.0.0.1'), timeoutMs: 300 }));
      expect(err.name).toBe('TimeoutError');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('raises a TimeoutError when the resolver does not answer in time', async () => {
    const err = await rejectionOf(
      outboundFetch(
        'http://slow.test/',
        {},
        { policy: NO_ALLOW, timeoutMs: 100, resolve: () => new Promise<TResolvedAddress[]>(() => {}) },
      ),
    );
    expect(err.name).toBe('TimeoutError');
  });

  it('stops when its signal aborts (Tocsin is stopping)', async () => {
    receiver.respondWith('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await rejectionOf(
      outboundFetch(url('127.0.0.1'), {}, { policy: allow('127.0.0.1'), timeoutMs: 5000, signal: controller.signal }),
    );
    expect(err.name).toBe('AbortError');
    expect(classifyOutboundError(err, 'the webhook', 5000)).toMatchObject({
      kind: 'transient',
      error: 'The request to the webhook was cancelled (Tocsin is stopping).',
    });
  });

  it('reports a name that does not resolve the way fetch does, so it is retried as "host name not found"', async () => {
    const err = await rejectionOf(outboundFetch('http://nowhere.test/', {}, { policy: NO_ALLOW, timeoutMs: 2000, resolve: fakeDns({}) }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.cause?.code).toBe('ENOTFOUND');
    expect(classifyOutboundError(err, 'the webhook', 2000)).toMatchObject({
      kind: 'transient',
      error: expect.stringContaining('host name not found, ENOTFOUND'),
    });
  });

  it('reports a refused connection as a network error (transient)', async () => {
    const closed = await startHttpReceiver();
    await closed.close();
    const err = await rejectionOf(outboundFetch(`http://127.0.0.1:${closed.port}/`, {}, { policy: allow('127.0.0.1'), timeoutMs: 2000 }));
    expect(classifyOutboundError(err, 'the webhook', 2000)).toMatchObject({
      kind: 'transient',
      error: expect.stringContaining('connection refused'),
    });
  });

  it('turns every refusal into a permanent outcome', async () => {
    for (const target of ['ftp://x.example/', 'http://u:p@x.example/', 'http://10.0.0.5/', 'not a url']) {
      const refusal = await refusalOf(outboundFetch(target, {}, { policy: NO_ALLOW, timeoutMs: 2000 }));
      expect(classifyOutboundError(refusal, 'the webhook', 2000)).toEqual({ ok: false, kind: 'permanent', error: refusal.message });
    }
  });
});

/** A self-signed certificate for tls.test, made with openssl at test time; null (the TLS tests skip) when openssl is missing. */
function makeCertificate(): { key: string; cert: string } | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=tls.test',
        '-addext',
        'subjectAltName=DNS:tls.test',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const certificate = makeCertificate();

describe.skipIf(!certificate)('outboundFetch over TLS to a pinned address', () => {
  let server: https.Server;
  let port: number;
  const seen: { servername: string | false | null; host: string | undefined }[] = [];
  const dns = fakeDns({ 'tls.test': [v4('127.0.0.1')], 'other.test': [v4('127.0.0.1')] });
  const policy = allow('tls.test other.test');

  beforeAll(async () => {
    server = https.createServer({ key: certificate!.key, cert: certificate!.cert }, (req, res) => {
      seen.push({ servername: (req.socket as TLSSocket).servername, host: req.headers.host });
      res.end('secure');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends SNI and checks the certificate against the host name, not the pinned address', async () => {
    const res = await outboundFetch(`https://tls.test:${port}/`, {}, { policy, timeoutMs: 2000, resolve: dns, ca: certificate!.cert });
    expect(await res.text()).toBe('secure');
    expect(seen.at(-1)).toEqual({ servername: 'tls.test', host: `tls.test:${port}` });
  });

  it('refuses a certificate for another name, though the address is the same', async () => {
    const err = await rejectionOf(
      outboundFetch(`https://other.test:${port}/`, {}, { policy, timeoutMs: 2000, resolve: dns, ca: certificate!.cert }),
    );
    expect(err.cause?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('refuses a certificate for an IP address URL, whose name is not in the certificate', async () => {
    const err = await rejectionOf(
      outboundFetch(`https://127.0.0.1:${port}/`, {}, { policy: allow('127.0.0.1'), timeoutMs: 2000, ca: certificate!.cert }),
    );
    expect(err.cause?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('keeps the default roots when no CA is given, so a self-signed receiver is not trusted', async () => {
    const err = await rejectionOf(outboundFetch(`https://tls.test:${port}/`, {}, { policy, timeoutMs: 2000, resolve: dns }));
    expect(err.cause?.code).toMatch(/SELF_SIGNED/);
  });
});

describe('resolveSmtpTarget', () => {
  const dns = fakeDns({
    'mail.internal': [v4('10.0.0.5')],
    'smtp.example.com': [v4('93.184.215.14'), v6('2606:2800:21f:cb07:6820:80da:af6b:8b2c')],
    'mail.test': [v4('127.0.0.1')],
  });

  type TCase = { host: string; port?: number; allow?: string; expected: Record<string, unknown> | string; message?: string };
  const CASES: TCase[] = [
    {
      host: 'smtp.example.com',
      expected: { address: '93.184.215.14', family: 4, port: 587, servername: 'smtp.example.com' },
    },
    { host: ' SMTP.Example.COM. ', expected: { address: '93.184.215.14', servername: 'smtp.example.com' } },
    {
      host: 'mail.internal',
      expected: 'address_refused',
      message:
        'The SMTP host mail.internal resolves to 10.0.0.5, a private address; Tocsin does not connect to internal addresses unless OUTBOUND_ALLOW lists the host.',
    },
    { host: 'mail.internal', allow: 'mail.internal', expected: { address: '10.0.0.5', servername: 'mail.internal' } },
    { host: 'mail.internal', allow: '10.0.0.0/8', expected: { address: '10.0.0.5', servername: 'mail.internal' } },
    {
      host: '127.1',
      expected: 'address_refused',
      message:
        'The SMTP host points at 127.0.0.1, a loopback address (this machine); Tocsin does not connect to internal addresses unless OUTBOUND_ALLOW lists that address.',
    },
    { host: '2130706433', expected: 'address_refused', message: 'points at 127.0.0.1' },
    { host: '0x7f.0.0.1', expected: 'address_refused', message: 'points at 127.0.0.1' },
    { host: '::ffff:127.0.0.1', expected: 'address_refused', message: 'which carries the IPv4 address 127.0.0.1' },
    { host: '[::1]', expected: 'address_refused', message: 'points at ::1' },
    { host: '169.254.169.254', expected: 'address_refused', message: 'the cloud metadata service' },
    { host: 'localhost', expected: 'address_refused', message: 'The SMTP host localhost always means this machine' },
    { host: '10.0.0.5', allow: '10.0.0.0/8', expected: { address: '10.0.0.5', servername: undefined } },
    { host: '[::1]', allow: '::1', expected: { address: '::1', family: 6, servername: undefined } },
    { host: '::1', allow: '::1', expected: { address: '::1', servername: undefined } },
    {
      host: 'smtp.example.com:25',
      expected: 'invalid_host',
      message: 'The SMTP host "smtp.example.com:25" is not a valid host name or IP address.',
    },
    { host: 'user@smtp.example.com', expected: 'invalid_host' },
    { host: 'smtp.example.com/x', expected: 'invalid_host' },
    { host: 'a b', expected: 'invalid_host' },
    { host: '', expected: 'invalid_host' },
    { host: '256.0.0.1', expected: 'invalid_host' },
    { host: 'fe80::1%eth0', expected: 'invalid_host', message: 'zone id' },
    { host: 'smtp.example.com', port: 0, expected: 'invalid_host', message: 'The SMTP port must be a number from 1 to 65535, not 0.' },
    { host: 'smtp.example.com', port: 65536, expected: 'invalid_host' },
    { host: 'smtp.example.com', port: 25.5, expected: 'invalid_host' },
  ];

  it.each(CASES)('$host:$port (OUTBOUND_ALLOW=$allow) → $expected', async ({ host, port = 587, allow: allowText, expected, message }) => {
    const result = await resolveSmtpTarget(host, port, allow(allowText ?? ''), { resolve: dns }).catch((err: unknown) => {
      if (err instanceof OutboundRefusedError) return err;
      throw err;
    });
    if (typeof expected === 'string') {
      expect(result).toBeInstanceOf(OutboundRefusedError);
      expect((result as OutboundRefusedError).code).toBe(expected);
      if (message) expect((result as OutboundRefusedError).message).toContain(message);
    } else {
      expect(result).toMatchObject(expected);
    }
  });

  it('returns every checked address, the first as `address`', async () => {
    const target = await resolveSmtpTarget('smtp.example.com', 465, NO_ALLOW, { resolve: dns });
    expect(target.addresses).toEqual([v4('93.184.215.14'), v6('2606:2800:21f:cb07:6820:80da:af6b:8b2c')]);
  });

  it('gives nodemailer a target it delivers to (host: the checked address, the name kept for TLS)', async () => {
    const smtp = await startSmtpReceiver();
    try {
      const target = await resolveSmtpTarget('mail.test', smtp.port, allow('mail.test'), { resolve: dns });
      const transport = nodemailer.createTransport({
        host: target.address,
        port: target.port,
        ignoreTLS: true,
        tls: { servername: target.servername },
      });
      await transport.sendMail({ from: 'tocsin@example.test', to: 'soc@example.test', subject: 'pinned', text: 'hello' });
      transport.close();
      const [mail] = await smtp.waitForMessages(1);
      expect(mail?.envelopeTo).toEqual(['soc@example.test']);
      expect(dns.calls.filter((c) => c === 'mail.test')).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});

describe('OUTBOUND_ALLOW in the environment', () => {
  it('is empty by default: nothing internal is allowed', () => {
    const policy = createOutboundPolicy(parseEnv({}));
    expect(checkOutboundUrl('http://127.0.0.1/', policy)).toMatchObject({ ok: false, code: 'address_refused' });
  });

  it('is read into the policy', () => {
    const policy = createOutboundPolicy(parseEnv({ OUTBOUND_ALLOW: 'localhost, 10.0.0.0/8' }));
    expect(checkOutboundUrl('http://localhost:3000/', policy)).toMatchObject({ ok: true });
    expect(checkOutboundUrl('http://10.1.2.3/', policy)).toMatchObject({ ok: true });
    expect(checkOutboundUrl('http://192.168.0.1/', policy)).toMatchObject({ ok: false });
  });

  it('stops start-up with the bad entry named', () => {
    expect(() => parseEnv({ OUTBOUND_ALLOW: 'localhost 127.1' })).toThrow(
      'Invalid environment:\n  OUTBOUND_ALLOW: cannot read an entry: "127.1": a shorthand IPv4 address; write it as 127.0.0.1.',
    );
  });
});
