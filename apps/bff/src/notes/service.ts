/**
 * Notes on findings and engagements, and the mentions in them (event user_mentioned).
 *
 * Anyone who may view the object may write a note on it (DefectDojo gives Readers Note_Add); only the author
 * edits it. A private note is read by its author and superusers only. A mention (@username, notes/mentions.ts)
 * notifies that user when they exist, are active, may see the note and are not the author; every other mention
 * is reported back to the author with the reason, in the answer of the POST or PATCH that made it. An edit
 * notifies only the people it newly mentions. The note, its history and its event commit together.
 */
import type { TCreateNoteBody, TEditNoteBody } from '@tocsin/contract/findings';
import type { TMentionReport, TNote, TNoteResult, TPersonRef } from '@tocsin/contract/findings-api';
import { type SQL, sql } from 'drizzle-orm';
import { type Deps, type UserRow, withDb } from '../app-context';
import { canViewProduct, userViewsProductSql } from '../auth/rbac';
import type { Database } from '../db/database';
import { engagementPath } from '../engagements/links';
import { findVisibleEngagement, findVisibleFinding } from '../findings/access';
import { personColumns, personOf } from '../findings/queries';
import { forbidden, notFound } from '../lib/errors';
import { toIso, toIsoOrNull } from '../lib/time';
import { dispatchEvent } from '../notifications/dispatch';
import { userMentionedEvent } from './events';
import { findMentions, newMentions, type TMention } from './mentions';

/** What a note is on: a finding (with its engagement and product) or an engagement. */
export type TNoteTarget =
  | { kind: 'finding'; id: number; title: string; engagementId: number; engagementName: string; productId: number; productName: string }
  | { kind: 'engagement'; id: number; engagementId: number; engagementName: string; productId: number; productName: string };

export async function findNoteTarget(deps: Deps, user: UserRow, kind: TNoteTarget['kind'], id: number): Promise<TNoteTarget> {
  if (kind === 'finding') {
    const f = await findVisibleFinding(deps, user, id);
    return {
      kind,
      id,
      title: f.title,
      engagementId: f.engagementId,
      engagementName: f.engagementName,
      productId: f.productId,
      productName: f.productName,
    };
  }
  const e = await findVisibleEngagement(deps, user, id);
  return { kind, id, engagementId: e.id, engagementName: e.name, productId: e.productId, productName: e.productName };
}

/** The note's own link: its object's page, at the note. */
export function noteUrl(target: Pick<TNoteTarget, 'kind' | 'id' | 'productId'>, noteId: number): string {
  return target.kind === 'finding' ? `/findings/${target.id}#note-${noteId}` : `${engagementPath(target.id)}#note-${noteId}`;
}

type TNoteRow = {
  id: number;
  entry: string;
  isPrivate: number;
  authorId: number | null;
  createdAt: number;
  updatedAt: number;
  editedAt: number | null;
  findingId: number | null;
  engagementId: number;
  productId: number;
} & Record<string, unknown>;

const NOTE_SELECT = sql`select n.id, n.entry, n.is_private as "isPrivate", n.author_id as "authorId", n.created_at as "createdAt",
    n.updated_at as "updatedAt", n.edited_at as "editedAt", n.finding_id as "findingId", n.engagement_id as "engagementId",
    n.product_id as "productId", ${personColumns('a', 'author')}
  from notes n left join users a on a.id = n.author_id`;

/** The author's columns as NOTE_SELECT names them (personColumns('a', 'author')). */
const authorColumns = (user: UserRow) => ({
  authorUsername: user.username,
  authorFirstName: user.firstName,
  authorLastName: user.lastName,
});

/** Private notes: their author and superusers only. */
const readableBy = (user: UserRow): SQL => (user.isSuperuser ? sql`1 = 1` : sql`(n.is_private = 0 or n.author_id = ${user.id})`);

function toNoteDto(row: TNoteRow, user: UserRow): TNote {
  const target =
    row.findingId !== null
      ? { kind: 'finding' as const, id: row.findingId, productId: row.productId }
      : { kind: 'engagement' as const, id: row.engagementId, productId: row.productId };
  return {
    id: row.id,
    entry: row.entry,
    is_private: row.isPrivate === 1,
    author: personOf(row, 'author'),
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
    edited_at: toIsoOrNull(row.editedAt),
    can_edit: row.authorId === user.id,
    url: noteUrl(target, row.id),
  };
}

