/**
 * Shortening text for notification titles and excerpts. Lengths are JavaScript string lengths (UTF-16
 * code units), which is never less than the character count a database checks, so a clipped value always
 * fits its column; cuts fall only between grapheme clusters, so an emoji, a flag or a letter with its
 * accents is never split.
 */

export const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Collapse every run of whitespace (newlines, tabs, no-break spaces) to one space and trim. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * `text` when it fits in `max`, else its start ending in "…", cut after the last whole word that fits;
 * a single word longer than the room is cut between graphemes. The result's length is at most `max`.
 */
export function clipText(text: string, max: number): string {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive whole number: ${max}`);
  if (text.length <= max) return text;
  const room = max - ELLIPSIS.length;
  // The longest prefix made of whole graphemes that fits the room.
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  const head = text.slice(0, end);
  // Prefer to stop at a word boundary: the whitespace right after the cut, or the last one before it.
  const nextIsSpace = /\s/u.test(text.charAt(end));
  const lastSpace = head.search(/\s\S*$/u);
  const cut = nextIsSpace ? head : lastSpace > 0 ? head.slice(0, lastSpace) : head;
  return `${cut.trimEnd()}${ELLIPSIS}`;
}
