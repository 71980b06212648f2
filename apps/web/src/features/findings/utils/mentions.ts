/**
 * The @ autocomplete of the note box as pure functions: which mention the caret is in, and the text once a
 * person is picked. A mention starts with @ at the start of the text or after white space or an opening
 * bracket (so e-mail addresses are not mentions), and runs up to the caret without white space.
 */

export type TMentionQuery = { start: number; query: string };

const USERNAME_CHAR = /^[A-Za-z0-9_.@+-]$/;

export function findMentionQuery(text: string, caret: number): TMentionQuery | null {
  if (caret < 1 || caret > text.length) return null;
  let i = caret - 1;
  while (i >= 0 && text[i] !== '@') {
    if (!USERNAME_CHAR.test(text[i] ?? '')) return null;
    i -= 1;
  }
  if (i < 0) return null;
  const before = i === 0 ? '' : (text[i - 1] ?? '');
  if (before !== '' && !/[\s([{]/.test(before)) return null;
  const query = text.slice(i + 1, caret);
  if (query.length > 150) return null;
  return { start: i, query };
}

/** Replaces the mention being typed (from `start` to the caret) with `@username ` and puts the caret after it. */
export function insertMention(text: string, mention: TMentionQuery, caret: number, username: string): { text: string; caret: number } {
  const inserted = `@${username} `;
  const rest = text
    .slice(caret)
    .replace(/^[A-Za-z0-9_.@+-]*/, '')
    .replace(/^ /, '');
  const next = text.slice(0, mention.start) + inserted + rest;
  return { text: next, caret: mention.start + inserted.length };
}
