/**
 * The route × role matrix, generated from the OpenAPI document: every operation, called by every role (anonymous,
 * a user with no product access, the product's Reader, Writer and Maintainer, a superuser) with real ids and a
 * valid body, gets the answer security/expectations.ts says. An operation without an entry there fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../test-utils';
import { EXPECTATIONS, expectedOutcome, type TExpectation } from './expectations';
import { readOperations, sendOperation, type TOperation } from './openapi';
import { createWorld, ROLES, type TRoleName, type TWorld } from './world';

const { app, deps } = await createTestApp();
const operations = await readOperations(app);
await deps.cleanup();

const READS = operations.filter((op) => op.method === 'GET');
const WRITES = operations.filter((op) => op.method !== 'GET');

function expectationOf(op: TOperation): TExpectation {
  const exp = EXPECTATIONS[op.key];
  if (!exp) throw new Error(`route ${op.key} has no expected access; add it to security/expectations.ts`);
  return exp;
}

/** Calls the operation as the role and checks the answer against the table. */
async function check(w: TWorld, op: TOperation, exp: TExpectation, role: TRoleName) {
  const want = expectedOutcome(exp.access, role);
  const { status, text } = await sendOperation(w, op, role, exp);
  const what = `${op.key} as ${role}: ${status} ${text.slice(0, 300)}`;
  if (want === 'ok') {
    expect(status, what).toBeGreaterThanOrEqual(200);
    expect(status, what).toBeLessThan(300);
  } else {
    expect(status, what).toBe(want);
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code, what).toBe('string');
    expect(typeof body.error?.message, what).toBe('string');
  }
}

/** Refused roles first (a refusal changes nothing), then the allowed ones. */
const byRefusalFirst = (exp: TExpectation) =>
  [...ROLES].sort((a, b) => Number(expectedOutcome(exp.access, a) === 'ok') - Number(expectedOutcome(exp.access, b) === 'ok'));

it('every operation of the OpenAPI document has an expected access, and every entry names a real operation', () => {
  const missing = operations
    .filter((op) => !EXPECTATIONS[op.key])
    .map((op) => `route ${op.key} has no expected access; add it to security/expectations.ts`);
  expect(missing).toEqual([]);
  const keys = new Set(operations.map((op) => op.key));
  expect(Object.keys(EXPECTATIONS).filter((k) => !keys.has(k))).toEqual([]);
  expect(operations.length).toBeGreaterThan(90);
});

describe('reads', () => {
  let w: TWorld;
  beforeAll(async () => {
    w = await createWorld();
  });
  afterAll(async () => {
    await w.close();
  });
  for (const op of READS) {
    it(op.key, async () => {
      const exp = expectationOf(op);
      for (const role of byRefusalFirst(exp)) await check(w, op, exp, role);
    });
  }
});

describe('writes (a fresh world for each operation)', () => {
  for (const op of WRITES) {
    it(op.key, async () => {
      const exp = expectationOf(op);
      const w = await createWorld();
      try {
        for (const role of byRefusalFirst(exp)) {
          if (exp.once && expectedOutcome(exp.access, role) === 'ok') {
            const own = await createWorld();
            try {
              await check(own, op, exp, role);
            } finally {
              await own.close();
            }
          } else {
            await check(w, op, exp, role);
          }
        }
      } finally {
        await w.close();
      }
    });
  }
});
