/**
 * A malformed scan upload must fail its request, not the process: a file part under another name in a form that
 * ends early left busboy's error on a file stream nobody listened to, an uncaught exception that ends a Node server.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CSRF_HEADER, SESSION_COOKIE } from '../auth/sessions';
import { createWorld, type TWorld } from './world';

let w: TWorld;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w.close();
});

const BOUNDARY = 'x-tocsin-boundary';
const upload = (body: string) =>
  w.app.request('http://localhost/api/imports', {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      cookie: `${SESSION_COOKIE}=${w.clients.stranger.cookie}`,
      [CSRF_HEADER]: w.clients.stranger.csrfToken,
    },
    body,
  });

it.each([
  [
    'a file part under another name, and the form ends early',
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="other"; filename="a.json"\r\n\r\n{"findings":[`,
  ],
  [
    'the file part, and the form ends early',
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.json"\r\n\r\n{"findings":[`,
  ],
  ['a field, and the form ends inside its headers', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="engagement_id"\r\n`],
  ['no parts at all', `--${BOUNDARY}--\r\n`],
])('%s: a 400 for the request, no uncaught exception', async (_label, body) => {
  const uncaught: unknown[] = [];
  const record = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', record);
  try {
    const res = await upload(body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.message).toBeTruthy();
    // Stream errors are emitted on the next ticks: give them time to surface.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('uncaughtException', record);
  }
  expect(uncaught).toEqual([]);
});
