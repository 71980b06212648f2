/**
 * A property-based fuzz of every write operation (POST, PUT, PATCH, DELETE) of the OpenAPI document, as a superuser
 * and as a user without access: arbitrary JSON, the operation's valid body with one field turned into something
 * else (wrong types, huge strings, control and bidi-override characters), unknown and `__proto__` keys, broken
 * JSON and other content types. Whatever comes in, the answer is never a 5xx, and a 4xx is the one error shape
 * `{ error: { code, message } }` with a message a person can read. Anonymous callers get 401 from every route but
 * the public ones, whatever they send: authentication comes before validation.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, createSession, SESSION_COOKIE } from '../auth/sessions';
import type { TResolveHost } from '../delivery/outbound';
import { createTestApp } from '../test-utils';
import { EXPECTATIONS } from './expectations';
import { fillPath, readOperations, type TOperation } from './openapi';
import { createWorld, type TWorld } from './world';

const NUM_RUNS = 12;

const { app: docApp, deps: docDeps } = await createTestApp();
const WRITES = (await readOperations(docApp)).filter((op) => op.method !== 'GET');
await docDeps.cleanup();

/** Text that has broken things before: controls, bidi overrides, lone surrogates, long and very long runs. */
const nastyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\r\nb',
    '\u202eevil\u202c',
    '\u2066\u2067\u2068\u2069',
    '\ud800',
    '\udfff\ud800',
    '👩‍👩‍👧‍👦'.repeat(300),
    'x'.repeat(70_000),
    '[x](javascript:alert(1))',
    '<script>alert(1)</script>',
    '2026-02-31',
    '../../etc/passwd',
    '%00',
    'NaN',
    '1e309',
  ),
);

/** A value of any JSON type, including the nasty texts and numbers at the edges. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nastyText,
  fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, true, false, null, [], {}),
  fc.array(nastyText, { maxLength: 5 }),
);

type TRequestBody = { text: string; contentType: string };

/** A JSON object text with a `__proto__` key (JSON.stringify cannot write one from an object literal). */
const withProtoKey = (base: Record<string, unknown>, value: unknown) => {
  const rest = JSON.stringify(base).slice(1);
  return `{"__proto__":${JSON.stringify(value)}${rest === '}' ? '}' : `,${rest}`}`;
};

function bodies(valid: Record<string, unknown> | null): fc.Arbitrary<TRequestBody> {
  const json = (value: unknown): TRequestBody => ({ text: JSON.stringify(value) ?? 'null', contentType: 'application/json' });
  const base = valid ?? {};
  const keys = Object.keys(base);
  const options: fc.Arbitrary<TRequestBody>[] = [
    anyValue.map(json),
    fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 6 }).map(json),
    fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), anyValue).map(([k, v]) => json({ ...base, [`x_${k}`]: v })),
    anyValue.map((v) => ({ text: withProtoKey(base, v), contentType: 'application/json' })),
    anyValue.map((v) => ({ text: `{"constructor":{"prototype":${JSON.stringify(v) ?? 'null'}}}`, contentType: 'application/json' })),
    fc
      .constantFrom('{', '{"a":', '[1,2', 'nul', '{"a":1}}', '\u0000', '{"a":"\\ud800"}')
      .map((text) => ({ text, contentType: 'application/json' })),
    fc
      .tuple(nastyText, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/xml'))
      .map(([text, contentType]) => ({ text, contentType })),
  ];
  if (keys.length > 0) {
    options.push(fc.tuple(fc.constantFrom(...keys), anyValue).map(([k, v]) => json({ ...base, [k]: v })));
    options.push(fc.constantFrom(...keys).map((k) => json(Object.fromEntries(Object.entries(base).filter(([key]) => key !== k)))));
  }
  return fc.oneof(...options);
}

/** Nothing outside resolves: a fuzzed host name must not wait on real DNS. */
const resolveNothing: TResolveHost = async (hostname) => {
  throw Object.assign(new Error(`${hostname} not found`), { code: 'ENOTFOUND' });
};

let w: TWorld;
/** Error codes seen, to show the fuzz reached validation and the JSON gate rather than stopping at the door. */
const codesSeen = new Map<string, number>();
beforeAll(async () => {
  w = await createWorld();
  w.deps.resolveHost = resolveNothing;
}, 60_000);
afterAll(async () => {
  await w?.close();
});

/** A fresh session per request: a fuzzed logout or password change must not blind the runs after it. */
async function send(op: TOperation, role: TFuzzRole, body: TRequestBody) {
  const exp = EXPECTATIONS[op.key];
  const path = fillPath(op.path, w, exp?.params?.(w, role));
  const headers: Record<string, string> = { 'content-type': body.contentType };
  if (role !== 'anonymous') {
    const { cookieValue, csrfToken } = await createSession(w.deps, w.users[role].id);
    headers.cookie = `${SESSION_COOKIE}=${cookieValue}`;
    headers[CSRF_HEADER] = csrfToken;
  }
  return w.app.request(`http://localhost${path}`, { method: op.method, headers, body: body.text });
}

type TFuzzRole = 'superuser' | 'stranger' | 'anonymous';

describe.each(['superuser', 'stranger', 'anonymous'] as const)('fuzzing every write operation as %s', (role) => {
  it.each(WRITES.map((op) => [op.key, op] as const))('%s: never a 5xx, every 4xx in the one error shape', async (_key, op) => {
    const exp = EXPECTATIONS[op.key];
    const valid = exp?.body && !exp.multipart ? (exp.body(w, role === 'anonymous' ? 'stranger' : role) as Record<string, unknown>) : null;
    await fc.assert(
      fc.asyncProperty(bodies(valid && typeof valid === 'object' ? valid : null), async (body) => {
        const res = await send(op, role, body);
        const text = await res.text();
        const what = `${op.key} as ${role} with ${body.contentType} ${body.text.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`;
        expect(res.status, what).toBeLessThan(500);
        // Authentication comes before validation: an anonymous caller learns nothing about a route's body.
        if (role === 'anonymous' && exp?.access.kind !== 'public') expect(res.status, what).toBe(401);
        if (res.status >= 400) {
          const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof parsed.error?.code, what).toBe('string');
          expect(typeof parsed.error?.message, what).toBe('string');
          expect(String(parsed.error?.message ?? '').length, what).toBeGreaterThan(0);
          codesSeen.set(parsed.error?.code as string, (codesSeen.get(parsed.error?.code as string) ?? 0) + 1);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

it('reached the validators, the JSON gate and the permission checks', () => {
  for (const code of ['validation_failed', 'invalid_json', 'unsupported_media_type', 'forbidden', 'not_found']) {
    expect(codesSeen.get(code) ?? 0, `${code} in ${JSON.stringify([...codesSeen])}`).toBeGreaterThan(0);
  }
});
