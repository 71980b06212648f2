/**
 * U+0000, which the fuzz found: PostgreSQL text cannot hold it (SQLite can), so a note, a search term or a scan file
 * with one failed with a 500 on PostgreSQL only. A JSON body with one is refused with a 400 naming the field; text
 * from elsewhere (queries, scan files) loses the character on both dialects alike.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { normalizeParam } from '../db/database';
import { sessionAuth, uploadScan } from '../findings/test-helpers';
import { findNulCharacter } from '../lib/router';
import { createWorld, type TWorld } from './world';

let w: TWorld;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w.close();
});

it('finds U+0000 in any string or key of a JSON value, and names where', () => {
  expect(findNulCharacter({ entry: 'a\u0000b' })).toBe('entry');
  expect(findNulCharacter({ a: [{ b: 'ok' }, { c: '\u0000' }] })).toBe('a.1.c');
  expect(findNulCharacter({ 'k\u0000': 1 })).toBe('(body)');
  expect(findNulCharacter('\u0000')).toBe('(body)');
  expect(findNulCharacter({ entry: 'fine \\u0000 as six characters', n: 0, t: true, z: null })).toBeNull();
});

it('drops U+0000 from bound text and text arrays, and leaves everything else alone', () => {
  expect(normalizeParam('a\u0000b\u0000')).toBe('ab');
  expect(normalizeParam(['x\u0000', 1, null])).toEqual(['x', 1, null]);
  expect(normalizeParam('plain')).toBe('plain');
  expect(normalizeParam(true)).toBe(1);
});

it('a JSON body with U+0000 is refused with a 400 that names the field, on every route that takes one', async () => {
  for (const [path, body] of [
    [`/api/findings/${w.ids.finding}/notes`, { entry: 'a\u0000b' }],
    [`/api/engagements/${w.ids.engagement}/notes`, { entry: '\u0000' }],
    ['/api/product-types', { name: 'Web', description: 'x\u0000' }],
  ] as const) {
    const res = await w.clients.superuser.post(path, body);
    expect(res.status, path).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/^(entry|description): Remove the NUL character/);
  }
});

it('a search term or filter with U+0000 is not a 5xx', async () => {
  for (const path of [
    '/api/users?q=%00',
    '/api/users/options?q=%00',
    `/api/findings/${w.ids.finding}/mentionable?q=%00`,
    `/api/engagements/${w.ids.engagement}/mentionable?q=%00`,
    '/api/deliveries?event=%00',
    `/api/products/${w.ids.product}/findings?tag=%00`,
    '/api/alerts?q=%00',
  ]) {
    const res = await w.send('superuser', 'GET', path);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(500);
  }
});

it('a scan file with U+0000 in its findings imports, without the character, on both dialects', async () => {
  const file = JSON.stringify({ findings: [{ title: 'Bad\u0000title', severity: 'High', description: 'd\u0000' }] });
  const res = await uploadScan(
    w.app,
    sessionAuth(w.clients.superuser),
    { engagement_id: w.ids.engagement },
    { name: 'g.json', content: file },
  );
  expect(res.status, await res.clone().text()).toBe(201);
  const row = await w.deps.db.get<{ title: string }>(sql`select title from findings where title like ${'Bad%'}`);
  expect(row?.title).toBe('Badtitle');
});