const targetCondition = (target: TNoteTarget): SQL =>
  target.kind === 'finding' ? sql`n.finding_id = ${target.id}` : sql`n.engagement_id = ${target.id} and n.finding_id is null`;

/** The notes on a visible object the user may read, oldest first. */
export async function listNotes(deps: Deps, user: UserRow, target: TNoteTarget): Promise<TNote[]> {
  const rows = await deps.db.all<TNoteRow>(sql`${NOTE_SELECT} where ${targetCondition(target)} and ${readableBy(user)} order by n.id`);
  return rows.map((r) => toNoteDto(r, user));
}

async function findNote(db: Database, user: UserRow, id: number): Promise<TNote | undefined> {
  const row = await db.get<TNoteRow>(sql`${NOTE_SELECT} where n.id = ${id}`);
  return row ? toNoteDto(row, user) : undefined;
}

// ---------------------------------------------------------------------------
// Mentions

type TResolvedMentions = { recipients: number[]; report: TMentionReport };

type TMentionedUser = { id: number; username: string; isActive: number; isSuperuser: number; canView: unknown };

const objectWords = (target: TNoteTarget) => (target.kind === 'finding' ? 'this finding' : 'this engagement');

/** Which mentioned users are notified, and why the others are not. */
export async function resolveMentions(
  db: Database,
  mentions: readonly TMention[],
  context: { target: TNoteTarget; author: UserRow; isPrivate: boolean },
): Promise<TResolvedMentions> {
  const report: TMentionReport = { notified: [], not_notified: [] };
  const recipients: number[] = [];
  if (mentions.length === 0) return { recipients, report };
  const found = new Map<string, TMentionedUser>();
  // A few statements of at most 100 names each: one query whatever the number of mentions, served by the username index.
  for (let i = 0; i < mentions.length; i += 100) {
    const names = mentions.slice(i, i + 100).map((m) => m.username);
    const rows = await db.all<TMentionedUser>(sql`select u.id, u.username, u.is_active as "isActive", u.is_superuser as "isSuperuser",
        case when ${userViewsProductSql(sql`u`, sql`${context.target.productId}`)} then 1 else 0 end as "canView"
      from users u where ${sql.join(
        names.map((n) => db.fragments.ciEquals(sql`u.username`, n)),
        sql` or `,
      )}`);
    for (const r of rows) found.set(r.username.normalize('NFC').toLowerCase(), r);
  }
  for (const m of mentions) {
    const u = found.get(m.username);
    const refuse = (reason: TMentionReport['not_notified'][number]['reason'], message: string) =>
      report.not_notified.push({ username: u?.username ?? m.username, reason, message });
    if (!u) refuse('unknown_user', `Nobody is called @${m.username}, so nobody was notified.`);
    else if (u.id === context.author.id) refuse('self', 'That is you: you are not notified of your own note.');
    else if (u.isActive !== 1) refuse('inactive', `@${u.username}'s account is deactivated.`);
    else if (context.isPrivate && u.isSuperuser !== 1)
      refuse('no_access', `@${u.username} cannot read private notes (only their author and superusers can).`);
    else if (u.canView !== 1 && u.canView !== true)
      refuse('no_access', `@${u.username} may not see ${objectWords(context.target)} (no access to ${context.target.productName}).`);
    else {
      recipients.push(u.id);
      report.notified.push(u.username);
    }
  }
  return { recipients, report };
}

async function notifyMentions(
  deps: Deps,
  mentions: readonly TMention[],
  context: { target: TNoteTarget; author: UserRow; note: { id: number; entry: string; isPrivate: boolean } },
): Promise<TMentionReport> {
  const { recipients, report } = await resolveMentions(deps.db, mentions, { ...context, isPrivate: context.note.isPrivate });
  if (recipients.length > 0) {
    await dispatchEvent(deps, userMentionedEvent({ ...context, recipients, url: noteUrl(context.target, context.note.id) }));
  }
  return report;
}

// ---------------------------------------------------------------------------
// Writing

