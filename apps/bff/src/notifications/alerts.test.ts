import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { users } from '../db/schema';
import { createTestDeps, createUser, insertProduct, insertProductType } from '../test-utils';
import { clearAlerts, countAlerts, removeAlerts, summarizeAlerts } from './alerts';
import { dispatchEvent } from './dispatch';
import { trimAlerts } from './retention';

const realCount = (deps: ReturnType<typeof createTestDeps>, userId: number) =>
  deps.db.get<{ n: number }>(sql`select count(*) as n from alerts where user_id = ${userId}`)?.n ?? 0;

describe('the bell count (alert_counts, kept by triggers)', () => {
  let deps: ReturnType<typeof createTestDeps>;
  afterEach(() => deps.cleanup());

  it('equals the number of alerts in the list through dispatch, remove, clear, retention and user deletion', async () => {
    deps = createTestDeps();
    const pt = insertProductType(deps, 'Web');
    const product = insertProduct(deps, 'Portal', pt.id);
    const admin = await createUser(deps, { username: 'root', isSuperuser: true });
    const reader = await createUser(deps, { username: 'reader', products: [{ id: product.id }] });
    deps.db.run(sql`insert into notification_settings (scope, event, channels) values ('system', 'scan_added', 1)`);

    expect(countAlerts(deps, reader.id)).toBe(0);
    for (let i = 0; i < 7; i++) dispatchEvent(deps, { event: 'scan_added', title: `Scan ${i}`, productId: product.id });
    for (const u of [admin, reader]) {
      expect(countAlerts(deps, u.id)).toBe(7);
      expect(countAlerts(deps, u.id)).toBe(realCount(deps, u.id));
    }

    const newest = summarizeAlerts(deps, reader.id, 3);
    expect(newest.count).toBe(7);
    const removed = removeAlerts(
      deps,
      reader.id,
      newest.items.map((a) => a.id),
    );
    expect(removed).toEqual({ removed: 3, count: 4 });
    expect(countAlerts(deps, admin.id)).toBe(7);

    // Another user's ids are ignored and do not move anybody's count.
    const adminIds = summarizeAlerts(deps, admin.id, 2).items.map((a) => a.id);
    expect(removeAlerts(deps, reader.id, adminIds)).toEqual({ removed: 0, count: 4 });
    expect(countAlerts(deps, admin.id)).toBe(7);

    expect(trimAlerts(deps, 5)).toBe(2);
    expect(countAlerts(deps, admin.id)).toBe(5);
    expect(countAlerts(deps, reader.id)).toBe(4);

    expect(clearAlerts(deps, reader.id)).toEqual({ removed: 4, count: 0 });
    expect(countAlerts(deps, reader.id)).toBe(realCount(deps, reader.id));

    deps.db.delete(users).where(sql`id = ${admin.id}`).run();
    expect(deps.db.get<{ n: number }>(sql`select count(*) as n from alert_counts where user_id = ${admin.id}`)?.n).toBe(0);
  });
});
