/** The data layer's contract, run on the dialect of this test run (SQLite, or PostgreSQL with TEST_DATABASE_URL). */
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, TEST_DIALECT } from '../test-setup/store';
import { type Database, isTruthy, OuterDatabaseInTransactionError } from './database';
import { deleteRows, findRow, findRows, insertRow, insertRows, updateRows } from './rows';
import { productTypes, users } from './schema';

let db: Database;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const opened = await openTestStore();
  db = opened.store.db;
  cleanup = opened.cleanup;
});
afterEach(() => cleanup());

const newUser = (username: string, extra: Partial<typeof users.$inferInsert> = {}) =>
  insertRow(db, users, { username, email: `${username}@example.test`, passwordHash: 'x', createdAt: 1_000, ...extra });

describe(`data layer on ${TEST_DIALECT}`, () => {
  it('inserts, finds, updates and deletes typed rows, flags as booleans and times as numbers', async () => {
    const alice = await newUser('alice', { isSuperuser: true, createdAt: 1_795_000_000_123 });
    expect(alice).toMatchObject({ username: 'alice', isSuperuser: true, isActive: true, createdAt: 1_795_000_000_123, globalRole: null });
    expect(typeof alice.id).toBe('number');

    const found = await findRow(db, users, eq(users.id, alice.id));
    expect(found).toEqual(alice);

    const [updated] = await updateRows(db, users, { isActive: false, firstName: 'Alice' }, eq(users.id, alice.id));
    expect(updated).toMatchObject({ isActive: false, firstName: 'Alice' });
    expect(await findRows(db, users, eq(users.isActive, false))).toHaveLength(1);

    expect(await deleteRows(db, users, eq(users.id, alice.id))).toBe(1);
    expect(await findRow(db, users, eq(users.id, alice.id))).toBeUndefined();
  });

  it('inserts many rows in one statement and counts them as numbers', async () => {
    const n = await insertRows(db, productTypes, [
      { name: 'A', createdAt: 1 },
      { name: 'B', createdAt: 2 },
      { name: 'C', createdAt: 3 },
    ]);
    expect(n).toBe(3);
    const row = await db.get<{ n: number; total: number }>(sql`select count(*) as n, sum(created_at) as total from product_types`);
    expect(row).toEqual({ n: 3, total: 6 });
  });

  it('binds booleans as 0/1 and reads computed conditions as truthy on both databases', async () => {
    await newUser('bob', { isSuperuser: true });
    const row = await db.get<{ su: unknown }>(sql`select case when is_superuser = ${true} then 1 else 0 end as su from users`);
    expect(isTruthy(row?.su)).toBe(true);
  });

  it('matches names without regard to case, and ids in one bound list', async () => {
    const carol = await newUser('Carol');
    const dave = await newUser('dave');
    await newUser('erin');
    expect(await db.get(sql`select id from users where ${db.fragments.ciEquals(sql`username`, 'CAROL')}`)).toEqual({ id: carol.id });
    const rows = await db.all<{ id: number }>(
      sql`select id from users where ${db.fragments.inIds(sql`id`, [carol.id, dave.id, 999_999])} order by id`,
    );
    expect(rows.map((r) => r.id)).toEqual([carol.id, dave.id]);
    expect(await db.all(sql`select id from users where ${db.fragments.inIds(sql`id`, [])}`)).toEqual([]);
    await expect(newUser('CAROL')).rejects.toThrow();
  });

  it('adds days to calendar dates in SQL, across month, leap-day and year ends, from a column or a parameter', async () => {
    const cases: [string, number, string][] = [
      ['2026-01-31', 1, '2026-02-01'],
      ['2028-02-28', 1, '2028-02-29'],
      ['2026-12-25', 7, '2027-01-01'],
      ['2026-03-10', 0, '2026-03-10'],
      ['2026-03-01', -1, '2026-02-28'],
      ['2026-01-01', 3650, '2035-12-30'],
    ];
    for (const [date, days, expected] of cases) {
      const row = await db.get<{ d: string }>(sql`select ${db.fragments.addDays(sql`${date}`, sql`${days}`)} as d`);
      expect(row?.d, `${date} + ${days}`).toBe(expected);
    }
    await insertRow(db, productTypes, { name: 'Dated', description: '2026-02-27', createdAt: 2 });
    const fromColumn = await db.get<{ d: string }>(
      sql`select ${db.fragments.addDays(sql`description`, sql`created_at`)} as d from product_types`,
    );
    expect(fromColumn?.d).toBe('2026-03-01');
  });

  it('commits a transaction and runs its after-commit hooks once, after the commit', async () => {
    const seen: string[] = [];
    const result = await db.transaction(async (tx) => {
      await insertRow(tx, productTypes, { name: 'Inside', createdAt: 1 });
      tx.afterCommit(() => seen.push('committed'));
      expect(seen).toEqual([]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual(['committed']);
    expect(await findRows(db, productTypes)).toHaveLength(1);
  });

  it('rolls back everything when the transaction throws, and never runs its hooks', async () => {
    const seen: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        await insertRow(tx, productTypes, { name: 'Gone', createdAt: 1 });
        tx.afterCommit(() => seen.push('committed'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([]);
    expect(await findRows(db, productTypes)).toHaveLength(0);
  });

  it('refuses the outer database inside its own transaction (it would deadlock or escape the transaction)', async () => {
    await expect(db.transaction(async () => db.get(sql`select 1 as one`))).rejects.toBeInstanceOf(OuterDatabaseInTransactionError);
    // The database still works afterwards.
    expect(await db.get(sql`select 1 as one`)).toEqual({ one: 1 });
  });

  it.runIf(TEST_DIALECT === 'postgres')(
    'runs without JIT on every pooled connection (its compile time dwarfs OLTP statements)',
    async () => {
      // Several at once, so that several connections of the pool answer.
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => db.transaction(async (tx) => (await tx.get<{ jit: string }>(sql`show jit`))?.jit)),
      );
      expect(new Set(answers)).toEqual(new Set(['off']));
    },
  );

  it('runs a statement that asks to be prepared with its own values each time (PostgreSQL: prepared once per connection)', async () => {
    const { answers, prepared } = await db.transaction(async (tx) => {
      const answers: unknown[] = [];
      for (const n of [1, 2, 3]) {
        answers.push((await tx.get<{ n: number }>(sql`select cast(${n} as integer) * 10 as n`, { prepareAs: 'tocsin_test_times_ten' }))?.n);
      }
      const prepared =
        TEST_DIALECT === 'postgres'
          ? (await tx.all<{ name: string }>(sql`select name from pg_prepared_statements`)).map((r) => r.name)
          : null;
      return { answers, prepared };
    });
    expect(answers.map(Number)).toEqual([10, 20, 30]);
    if (prepared !== null) expect(prepared).toContain('tocsin_test_times_ten');
  });

  it('a nested transaction joins the outer one', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.transaction(async (inner) => insertRow(inner, productTypes, { name: 'Nested', createdAt: 1 }));
        throw new Error('roll back both');
      }),
    ).rejects.toThrow('roll back both');
    expect(await findRows(db, productTypes)).toHaveLength(0);
  });

  it('keeps concurrent transactions apart: statements from elsewhere never land in an open transaction', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const failing = db.transaction(async (tx) => {
      await insertRow(tx, productTypes, { name: 'Rolled back', createdAt: 1 });
      await gate;
      throw new Error('abort');
    });
    // Started while the transaction is open; must not be part of it.
    const outside = insertRow(db, productTypes, { name: 'Kept', createdAt: 2 });
    release();
    await expect(failing).rejects.toThrow('abort');
    await outside;
    expect((await findRows(db, productTypes)).map((r) => r.name)).toEqual(['Kept']);
  });

  it('keeps the bell count in step with inserts and deletes (triggers)', async () => {
    const a = await newUser('counted-a');
    const b = await newUser('counted-b');
    const alert = {
      eventId: 1,
      event: 'other',
      productId: null,
      title: 't',
      description: '',
      url: '/alerts',
      source: 's',
      icon: 'i',
      createdAt: 5,
    };
    expect(await db.hot.insertAlerts(db, alert, [a.id, b.id])).toBe(2);
    expect(await db.hot.insertAlerts(db, alert, [a.id])).toBe(1);
    const count = async (id: number) => (await db.get<{ n: number }>(sql`select n from alert_counts where user_id = ${id}`))?.n;
    expect(await count(a.id)).toBe(2);
    expect(await count(b.id)).toBe(1);
    await db.run(sql`delete from alerts where user_id = ${a.id}`);
    expect(await count(a.id)).toBe(0);
    expect(await count(b.id)).toBe(1);
  });
});