/** Add a note on a visible object (its mentions notified in the same transaction). Used by the status change too. */
export async function createNote(deps: Deps, user: UserRow, target: TNoteTarget, body: TCreateNoteBody): Promise<TNoteResult> {
  const entry = body.entry;
  const isPrivate = body.is_private ?? false;
  return deps.db.transaction(async (tx) => {
    const txDeps = withDb(deps, tx);
    const now = deps.now();
    const row = await tx.get<{ id: number }>(sql`insert into notes (product_id, engagement_id, finding_id, author_id, entry, is_private,
        created_at, updated_at)
      values (${target.productId}, ${target.engagementId}, ${target.kind === 'finding' ? target.id : null}, ${user.id}, ${entry},
        ${isPrivate}, ${now}, ${now})
      returning id`);
    const id = row!.id;
    const mentions = await notifyMentions(txDeps, findMentions(entry), { target, author: user, note: { id, entry, isPrivate } });
    // The note as stored, from what was just written (no second read: every statement is a round trip on PostgreSQL).
    const note = toNoteDto(
      {
        id,
        entry,
        isPrivate: isPrivate ? 1 : 0,
        authorId: user.id,
        createdAt: now,
        updatedAt: now,
        editedAt: null,
        findingId: target.kind === 'finding' ? target.id : null,
        engagementId: target.engagementId,
        productId: target.productId,
        ...authorColumns(user),
      },
      user,
    );
    return { note, mentions };
  });
}

/**
 * The author edits their note. A note the user may not read (private, or on an object they may not see) is 404;
 * somebody else's note they can read is 403. Only people the edit newly mentions are notified.
 */
export async function editNote(deps: Deps, user: UserRow, id: number, body: TEditNoteBody): Promise<TNoteResult> {
  const stored = await deps.db.get<{
    entry: string;
    authorId: number | null;
    isPrivate: number;
    findingId: number | null;
    engagementId: number;
    productId: number;
  }>(sql`select entry, author_id as "authorId", is_private as "isPrivate", finding_id as "findingId", engagement_id as "engagementId",
      product_id as "productId"
    from notes where id = ${id}`);
  const isReadable =
    stored !== undefined &&
    (await canViewProduct(deps, user, stored.productId)) &&
    (stored.isPrivate === 0 || stored.authorId === user.id || user.isSuperuser);
  if (!stored || !isReadable) throw notFound(`Note ${id}`);
  if (stored.authorId !== user.id) throw forbidden('Only the author of a note can edit it.');
  const target =
    stored.findingId !== null
      ? await findNoteTarget(deps, user, 'finding', stored.findingId)
      : await findNoteTarget(deps, user, 'engagement', stored.engagementId);
  return deps.db.transaction(async (tx) => {
    const now = deps.now();
    // The entry as it is now, read under a write that holds the row until the commit: two quick edits then
    // compare with each other, so the same new mention is never notified twice.
    const current = await tx.get<{ entry: string }>(sql`update notes set updated_at = ${now} where id = ${id} returning entry`);
    if (!current) throw notFound(`Note ${id}`);
    const before = current.entry;
    await tx.run(sql`update notes set entry = ${body.entry}, edited_at = ${now} where id = ${id}`);
    const mentions = await notifyMentions(withDb(deps, tx), newMentions(before, body.entry), {
      target,
      author: user,
      note: { id, entry: body.entry, isPrivate: stored.isPrivate === 1 },
    });
    return { note: (await findNote(tx, user, id))!, mentions };
  });
}

// ---------------------------------------------------------------------------
// The @ autocomplete

/**
 * Active people who may see the object (for a private note: superusers), whose username or name starts with
 * `q` (case-insensitive), the caller left out; by username.
 */
export async function listMentionable(
  deps: Deps,
  user: UserRow,
  target: TNoteTarget,
  query: { q: string; isPrivate: boolean; limit: number },
): Promise<TPersonRef[]> {
  const db = deps.db;
  const q = query.q.replace(/^@/, '');
  const pattern = `${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const matches =
    q === ''
      ? sql`1 = 1`
      : sql`(${db.fragments.ciLike(sql`u.username`, pattern)} or ${db.fragments.ciLike(sql`u.first_name`, pattern)}
          or ${db.fragments.ciLike(sql`u.last_name`, pattern)})`;
  const mayRead = query.isPrivate ? sql`u.is_superuser = 1` : userViewsProductSql(sql`u`, sql`${target.productId}`);
  const rows = await db.all<Record<string, unknown>>(sql`select ${personColumns('u', 'person')} from users u
    where u.is_active = 1 and u.id != ${user.id} and ${mayRead} and ${matches}
    order by ${db.fragments.ciOrder(sql`u.username`)} limit ${query.limit}`);
  return rows.map((r) => personOf(r, 'person')!);
}
