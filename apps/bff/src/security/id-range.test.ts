/**
 * Ids beyond what a 32-bit key can hold name nothing: the routes of rules, destinations and the admin-managed
 * preferences answer them with a 4xx in the one error shape, never a 5xx. (PostgreSQL refuses such a number as an
 * integer parameter, so without a bound in the route's schema the query failed and the answer was a 500; SQLite
 * did not notice.) Every path parameter of those operations, and the id query parameters they added, are tried
 * past the edge, as a superuser (the only caller who gets past the permission check).
 *
 * The older routes (products, webhooks, …) still answer such ids with a 500 on PostgreSQL: a follow-up.
 */

import { MAX_INT_ID } from '@tocsin/contract/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPECTATIONS } from './expectations';
import { readOperations, sendOperation, type TOperation } from './openapi';
import { createWorld, type TWorld } from './world';

const FAMILIES = [
  /^\/api\/rules/,
  /^\/api\/system-rules/,
  /^\/api\/destinations/,
  /^\/api\/users\/(me|\{id\})\/(effective-notifications|notification-|rules)/,
];
const TOO_BIG = [MAX_INT_ID + 1, 99_999_999_999_999];

let w: TWorld;
let operations: TOperation[];
beforeAll(async () => {
  w = await createWorld();
  operations = (await readOperations(w.app)).filter((op) => FAMILIES.some((re) => re.test(op.path)));
}, 60_000);
afterAll(async () => {
  await w?.close();
});

function expectRefused(status: number, text: string, what: string) {
  expect(status, what).toBeGreaterThanOrEqual(400);
  expect(status, what).toBeLessThan(500);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, what).toBe('string');
  expect(typeof body.error?.message, what).toBe('string');
}

it('every path id past the 32-bit edge is a 4xx, not a 5xx', async () => {
  let tried = 0;
  for (const op of operations) {
    const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const exp = EXPECTATIONS[op.key];
    if (!exp) throw new Error(`route ${op.key} has no expected access; add it to security/expectations.ts`);
    for (const name of names) {
      for (const id of TOO_BIG) {
        const params = { ...exp.params?.(w, 'superuser'), [name]: id };
        const { status, text } = await sendOperation(w, op, 'superuser', { ...exp, params: () => params });
        expectRefused(status, text, `${op.key} with ${name}=${id} → ${status} ${text.slice(0, 200)}`);
        tried++;
      }
    }
  }
  expect(tried).toBeGreaterThan(20);
});

it('the id query parameters past the 32-bit edge are a 4xx, not a 5xx', async () => {
  for (const id of TOO_BIG) {
    for (const [role, path] of [
      ['superuser', `/api/users/me/effective-notifications?product_id=${id}`],
      ['stranger', `/api/users/me/effective-notifications?product_id=${id}`],
      ['superuser', `/api/users/${w.users.victim.id}/effective-notifications?product_id=${id}`],
      ['superuser', `/api/deliveries?destination_id=${id}`],
    ] as const) {
      const res = await w.send(role, 'GET', path);
      const text = await res.text();
      expectRefused(res.status, text, `GET ${path} as ${role} → ${res.status} ${text.slice(0, 200)}`);
    }
  }
});
