/**
 * Pacing per destination (issue 10 §4): a Slack channel or DM gets at most one message per SLACK_PACE_MS (Slack
 * allows about one post a second per channel), a Teams flow one per MSTEAMS_PACE_MS, a webhook endpoint one per
 * WEBHOOK_PACE_MS. The claim (queue.ts) takes a destination's token in delivery_pace with one atomic upsert, so
 * replicas share the pace (a token bucket of one, stored in the database); rows that find the token taken go back
 * to the queue, due when it is free. A 429's Retry-After holds the whole destination. Nothing is dropped: pacing
 * only moves due times.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import type { Env } from '../env';

type TPacedRow = {
  id: number;
  channel: string;
  targetKind: string;
  userId: number | null;
  webhookId: number | null;
  destinationId?: number | null;
};

/**
 * The paced destination of a row, or null when its channel is not paced (mail: the SMTP server queues). A named
 * destination (rules/) is a destination of its own: its Slack channel or Teams flow is not the system one.
 */
export function paceKeyOf(row: Pick<TPacedRow, 'channel' | 'targetKind' | 'userId' | 'webhookId' | 'destinationId'>): string | null {
  const named = row.targetKind === 'destination' ? (row.destinationId ?? null) : null;
  if (row.channel === 'slack') {
    if (row.targetKind === 'user') return `slack:user:${row.userId}`;
    return named === null ? 'slack:system' : `slack:destination:${named}`;
  }
  if (row.channel === 'msteams') return named === null ? 'msteams:system' : `msteams:destination:${named}`;
  if (row.channel === 'webhooks') {
    if (row.webhookId !== null) return `webhook:${row.webhookId}`;
    if (named !== null) return `webhook:destination:${named}`;
  }
  return null;
}

export function paceMsOf(env: Pick<Env, 'SLACK_PACE_MS' | 'MSTEAMS_PACE_MS' | 'WEBHOOK_PACE_MS'>, channel: string): number {
  if (channel === 'slack') return env.SLACK_PACE_MS;
  if (channel === 'msteams') return env.MSTEAMS_PACE_MS;
  if (channel === 'webhooks') return env.WEBHOOK_PACE_MS;
  return 0;
}

/**
 * Take the destination's token for a send now: succeeds when its pace allows a message at `now` (and moves the
 * pace to now + interval, atomically, so two claimers on two replicas cannot both take it). Returns null when
 * taken, or the time the destination is free again.
 */
export async function takeToken(db: Database, destination: string, now: number, intervalMs: number): Promise<number | null> {
  const taken = await db.get<{ nextAt: number }>(sql`insert into delivery_pace (destination, next_at)
    values (${destination}, cast(${now + intervalMs} as bigint))
    on conflict (destination) do update set next_at = excluded.next_at where delivery_pace.next_at <= ${now}
    returning next_at as "nextAt"`);
  if (taken) return null;
  const row = await db.get<{ nextAt: number }>(sql`select next_at as "nextAt" from delivery_pace where destination = ${destination}`);
  return Number(row?.nextAt ?? now + intervalMs);
}

/** The deliveries rows of a paced destination (paceKeyOf), as SQL. */
export function rowsOfDestination(destination: string): SQL | null {
  if (destination === 'slack:system') return sql`channel = 'slack' and target_kind = 'system'`;
  if (destination === 'msteams:system') return sql`channel = 'msteams' and target_kind = 'system'`;
  const user = /^slack:user:(\d+)$/.exec(destination);
  if (user) return sql`channel = 'slack' and target_kind = 'user' and user_id = ${Number(user[1])}`;
  const named = /^(slack|msteams|webhook):destination:(\d+)$/.exec(destination);
  if (named) {
    const channel = named[1] === 'webhook' ? 'webhooks' : named[1];
    return sql`channel = ${channel} and target_kind = 'destination' and destination_id = ${Number(named[2])}`;
  }
  const hook = /^webhook:(\d+)$/.exec(destination);
  if (hook) return sql`channel = 'webhooks' and webhook_id = ${Number(hook[1])}`;
  return null;
}

/**
 * Nothing more goes to this destination before `until` (a 429 with Retry-After): the pace moves there, and rows
 * already waiting go back until then too.
 */
export async function holdDestination(db: Database, destination: string, until: number): Promise<void> {
  await db.run(sql`insert into delivery_pace (destination, next_at) values (${destination}, cast(${until} as bigint))
    on conflict (destination) do update set next_at = ${db.fragments.greatest(sql`delivery_pace.next_at`, sql`cast(${until} as bigint)`)}`);
  const rows = rowsOfDestination(destination);
  if (!rows) return;
  await db.run(sql`update deliveries set next_attempt_at = ${until}
    where status in ('queued', 'retrying') and next_attempt_at < ${until} and ${rows}`);
}

export type TPacingResult<T> = {
  keep: T[];
  deferred: Map<number, number>;
  /** Per kept row of a paced destination: its pace key and the other claimed rows of that destination (deferred). */
  slots: Map<number, { key: string; others: T[] }>;
};

/**
 * Which claimed rows may be sent now: per paced destination at most one, when its token is free; the others go
 * back due when it is free again (where they compete with the rest of the queue, oldest first). Sends to one
 * destination are therefore at least one interval apart, whatever the number of claimers.
 */
export async function applyPacing<T extends TPacedRow>(
  db: Database,
  env: Pick<Env, 'SLACK_PACE_MS' | 'MSTEAMS_PACE_MS' | 'WEBHOOK_PACE_MS'>,
  now: number,
  rows: readonly T[],
): Promise<TPacingResult<T>> {
  const result: TPacingResult<T> = { keep: [], deferred: new Map(), slots: new Map() };
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = paceKeyOf(row);
    if (key === null || paceMsOf(env, row.channel) <= 0) result.keep.push(row);
    else groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const [key, group] of groups) {
    const interval = paceMsOf(env, group[0]?.channel ?? '');
    const busyUntil = await takeToken(db, key, now, interval);
    const [first, ...rest] = group;
    if (busyUntil === null && first) {
      result.keep.push(first);
      result.slots.set(first.id, { key, others: rest });
    }
    const due = busyUntil ?? now + interval;
    for (const row of busyUntil === null ? rest : group) result.deferred.set(row.id, due);
  }
  return result;
}
