/**
 * The user_mentioned event: who mentioned whom, on what, with the start of the note. Only the mentioned people
 * hear of it (a recipients list; dispatch adds the system record's channels to theirs for user_mentioned).
 * Titles are plain text; descriptions are markdown in which everything people wrote is escaped.
 */
import { ALERT_LIMITS } from '@tocsin/contract/catalogue';
import type { UserRow } from '../app-context';
import { engagementPath } from '../engagements/links';
import { clipText } from '../lib/clip-text';
import { escapeMarkdown } from '../lib/text';
import type { TDispatchInput } from '../notifications/dispatch';
import { findingLinks, type TEventPayload } from '../notifications/event-payload';
import { noteExcerpt } from './mentions';
import type { TNoteTarget } from './service';

const OBJECT_MAX = 120;

/** "finding 'SQL injection in /refunds'" or "engagement 'CI' of Payments API": what the note is on. */
export function describeNoteObject(target: TNoteTarget): string {
  return target.kind === 'finding'
    ? `finding '${clipText(target.title, OBJECT_MAX)}'`
    : `engagement '${clipText(target.engagementName, OBJECT_MAX)}' of ${clipText(target.productName, OBJECT_MAX)}`;
}

export function userMentionedEvent(input: {
  target: TNoteTarget;
  author: Pick<UserRow, 'id' | 'username'>;
  note: { id: number; entry: string; isPrivate: boolean };
  recipients: number[];
  url: string;
}): TDispatchInput {
  const { target, author, note } = input;
  const excerpt = noteExcerpt(note.entry);
  const where =
    target.kind === 'finding'
      ? `the finding **${escapeMarkdown(target.title)}** in **${escapeMarkdown(target.productName)}** / ${escapeMarkdown(target.engagementName)}`
      : `the engagement **${escapeMarkdown(target.engagementName)}** of **${escapeMarkdown(target.productName)}**`;
  const on =
    target.kind === 'finding'
      ? { type: 'finding' as const, id: target.id, name: target.title, ...findingLinks(target.id) }
      : {
          type: 'engagement' as const,
          id: target.id,
          name: target.engagementName,
          url: engagementPath(target.id),
          url_ui: engagementPath(target.id),
          url_api: `/api/engagements/${target.id}`,
        };
  const payload: TEventPayload = {
    note: { id: note.id, author: author.username, excerpt, is_private: note.isPrivate, url: input.url, url_ui: input.url, on },
  };
  return {
    event: 'user_mentioned',
    title: clipText(`${author.username} mentioned you on ${describeNoteObject(target)}`, ALERT_LIMITS.title),
    description: `**${escapeMarkdown(author.username)}** mentioned you in a${note.isPrivate ? ' private' : ''} note on ${where}:\n\n> ${escapeMarkdown(excerpt)}`,
    url: input.url,
    productId: target.productId,
    engagementId: target.engagementId,
    recipients: input.recipients,
    createdBy: author.id,
    payload,
  };
}
