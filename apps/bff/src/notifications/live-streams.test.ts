import type { TAlertStreamMessage } from '@tocsin/contract/alerts';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { UserRow } from '../app-context';
import { readSse, type TSseReader } from '../test-setup/sse';
import { createTestApp, createUser } from '../test-utils';
import { dispatchEvent } from './dispatch';
import { getLiveStreamHub, WRITE_GROUP } from './live-streams';

let t: Awaited<ReturnType<typeof createTestApp>>;
let alice: UserRow;

beforeEach(async () => {
  t = await createTestApp({ STREAM_LIMIT_PER_USER: 500 });
  alice = await createUser(t.deps, { username: 'alice' });
  await t.deps.db.run(
    sql`insert into notification_settings (scope, user_id, event, channels) values ('personal', ${alice.id}, 'other', 1)`,
  );
});
afterEach(() => t.deps.cleanup());

/** Resolves when this stream shows `count` (messages repeating an earlier state are skipped). */
async function untilCount(stream: TSseReader, count: number): Promise<void> {
  for (;;) {
    const message = JSON.parse((await stream.next()).data) as TAlertStreamMessage;
    if (message.count === count) return;
  }
}

it('writes a fan-out in groups of at most WRITE_GROUP streams, letting other work run in between', async () => {
  const hub = getLiveStreamHub(t.deps);
  const n = 3 * WRITE_GROUP + 7;
  const streams: TSseReader[] = [];
  for (let i = 0; i < n; i++) streams.push(readSse(await hub.open({ userId: alice.id, sessionId: null, expiresAt: null })));
  await Promise.all(streams.map((s) => untilCount(s, 0)));

  // Another piece of work that wants a turn of the event loop again and again, like a request waiting on I/O:
  // how many streams are written between two of its turns?
  let sinceTurn = 0;
  let most = 0;
  let turns = 0;
  let isWaiting = true;
  const turn = () => {
    most = Math.max(most, sinceTurn);
    sinceTurn = 0;
    turns += 1;
    if (isWaiting) setImmediate(turn);
  };
  setImmediate(turn);
  const updated = Promise.all(
    streams.map(async (s) => {
      await untilCount(s, 1);
      sinceTurn += 1;
    }),
  );
  const turnsBefore = turns;
  await dispatchEvent(t.deps, { event: 'other', title: 'To every tab', recipients: [alice.id] });
  await updated;
  isWaiting = false;
  most = Math.max(most, sinceTurn);

  expect(hub.size).toBe(n);
  expect(most).toBeGreaterThan(0);
  expect(most).toBeLessThanOrEqual(WRITE_GROUP);
  // The fan-out took several turns: at least one per group.
  expect(turns - turnsBefore).toBeGreaterThanOrEqual(Math.floor(n / WRITE_GROUP));
  for (const s of streams) await s.cancel();
});
