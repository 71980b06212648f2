/**
 * The Alerts page filters, from the validated query to what the list query needs: a pure function with a test
 * per rule (alert-filter.test.ts), the SQL condition built from its result, and the plan that finds the matches.
 *
 * Every alert is in one per-user index, alerts_user (user_id, id, event_code, product_id, created_at): the
 * filters by event type, product and time are checked in that index, newest first, without reading rows. Text is
 * in the rows, so a text search reads them; to read few, it first asks the events' trigram index (events_text on
 * SQLite, pg_trgm on PostgreSQL; an alert's title and description are its event's) which events contain the text,
 * and then reads only the user's alerts of those events (alerts_event). Text that too many events contain, or
 * that is shorter than a trigram, is checked on the user's alerts newest first, which stops once enough match.
 */
import type { TAlertListQuery } from '@tocsin/contract/alerts';
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { eventCodeOf } from '../db/event-codes';

export type TAlertFilter = {
  event: string | null;
  productId: number | null;
  /** Unix ms, inclusive. */
  since: number | null;
  /** Unix ms, exclusive. */
  until: number | null;
  /** The text as typed, trimmed, or null. */
  text: string | null;
  /** A case-insensitive LIKE pattern (`%text%`, with %, _ and \ escaped), or null. */
  textPattern: string | null;
  /** Keyset: only alerts older than this id. */
  beforeId: number | null;
};

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The filter a query asks for. Blank text is no filter; the text is matched as typed, wildcards included literally. */
export function toAlertFilter(query: Pick<TAlertListQuery, 'event' | 'product_id' | 'since' | 'until' | 'q' | 'before_id'>): TAlertFilter {
  const text = query.q?.trim() ?? '';
  return {
    event: query.event ?? null,
    productId: query.product_id ?? null,
    since: query.since === undefined ? null : Date.parse(query.since),
    until: query.until === undefined ? null : Date.parse(query.until),
    text: text === '' ? null : text,
    textPattern: text === '' ? null : `%${escapeLike(text)}%`,
    beforeId: query.before_id ?? null,
  };
}

/** True when the filter narrows the list (so the count is no longer the bell count). Paging by before_id does not. */
export function isFiltered(filter: TAlertFilter): boolean {
  return (
    filter.event !== null || filter.productId !== null || filter.since !== null || filter.until !== null || filter.textPattern !== null
  );
}

/** The condition on `alerts` (unaliased) for one user's alerts that match the filter. */
export function alertFilterSql(db: Database, userId: number, filter: TAlertFilter, { withKeyset = true } = {}): SQL {
  return sql.join([sql`user_id = ${userId}`, ...filterConditions(db, filter, withKeyset)], sql` and `);
}

function filterConditions(db: Database, filter: TAlertFilter, withKeyset: boolean): SQL[] {
  const conditions: SQL[] = [];
  if (filter.event !== null) {
    const code = eventCodeOf(filter.event);
    conditions.push(code === null ? sql`1 = 0` : sql`event_code = ${code}`);
  }
  if (filter.productId !== null) conditions.push(sql`product_id = ${filter.productId}`);
  if (filter.since !== null) conditions.push(sql`created_at >= ${filter.since}`);
  if (filter.until !== null) conditions.push(sql`created_at < ${filter.until}`);
  if (filter.textPattern !== null) {
    const { ciLike } = db.fragments;
    conditions.push(sql`(${ciLike(sql`title`, filter.textPattern)} or ${ciLike(sql`description`, filter.textPattern)})`);
  }
  if (withKeyset && filter.beforeId !== null) conditions.push(sql`id < ${filter.beforeId}`);
  return conditions;
}

/**
 * At most this many events containing the text are looked up one by one; text in more events than this is common
 * enough that checking the user's alerts newest first finds the first page sooner.
 */
export const TEXT_EVENTS_MAX = 5_000;

/** The shortest text the trigram indexes can look up. */
const TRIGRAM = 3;

/** An FTS5 phrase: the text in double quotes (doubled inside), so no character of it is query syntax. */
export const ftsPhrase = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * The ids of the events (newest first) whose title or description may contain `text` — all those that do, and
 * possibly a few more (PostgreSQL's index reads title and description as one text) — or null when the indexes
 * cannot say it cheaply: text shorter than a trigram, or found in more than TEXT_EVENTS_MAX events.
 */
export async function findEventsWithText(db: Database, text: string, max = TEXT_EVENTS_MAX): Promise<number[] | null> {
  if ([...text].length < TRIGRAM) return null;
  const rows =
    db.dialect === 'postgres'
      ? await db.all<{ id: number }>(sql`select id from events
          where (title || ' ' || description) ilike ${`%${escapeLike(text)}%`} order by id desc limit ${max + 1}`)
      : await db.all<{ id: number }>(sql`select rowid as id from events_text where events_text match ${ftsPhrase(text)}
          order by rowid desc limit ${max + 1}`);
  return rows.length > max ? null : rows.map((r) => Number(r.id));
}

export type TMatchOptions = {
  withKeyset: boolean;
  limit: number;
  offset?: number;
  /** How many events with the text are looked up one by one at most (tests set 0 to compare both plans). */
  textEventsMax?: number;
  /** The events with the text, when the caller already asked findEventsWithText (a page and its count share it). */
  eventIds?: number[] | null;
};

/**
 * The ids of the user's alerts that match the filter, newest first (`offset`, then at most `limit`). With text
 * that the events' index can look up, the user's alerts of those events and their alerts without an event (the
 * delivery-failure notices, in their own small index) are read, and the text is checked on each.
 */
export async function findMatchingAlertIds(db: Database, userId: number, filter: TAlertFilter, options: TMatchOptions): Promise<number[]> {
  const { withKeyset, limit, offset = 0, textEventsMax = TEXT_EVENTS_MAX } = options;
  const where = alertFilterSql(db, userId, filter, { withKeyset });
  const eventIds =
    options.eventIds !== undefined
      ? options.eventIds
      : filter.text === null || textEventsMax <= 0
        ? null
        : await findEventsWithText(db, filter.text, textEventsMax);
  if (eventIds === null) {
    const rows = await db.all<{ id: number }>(sql`select id from alerts where ${where} order by id desc limit ${limit} offset ${offset}`);
    return rows.map((r) => Number(r.id));
  }
  const wanted = offset + limit;
  // SQLite: `+user_id` keeps the planner on alerts_event (one probe per event) rather than walking alerts_user.
  const user = db.dialect === 'postgres' ? sql`user_id = ${userId}` : sql`+user_id = ${userId}`;
  const rest = filterConditions(db, filter, withKeyset);
  const ofEvents =
    eventIds.length === 0
      ? []
      : await db.all<{ id: number }>(sql`select id from alerts
          where ${db.fragments.inIds(sql`event_id`, eventIds)} and ${sql.join([user, ...rest], sql` and `)}
          order by id desc limit ${wanted}`);
  const withoutEvent = await db.all<{ id: number }>(sql`select id from alerts
    where event_id is null and ${where} order by id desc limit ${wanted}`);
  return [...ofEvents, ...withoutEvent]
    .map((r) => Number(r.id))
    .sort((a, b) => b - a)
    .slice(offset, wanted);
}
