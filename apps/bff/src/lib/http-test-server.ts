/**
 * For tests that need what only a real HTTP server has: a socket with a peer address (the login throttle per
 * address, X-Forwarded-For), keep-alive connections, and what node:http does with an unread body. The app runs
 * on @hono/node-server on a free loopback port, exactly as server.ts runs it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

type TFetchApp = { fetch: (request: Request, ...rest: never[]) => Response | Promise<Response> };

export type TTestServer = { port: number; close: () => Promise<void> };

export async function startTestServer(app: TFetchApp): Promise<TTestServer> {
  const server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: app.fetch as never, hostname: '127.0.0.1', port: 0 }, () => resolve(s as http.Server)) as http.Server;
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type THttpAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * One request over node:http. `localAddress` picks the client's address (any 127.x.y.z on Linux loopback), so
 * tests can be "another machine"; `agent` reuses a keep-alive connection.
 */
export function sendHttp(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    localAddress?: string;
    agent?: http.Agent;
  },
): Promise<THttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        localAddress: options.localAddress,
        agent: options.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
