/** The login throttle under concurrency: attempts are counted before any password is checked. */
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyPassword } from '../auth/passwords';
import { HttpError } from '../lib/errors';
import { createTestDeps, createUser, TEST_PASSWORD, type TTestDeps } from '../test-utils';
import { logIn } from './login';

// The real verifyPassword, wrapped so the test can count how many passwords were actually checked.
vi.mock('../auth/passwords', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../auth/passwords')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

let deps: TTestDeps | undefined;
afterEach(async () => {
  await deps?.cleanup();
  deps = undefined;
});

/** Fire `n` logins at once and tally the answers by status (200 for a session). */
async function burst(d: TTestDeps, n: number, username: string, password: string): Promise<Record<number, number>> {
  const outcomes = await Promise.allSettled(Array.from({ length: n }, () => logIn(d, username, password)));
  const statuses: Record<number, number> = {};
  for (const outcome of outcomes) {
    let status: number;
    if (outcome.status === 'fulfilled') status = 200;
    else if (outcome.reason instanceof HttpError) status = outcome.reason.status;
    else throw outcome.reason;
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return statuses;
}

describe('logIn throttle', () => {
  it('checks at most LOGIN_MAX_FAILURES passwords of 60 concurrent wrong guesses, per lock window', async () => {
    deps = await createTestDeps({ LOGIN_MAX_FAILURES: 5, LOGIN_LOCK_SECONDS: 300 });
    let now = 1_800_000_000_000;
    deps.now = () => now;
    await createUser(deps, { username: 'alice' });
    const verified = vi.mocked(verifyPassword);
    verified.mockClear();

    const first = await burst(deps, 60, 'alice', 'wrong-password');
    expect(verified.mock.calls.length).toBeLessThanOrEqual(5);
    expect(first[429] ?? 0).toBeGreaterThanOrEqual(55);
    // Four checked guesses are told "invalid", the fifth locks the name; nobody got in.
    expect(first).toEqual({ 401: 4, 429: 56 });
    // Locked: even the right password is refused, without being checked.
    const checkedBefore = verified.mock.calls.length;
    await expect(logIn(deps, 'ALICE', TEST_PASSWORD)).rejects.toMatchObject({ status: 429 });
    expect(verified.mock.calls.length).toBe(checkedBefore);

    // The next window allows the same number of checks again, and no more.
    now += 301_000;
    verified.mockClear();
    const second = await burst(deps, 60, 'Alice', 'wrong-password');
    expect(verified.mock.calls.length).toBeLessThanOrEqual(5);
    expect(second[429] ?? 0).toBeGreaterThanOrEqual(55);

    now += 301_000;
    const session = await logIn(deps, 'alice', TEST_PASSWORD);
    expect(session.user.username).toBe('alice');
    // A success starts the count afresh.
    expect(await deps.db.get(sql`select count(*) as n from login_throttle`)).toEqual({ n: 0 });
  });

  it('throttles an unknown username the same way', async () => {
    deps = await createTestDeps({ LOGIN_MAX_FAILURES: 5 });
    const verified = vi.mocked(verifyPassword);
    verified.mockClear();
    const statuses = await burst(deps, 60, 'ghost', 'wrong-password');
    expect(verified.mock.calls.length).toBeLessThanOrEqual(5);
    expect(statuses[429] ?? 0).toBeGreaterThanOrEqual(55);
  });
});
