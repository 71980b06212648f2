/**
 * A loopback HTTP receiver for webhook and Teams tests: records every request, checks the
 * X-Tocsin-Signature when given the signing secret, and answers what the test scripts
 * (2xx, 4xx, 5xx with Retry-After, a hang past the client's timeout, or a reset connection).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type TReceivedRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  /** null when no secret was given to check against. */
  isSignatureValid: boolean | null;
  at: number;
};

export type TReply = { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'reset';
/** May answer later (a promise): the test does something first, while the request is in flight. */
export type TResponder = (req: TReceivedRequest) => TReply | Promise<TReply>;

export type THttpReceiver = {
  url: string;
  port: number;
  requests: TReceivedRequest[];
  /** Change the answers from now on. */
  respondWith(responder: TResponder | TReply): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<TReceivedRequest[]>;
  close(): Promise<void>;
};

export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function startHttpReceiver(opts: { respond?: TResponder | TReply; signingSecret?: string } = {}): Promise<THttpReceiver> {
  const requests: TReceivedRequest[] = [];
  let responder: TResponder = toResponder(opts.respond ?? { status: 200, body: 'ok' });
  const waiters: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = body ? JSON.parse(body) : null;
      } catch {
        json = null;
      }
      const headerSig = req.headers['x-tocsin-signature'];
      const received: TReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        json,
        isSignatureValid: opts.signingSecret
          ? verifySignature(opts.signingSecret, body, typeof headerSig === 'string' ? headerSig : undefined)
          : null,
        at: Date.now(),
      };
      requests.push(received);
      for (const w of [...waiters]) {
        if (requests.length >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      void Promise.resolve(responder(received)).then((reply) => {
        if (reply === 'hang') return;
        if (reply === 'reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    respondWith(next) {
      responder = toResponder(next);
    },
    waitForRequests(count, timeoutMs = 5000) {
      if (requests.length >= count) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} requests, got ${requests.length}`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function toResponder(r: TResponder | TReply): TResponder {
  return typeof r === 'function' ? r : () => r;
}
