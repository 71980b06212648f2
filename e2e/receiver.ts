/** A loopback HTTP receiver standing in for a webhook endpoint or a Teams channel: answers `state.status` and records requests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type ReceiverOptions = { status?: number; path?: string; okBody?: string; errorBody?: string };

export async function startReceiver({
  status = 200,
  path = '/hook',
  okBody = 'ok',
  errorBody = 'receiver is broken',
}: ReceiverOptions = {}) {
  const state = { status };
  const requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      bodies.push(body);
      res.writeHead(state.status, { 'content-type': 'text/plain' });
      res.end(state.status < 400 ? okBody : errorBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    state,
    requests,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
