import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDeps, createUser, insertProduct, insertProductType, type TTestDeps } from '../test-utils';
import { clearAlerts, countAlerts, removeAlerts, summarizeAlerts } from './alerts';
import { dispatchEvent } from './dispatch';
import { trimAlerts } from './retention';

const realCount = async (deps: TTestDeps, userId: number) =>
  (await deps.db.get<{ n: number }>(sql`select count(*) as n from alerts where user_id = ${userId}`))?.n ?? 0;

describe('the bell count (alert_counts, kept by triggers)', () => {
  let deps: TTestDeps;
  afterEach(() => deps.cleanup());

  it('equals the number of alerts in the list through dispatch, remove, clear, retention and user deletion', async () => {
    deps = await createTestDeps();
    const pt = await insertProductType(deps, 'Web');
    const product = await insertProduct(deps, 'Portal', pt.id);
    const admin = await createUser(deps, { username: 'root', isSuperuser: true });
    const reader = await createUser(deps, { username: 'reader', products: [{ id: product.id }] });
    await deps.db.run(sql`insert into notification_settings (scope, event, channels) values ('system', 'scan_added', 1)`);

    expect(await countAlerts(deps.db, reader.id)).toBe(0);
    for (let i = 0; i < 7; i++) await dispatchEvent(deps, { event: 'scan_added', title: `Scan ${i}`, productId: product.id });
    for (const u of [admin, reader]) {
      expect(await countAlerts(deps.db, u.id)).toBe(7);
      expect(await countAlerts(deps.db, u.id)).toBe(await realCount(deps, u.id));
    }

    const newest = await summarizeAlerts(deps, reader.id, 3);
    expect(newest.count).toBe(7);
    const removed = await removeAlerts(
      deps,
      reader.id,
      newest.items.map((a) => a.id),
    );
    expect(removed).toEqual({ removed: 3, count: 4 });
    expect(await countAlerts(deps.db, admin.id)).toBe(7);

    // Another user's ids are ignored and do not move anybody's count.
    const adminIds = (await summarizeAlerts(deps, admin.id, 2)).items.map((a) => a.id);
    expect(await removeAlerts(deps, reader.id, adminIds)).toEqual({ removed: 0, count: 4 });
    expect(await countAlerts(deps.db, admin.id)).toBe(7);

    expect(await trimAlerts(deps, 5)).toBe(2);
    expect(await countAlerts(deps.db, admin.id)).toBe(5);
    expect(await countAlerts(deps.db, reader.id)).toBe(4);

    const remaining = (await summarizeAlerts(deps, reader.id, 10)).items.map((a) => a.id);
    expect(await clearAlerts(deps, reader.id)).toEqual({ removed: 4, count: 0, ids: remaining });
    expect(await countAlerts(deps.db, reader.id)).toBe(await realCount(deps, reader.id));

    await deps.db.run(sql`delete from users where id = ${admin.id}`);
    expect((await deps.db.get<{ n: number }>(sql`select count(*) as n from alert_counts where user_id = ${admin.id}`))?.n).toBe(0);
  });
});
