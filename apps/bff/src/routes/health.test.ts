import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sendJson } from '../test-utils';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.deps.cleanup());

describe('health and readiness', () => {
  it('answers liveness and readiness without a login', async () => {
    const health = await sendJson(t.app, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', instance: t.deps.instanceId });
    const ready = await sendJson(t.app, 'GET', '/api/ready');
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
  });

  it('is not ready, with Retry-After, while the database refuses writes, and ready again afterwards', async () => {
    // The write probe updates system_settings; take the table away to make every write there fail.
    await t.deps.db.run(sql`alter table system_settings rename to system_settings_away`);
    const down = await sendJson(t.app, 'GET', '/api/ready');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(((await down.json()) as { status: string }).status).toBe('not_ready');
    await t.deps.db.run(sql`alter table system_settings_away rename to system_settings`);
    expect((await sendJson(t.app, 'GET', '/api/ready')).status).toBe(200);
  });
});
