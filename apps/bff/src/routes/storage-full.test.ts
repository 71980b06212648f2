/**
 * A full disk or a database that refuses writes answers 503 with Retry-After and the one error shape, saves
 * nothing, and the same request works once space is back. SQLite is filled for real (max_page_count caps the file
 * where it is); the PostgreSQL codes that mean the same are checked on the error mapping itself.
 */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorResponse } from '../lib/errors';
import { TEST_DIALECT } from '../test-setup/store';
import { createTestApp, createUser, loginAs, type TTestClient } from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
let admin: TTestClient;
beforeEach(async () => {
  t = await createTestApp();
  await createUser(t.deps, { username: 'admin', isSuperuser: true });
  admin = await loginAs(t.app, 'admin');
});
afterEach(() => t.deps.cleanup());

async function countEvents(): Promise<number> {
  const row = await t.deps.db.get<{ n: number | string }>(sql`select count(*) as n from events`);
  return Number(row?.n ?? 0);
}

describe('when the database cannot be written', () => {
  it.runIf(TEST_DIALECT === 'sqlite')(
    'answers 503 storage_unavailable with Retry-After, saves nothing, and works again once there is room',
    async () => {
      const pages = await t.deps.db.get<{ page_count: number }>(sql`pragma page_count`);
      await t.deps.db.all(sql.raw(`pragma max_page_count = ${Number(pages?.page_count)}`));
      const body = { event: 'other', title: 'Disk full probe', description: 'x'.repeat(20_000) };
      let before = await countEvents();
      let res = await admin.request('POST', '/api/events', body);
      for (let i = 0; i < 20 && res.status === 202; i++) {
        before = await countEvents();
        res = await admin.request('POST', '/api/events', body);
      }
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('storage_unavailable');
      expect(error.message).toMatch(/Nothing was saved; try again/);
      const afterRefusal = await countEvents();
      expect(afterRefusal).toBe(before);

      await t.deps.db.all(sql.raw('pragma max_page_count = 1073741823'));
      const again = await admin.request('POST', '/api/events', body);
      expect(again.status).toBe(202);
      expect(await countEvents()).toBe(afterRefusal + 1);
    },
  );

  it('maps the drivers’ storage errors to 503 and leaves other errors as 500', async () => {
    const app = new Hono();
    app.onError(errorResponse);
    const codes: Record<string, string> = {
      disk: 'SQLITE_FULL',
      pgDisk: '53100',
      standby: '25006',
      starting: '57P03',
      bug: 'SQLITE_MISUSE',
    };
    for (const [path, code] of Object.entries(codes)) {
      app.get(`/${path}`, () => {
        throw Object.assign(new Error(`driver said ${code}`), { code });
      });
    }
    for (const path of ['disk', 'pgDisk', 'standby', 'starting']) {
      const res = await app.request(`/${path}`);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
    }
    const bug = await app.request('/bug');
    expect(bug.status).toBe(500);
    expect(((await bug.json()) as { error: { code: string } }).error.code).toBe('internal');
  });
});
