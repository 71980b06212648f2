/**
 * Mentions in notes (event user_mentioned) and the excerpt a notification quotes.
 *
 * The grammar is DefectDojo's (process_tag_notifications in dojo/notifications/helper.py:
 * `(?:\A|\s)@([\w.@+-]+)`, lower-cased, trailing dots stripped), because its users already write notes
 * that way:
 * - a mention is `@` at the start of the text or right after whitespace (any Unicode whitespace:
 *   space, newline, tab, no-break space), followed by a username;
 * - a username is letters, digits and `_ . @ + -` — Django's username alphabet. Letters and digits are
 *   Unicode ones, and combining marks count as part of a letter so a decomposed "é" is not cut in two;
 * - trailing dots end a sentence, not a name: "thanks @alice." mentions alice;
 * - an address such as someone@example.com is not a mention: its `@` follows a letter;
 * - nor is "(@bob)" or "cc:@bob": punctuation before `@` is not whitespace. This keeps DefectDojo's rule
 *   (so the same note notifies the same people) and spares code and paths pasted into notes;
 * - "@@x" mentions the user named "@x", since `@` is a username character.
 * Usernames come back NFC-normalised and lower-cased; the integrator matches them to users case-insensitively.
 * Positions are indexes of the `@` in the JavaScript string (UTF-16 code units).
 */
import { clipText, collapseWhitespace } from '../lib/clip-text';

export type TMention = { username: string; index: number };

// `\s` before the `@` (or the start), then the username alphabet. The look-behind keeps the preceding
// whitespace out of the match, so "@a @b" finds both.
const MENTION_RE = /(?<=^|\s)@([\p{L}\p{M}\p{N}_.@+-]+)/gu;

/** The users a note mentions, each once (first occurrence), in order of appearance. */
export function findMentions(text: string): TMention[] {
  const seen = new Set<string>();
  const mentions: TMention[] = [];
  for (const match of text.matchAll(MENTION_RE)) {
    const username = (match[1] ?? '').replace(/\.+$/u, '').normalize('NFC').toLowerCase();
    if (username === '' || seen.has(username)) continue;
    seen.add(username);
    mentions.push({ username, index: match.index });
  }
  return mentions;
}

/** The users an edit adds: mentioned in `after` and not in `before`, so an edited note does not notify twice. */
export function newMentions(before: string, after: string): TMention[] {
  const earlier = new Set(findMentions(before).map((m) => m.username));
  return findMentions(after).filter((m) => !earlier.has(m.username));
}

/** Length of the note excerpt in notification texts. */
export const NOTE_EXCERPT_MAX = 200;

/**
 * The start of a note for a notification: whitespace collapsed to single spaces, at most `max`
 * characters (UTF-16 code units), cut after a whole word and never inside a grapheme, with "…" when cut.
 */
export function noteExcerpt(text: string, max: number = NOTE_EXCERPT_MAX): string {
  return clipText(collapseWhitespace(text), max);
}
