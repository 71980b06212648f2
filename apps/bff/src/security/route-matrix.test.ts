/**
 * The route × role matrix, generated from the OpenAPI document: every operation, called by every role (anonymous,
 * a user with no product access, the product's Reader, Writer and Maintainer, a superuser) with real ids and a
 * valid body, gets the answer security/expectations.ts says. An operation without an entry there fails.
 *
 * Every answer also carries the security headers, and every write sent with the session cookie but without the
 * CSRF header (what a cross-site form sends) is refused for every logged-in role before anything else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../auth/sessions';
import { createTestApp } from '../test-utils';
import { EXPECTATIONS, expectedOutcome, type TExpectation } from './expectations';
import { readOperations, sendOperation, type TOperation } from './openapi';
import { createWorld, ROLES, type TRoleName, type TWorld } from './world';

const { app, deps } = await createTestApp();
const operations = await readOperations(app);
await deps.cleanup();

const READS = operations.filter((op) => op.method === 'GET');
const WRITES = operations.filter((op) => op.method !== 'GET');
const LOGGED_IN = ROLES.filter((r) => r !== 'anonymous');

function expectationOf(op: TOperation): TExpectation {
  const exp = EXPECTATIONS[op.key];
  if (!exp) throw new Error(`route ${op.key} has no expected access; add it to security/expectations.ts`);
  return exp;
}

function expectSecurityHeaders(headers: Headers, what: string) {
  expect(headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
  expect(headers.get('content-security-policy'), what).not.toContain('unsafe-inline');
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBeTruthy();
  expect(headers.get('cache-control'), what).toBe('no-store');
}

function expectErrorShape(text: string, what: string) {
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, what).toBe('string');
  expect(typeof body.error?.message, what).toBe('string');
  return body.error as { code: string; message: string };
}

/** Calls the operation as the role and checks the answer against the table. */
async function check(w: TWorld, op: TOperation, exp: TExpectation, role: TRoleName) {
  const want = expectedOutcome(exp.access, role);
  const { status, text, headers } = await sendOperation(w, op, role, exp);
  const what = `${op.key} as ${role}: ${status} ${text.slice(0, 300)}`;
  expectSecurityHeaders(headers, what);
  if (want === 'ok') {
    expect(status, what).toBeGreaterThanOrEqual(200);
    expect(status, what).toBeLessThan(300);
  } else {
    expect(status, what).toBe(want);
    expectErrorShape(text, what);
  }
}

/** A cross-site form: the cookie rides along, the CSRF header does not. Refused, for every logged-in role. */
async function checkCsrf(w: TWorld, op: TOperation, exp: TExpectation) {
  for (const role of LOGGED_IN) {
    const { status, text } = await sendOperation(w, op, role, exp, { [CSRF_HEADER]: '' });
    const what = `${op.key} as ${role} without X-CSRF-Token: ${status} ${text.slice(0, 200)}`;
    // Login and logout are public: with a session cookie they still need the header.
    expect(status, what).toBe(403);
    expect(expectErrorShape(text, what).code, what).toBe('csrf_failed');
  }
}

/** Refused roles first (a refusal changes nothing), then the allowed ones. */
const byRefusalFirst = (exp: TExpectation) =>
  [...ROLES].sort((a, b) => Number(expectedOutcome(exp.access, a) === 'ok') - Number(expectedOutcome(exp.access, b) === 'ok'));

async function withOwnWorld(fn: (w: TWorld) => Promise<void>) {
  const own = await createWorld();
  try {
    await fn(own);
  } finally {
    await own.close();
  }
}

it('every operation of the OpenAPI document has an expected access, and every entry names a real operation', () => {
  const missing = operations
    .filter((op) => !EXPECTATIONS[op.key])
    .map((op) => `route ${op.key} has no expected access; add it to security/expectations.ts`);
  expect(missing).toEqual([]);
  const keys = new Set(operations.map((op) => op.key));
  expect(Object.keys(EXPECTATIONS).filter((k) => !keys.has(k))).toEqual([]);
  expect(operations.length).toBeGreaterThan(90);
});

// One world for the reads, then for the writes in the document's order; a write that would spoil it for the
// operations after it (`isolated`), or that an allowed role can make only once (`once`), gets a world of its own.
let shared: TWorld;
beforeAll(async () => {
  shared = await createWorld();
});
afterAll(async () => {
  await shared.close();
});

describe('reads', () => {
  for (const op of READS) {
    it(op.key, async () => {
      const exp = expectationOf(op);
      for (const role of byRefusalFirst(exp)) await check(shared, op, exp, role);
    });
  }
});

describe('writes', () => {
  for (const op of WRITES) {
    it(op.key, async () => {
      const exp = expectationOf(op);
      const run = async (w: TWorld) => {
        await checkCsrf(w, op, exp);
        for (const role of byRefusalFirst(exp)) {
          if (exp.once && expectedOutcome(exp.access, role) === 'ok') await withOwnWorld((own) => check(own, op, exp, role));
          else await check(w, op, exp, role);
        }
      };
      if (exp.isolated) await withOwnWorld(run);
      else await run(shared);
    });
  }
});
