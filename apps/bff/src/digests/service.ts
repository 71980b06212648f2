/** Reading and writing delivery preferences: the user's time zone and quiet hours (users), digest choices (digest_settings). */
import {
  PERSONAL_DIGEST_CHANNELS,
  SYSTEM_DIGEST_CHANNELS,
  type TChannelDigest,
  type TMyDeliveryPreferences,
  type TSystemDigestPreferences,
  type TUpdateSystemDigestPreferences,
} from '@tocsin/contract/delivery-preferences';
import { sql } from 'drizzle-orm';
import type { Deps } from '../app-context';
import { type Database, isTruthy } from '../db/database';
import type { TDigestMode } from './schedule';

const IMMEDIATE: TChannelDigest = { mode: 'immediate', daily_at: '08:00' };

async function readDigests<C extends string>(db: Database, userKey: number, channels: readonly C[]): Promise<Record<C, TChannelDigest>> {
  const rows = await db.all<{ channel: string; mode: string; dailyAt: string }>(
    sql`select channel, mode, daily_at as "dailyAt" from digest_settings where user_key = ${userKey}`,
  );
  const result = Object.fromEntries(channels.map((c) => [c, { ...IMMEDIATE }])) as Record<C, TChannelDigest>;
  for (const r of rows) {
    if ((channels as readonly string[]).includes(r.channel)) result[r.channel as C] = { mode: r.mode as TDigestMode, daily_at: r.dailyAt };
  }
  return result;
}

async function writeDigests(db: Database, userId: number | null, channels: Record<string, TChannelDigest>): Promise<void> {
  for (const [channel, d] of Object.entries(channels)) {
    await db.run(sql`insert into digest_settings (user_id, channel, mode, daily_at) values (${userId}, ${channel}, ${d.mode}, ${d.daily_at})
      on conflict (user_key, channel) do update set mode = excluded.mode, daily_at = excluded.daily_at`);
  }
}

export async function readMyPreferences(deps: Deps, userId: number): Promise<TMyDeliveryPreferences> {
  const user = await deps.db.get<{ timeZone: string; start: string | null; end: string | null; passes: unknown }>(sql`select
      time_zone as "timeZone", quiet_hours_start as start, quiet_hours_end as "end", quiet_hours_critical_passes as passes
    from users where id = ${userId}`);
  return {
    time_zone: user?.timeZone ?? 'UTC',
    channels: await readDigests(deps.db, userId, PERSONAL_DIGEST_CHANNELS),
    quiet_hours: user?.start && user.end ? { start: user.start, end: user.end, critical_passes: isTruthy(user.passes) } : null,
  };
}

export async function updateMyPreferences(deps: Deps, userId: number, body: TMyDeliveryPreferences): Promise<TMyDeliveryPreferences> {
  await deps.db.transaction(async (db) => {
    const q = body.quiet_hours;
    await db.run(sql`update users set time_zone = ${body.time_zone}, quiet_hours_start = ${q?.start ?? null},
        quiet_hours_end = ${q?.end ?? null}, quiet_hours_critical_passes = ${q?.critical_passes ?? false}
      where id = ${userId}`);
    await writeDigests(db, userId, body.channels);
  });
  return readMyPreferences(deps, userId);
}

export async function readSystemDigests(deps: Deps): Promise<TSystemDigestPreferences> {
  return { time_zone: deps.env.TIME_ZONE, channels: await readDigests(deps.db, 0, SYSTEM_DIGEST_CHANNELS) };
}

export async function updateSystemDigests(deps: Deps, body: TUpdateSystemDigestPreferences): Promise<TSystemDigestPreferences> {
  await deps.db.transaction((db) => writeDigests(db, null, body.channels));
  return readSystemDigests(deps);
}
