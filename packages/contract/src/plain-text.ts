/**
 * Plain text: what people and remote systems write is text, never layout or terminal control.
 * Names are one line; descriptions may break lines; neither may carry control characters, or the
 * invisible Unicode direction controls that make text display in another order than it is stored
 * ("Trojan Source", CVE-2021-42574), or lone UTF-16 surrogates (which no database stores faithfully).
 * Shared by the SPA (form validation) and the BFF (request validation, and cleaning what it stores).
 */
import { z } from 'zod';

// Built from strings so the source holds no raw control characters, and one definition serves test and replace.
const LINE_BREAK = '\\n\\r\\u0085\\u2028\\u2029';
const CONTROL = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F';
/** Embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROL = '\\u202A-\\u202E\\u2066-\\u2069';
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';

const LINE_BREAK_RE = new RegExp(`[${LINE_BREAK}]`);
const CONTROL_RE = new RegExp(`[${CONTROL}]`);
const TAB_RE = /\t/;
const BIDI_RE = new RegExp(`[${BIDI_CONTROL}]`);
const LONE_SURROGATE_RE = new RegExp(LONE_SURROGATE);

const codePoint = (ch: string) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `value` is not plain text, in words for a form, or null when it is. `multiline` allows line
 * breaks and tabs (descriptions); names allow neither.
 */
export function findPlainTextProblem(value: string, { multiline = false }: { multiline?: boolean } = {}): string | null {
  if (!multiline && LINE_BREAK_RE.test(value)) return 'Use one line (no line breaks)';
  if (!multiline && TAB_RE.test(value)) return 'Use spaces instead of tabs';
  const control = CONTROL_RE.exec(value);
  if (control) return `Remove the control character ${codePoint(control[0])}`;
  const bidi = BIDI_RE.exec(value);
  if (bidi) return `Remove the invisible text-direction character ${codePoint(bidi[0])}`;
  if (LONE_SURROGATE_RE.test(value)) return 'Remove the broken character (a lone UTF-16 surrogate)';
  return null;
}

export const isPlainLine = (value: string) => findPlainTextProblem(value) === null;
export const isPlainMultiline = (value: string) => findPlainTextProblem(value, { multiline: true }) === null;

const checkPlain =
  (multiline: boolean) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const problem = findPlainTextProblem(value, { multiline });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };

/** One trimmed line of plain text (possibly empty). Chain .min/.max per field. */
export const ZPlainLine = z.string().trim().superRefine(checkPlain(false));
/** A name: one trimmed, non-empty line of plain text. Chain .max per field. */
export const ZName = ZPlainLine.min(1, 'Enter a name');
/** Free text that may span lines (descriptions, disclaimers): no other control or direction characters. */
export const ZDescription = z.string().superRefine(checkPlain(true));
/** ZDescription for a field that must be sent: its absence is answered with `missing`, a sentence a person can act on. */
export const requiredDescription = (missing: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? missing : undefined) }).superRefine(checkPlain(true));

/** Secrets are opaque, but never a line break or control character: they end up in headers and protocol lines. */
export const isSecretText = (value: string) => !LINE_BREAK_RE.test(value) && !CONTROL_RE.test(value) && !TAB_RE.test(value);
export const SECRET_TEXT_MESSAGE = 'Use one line without control characters';
export const ZSecretText = z.string().refine(isSecretText, SECRET_TEXT_MESSAGE);

/**
 * A value sent as an HTTP header (webhook header value, the Slack token in Authorization): printable
 * ASCII only. Header bytes above 0x7F have no agreed encoding, and fetch refuses anything above 0xFF.
 */
export const isHeaderValue = (value: string) => /^[\x20-\x7E]*$/.test(value);
export const HEADER_VALUE_MESSAGE = 'Use printable ASCII characters only (letters, digits, punctuation, spaces)';
export const ZHeaderValue = z.string().refine(isHeaderValue, HEADER_VALUE_MESSAGE);

/** A URL as typed: no white space, line break or control character (URL parsers drop some of them silently). */
export const isUrlText = (value: string) => !/\s/.test(value) && isPlainLine(value);

const LINE_BREAK_OR_CONTROL_G = new RegExp(`[${LINE_BREAK}${CONTROL}\\t]`, 'g');
const BIDI_G = new RegExp(`[${BIDI_CONTROL}]`, 'g');
const LONE_SURROGATE_G = new RegExp(LONE_SURROGATE, 'g');

/**
 * Any text as one display line: line breaks, tabs and control characters become spaces, direction
 * controls are removed, lone surrogates become U+FFFD, runs of white space collapse to one space, and
 * the ends are trimmed. For names, titles and answers placed inline into messages and logs.
 */
export function toInlineText(text: string): string {
  return text.replace(LONE_SURROGATE_G, '\uFFFD').replace(BIDI_G, '').replace(LINE_BREAK_OR_CONTROL_G, ' ').replace(/\s+/g, ' ').trim();
}

const CONTROL_G = new RegExp(`[${CONTROL}]`, 'g');

/**
 * Any text as plain multi-line text: line breaks become \n, other control characters spaces,
 * direction controls are removed and lone surrogates become U+FFFD. Tabs and spacing are kept.
 */
export function toPlainMultilineText(text: string): string {
  return text
    .replace(LONE_SURROGATE_G, '\uFFFD')
    .replace(BIDI_G, '')
    .replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n')
    .replace(CONTROL_G, ' ');
}

const ELLIPSIS = '…';
let graphemes: Intl.Segmenter | undefined;

/**
 * `text` cut to at most `max` UTF-16 code units (what String.length and our database limits count),
 * at a grapheme cluster boundary, so no surrogate pair, emoji sequence or base letter with its accents
 * is ever split. When something is cut, `ellipsis` (default "…") is appended within `max`, so a
 * reader can tell; pass '' to cut silently (identifiers, or where the exact prefix matters). A cluster
 * longer than the budget is dropped whole. Text that fits is returned as it is.
 */
export function truncateText(text: string, max: number, { ellipsis = ELLIPSIS }: { ellipsis?: string } = {}): string {
  const limit = Number.isNaN(max) ? 0 : Math.max(0, Math.floor(max));
  if (text.length <= limit) return text;
  if (ellipsis.length > limit) return '';
  const budget = limit - ellipsis.length;
  // Whether a boundary falls at index i depends only on what precedes i and the code point at i,
  // so segmenting a prefix two code units longer than the budget finds the same boundaries up to it.
  const head = text.slice(0, budget + 2);
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let end = 0;
  for (const { index, segment } of graphemes.segment(head)) {
    const segmentEnd = index + segment.length;
    if (segmentEnd > budget) break;
    end = segmentEnd;
  }
  return text.slice(0, end) + ellipsis;
}
