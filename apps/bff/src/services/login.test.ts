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

describe('throttling per address', () => {
  it('locks the attacker’s address for that username while the real user logs in from elsewhere', async () => {
    deps = await createTestDeps({ LOGIN_MAX_FAILURES: 3, LOGIN_LOCK_SECONDS: 600 });
    await createUser(deps, { username: 'alice' });
    for (let i = 0; i < 2; i++) {
      await expect(logIn(deps, 'alice', 'wrong-password', '198.51.100.66')).rejects.toMatchObject({ status: 401 });
    }
    await expect(logIn(deps, 'alice', 'wrong-password', '198.51.100.66')).rejects.toMatchObject({
      status: 429,
      message: expect.stringMatching(/for this username from your address/),
    });
    // Locked for the attacker, even with the right password…
    await expect(logIn(deps, 'alice', TEST_PASSWORD, '198.51.100.66')).rejects.toMatchObject({ status: 429 });
    // …but not for alice at her desk.
    const session = await logIn(deps, 'alice', TEST_PASSWORD, '203.0.113.10');
    expect(session.user.username).toBe('alice');
  });

  it('stops an address spraying 30 usernames after LOGIN_MAX_FAILURES_PER_ADDRESS, checking no more passwords', async () => {
    deps = await createTestDeps({ LOGIN_MAX_FAILURES_PER_ADDRESS: 20, LOGIN_ADDRESS_WINDOW_SECONDS: 900 });
    let now = 1_800_000_000_000;
    deps.now = () => now;
    for (let i = 0; i < 30; i++) await createUser(deps, { username: `user${i}` });
    const verified = vi.mocked(verifyPassword);
    verified.mockClear();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const result = await logIn(deps, `user${i}`, 'Summer2026!', '198.51.100.66').catch((err: HttpError) => err);
      statuses.push(result instanceof HttpError ? result.status : 200);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(10).fill(429));
    expect(verified.mock.calls.length).toBe(20);
    await expect(logIn(deps, 'user25', TEST_PASSWORD, '198.51.100.66')).rejects.toMatchObject({
      status: 429,
      message: expect.stringMatching(/from your address\. Try again in 15 minutes/),
    });

    // Other addresses are untouched, and the sprayer's window ends.
    expect((await logIn(deps, 'user25', TEST_PASSWORD, '203.0.113.10')).user.username).toBe('user25');
    now += 901_000;
    expect((await logIn(deps, 'user26', TEST_PASSWORD, '198.51.100.66')).user.username).toBe('user26');
  });

  it('does not count successful logins against the address (an office behind one NAT address)', async () => {
    deps = await createTestDeps({ LOGIN_MAX_FAILURES_PER_ADDRESS: 3 });
    for (let i = 0; i < 6; i++) await createUser(deps, { username: `colleague${i}` });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 6; i++) await logIn(deps, `colleague${i}`, TEST_PASSWORD, '192.0.2.1');
    }
    // Two typos are still allowed after a dozen successes; the third failure is the last one.
    await expect(logIn(deps, 'colleague0', 'typo-typo-typo', '192.0.2.1')).rejects.toMatchObject({ status: 401 });
    await expect(logIn(deps, 'colleague1', 'typo-typo-typo', '192.0.2.1')).rejects.toMatchObject({ status: 401 });
    await expect(logIn(deps, 'colleague2', 'typo-typo-typo', '192.0.2.1')).rejects.toMatchObject({ status: 401 });
    await expect(logIn(deps, 'colleague3', TEST_PASSWORD, '192.0.2.1')).rejects.toMatchObject({ status: 429 });
  });

  it('checks at most LOGIN_MAX_FAILURES_PER_ADDRESS passwords of 60 concurrent guesses for 60 names', async () => {
    deps = await createTestDeps({ LOGIN_MAX_FAILURES_PER_ADDRESS: 10 });
    const verified = vi.mocked(verifyPassword);
    verified.mockClear();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => logIn(deps as TTestDeps, `name${i}`, 'wrong-password', '198.51.100.66')),
    );
    const statuses = outcomes.map((o) => (o.status === 'rejected' && o.reason instanceof HttpError ? o.reason.status : 0));
    expect(verified.mock.calls.length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
  });
});
