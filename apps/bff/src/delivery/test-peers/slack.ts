/**
 * A stand-in for the Slack Web API (point env.SLACK_API_URL at `url`): chat.postMessage and
 * users.lookupByEmail with Slack's answers (ok:false errors, HTTP 429 + Retry-After), checking the
 * bearer token. Scripted failures are consumed in order with failNext().
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type TSlackCall = { method: string; query: Record<string, string>; body: Record<string, unknown> | null; auth: string; at: number };

export type TSlackFailure =
  /** HTTP 429 with Retry-After (seconds). */
  | { kind: 'http429'; retryAfterSeconds: number }
  /** HTTP status with an empty body. */
  | { kind: 'http'; status: number }
  /** HTTP 200 with {ok:false, error}. */
  | { kind: 'error'; error: string };

export type TSlackStandIn = {
  url: string;
  token: string;
  calls: TSlackCall[];
  /** chat.postMessage bodies that were accepted. */
  posts: Record<string, unknown>[];
  /** Emails looked up with users.lookupByEmail. */
  lookups: string[];
  /** Slack users by email (edit freely). */
  users: Map<string, string>;
  failNext(method: string, failure: TSlackFailure, times?: number): void;
  waitForPosts(count: number, timeoutMs?: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
};

export async function startSlackStandIn(
  opts: { token?: string; users?: Record<string, string>; channels?: string[] } = {},
): Promise<TSlackStandIn> {
  const token = opts.token ?? 'xoxb-test-token';
  const usersByEmail = new Map(Object.entries(opts.users ?? {}).map(([e, id]) => [e.toLowerCase(), id]));
  const channels = opts.channels ? new Set(opts.channels) : null;
  const calls: TSlackCall[] = [];
  const posts: Record<string, unknown>[] = [];
  const lookups: string[] = [];
  const failures: { method: string; failure: TSlackFailure }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = url.pathname.replace(/^.*\//, '');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | null = null;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      const call: TSlackCall = {
        method,
        query: Object.fromEntries(url.searchParams),
        body,
        auth: req.headers.authorization ?? '',
        at: Date.now(),
      };
      calls.push(call);

      const scripted = failures.findIndex((f) => f.method === method);
      if (scripted !== -1) {
        const failure = (failures.splice(scripted, 1)[0] as { failure: TSlackFailure }).failure;
        if (failure.kind === 'http429')
          return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfterSeconds) });
        if (failure.kind === 'http') return send(res, failure.status, undefined);
        return send(res, 200, { ok: false, error: failure.error });
      }
      if (call.auth !== `Bearer ${token}`) return send(res, 200, { ok: false, error: call.auth ? 'invalid_auth' : 'not_authed' });

      if (method === 'users.lookupByEmail') {
        const email = (call.query.email ?? '').toLowerCase();
        lookups.push(email);
        const id = usersByEmail.get(email);
        return id
          ? send(res, 200, { ok: true, user: { id, profile: { email } } })
          : send(res, 200, { ok: false, error: 'users_not_found' });
      }
      if (method === 'chat.postMessage') {
        const channel = String(body?.channel ?? '');
        const isKnownUser = [...usersByEmail.values()].includes(channel);
        if (!channel || (channels && !channels.has(channel) && !isKnownUser))
          return send(res, 200, { ok: false, error: 'channel_not_found' });
        if (!body?.text && !body?.blocks) return send(res, 200, { ok: false, error: 'no_text' });
        posts.push(body as Record<string, unknown>);
        for (const w of [...waiters]) {
          if (posts.length >= w.count) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        return send(res, 200, { ok: true, channel, ts: `${Date.now() / 1000}` });
      }
      return send(res, 200, { ok: false, error: 'unknown_method' });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/api`,
    token,
    calls,
    posts,
    lookups,
    users: usersByEmail,
    failNext(method, failure, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ method, failure });
    },
    waitForPosts(count, timeoutMs = 5000) {
      if (posts.length >= count) return Promise.resolve(posts);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} Slack posts, got ${posts.length}`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(posts);
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
