/**
 * Untrusted text made inert. Anything a person or a remote system wrote is text; only our templates
 * make markup. Each escape function is for one medium and one placement:
 * - escapeMarkdown: inline into our CommonMark templates (alerts in the SPA, mail);
 * - escapeSlackMrkdwn: into Slack mrkdwn text objects;
 * - escapeTeamsText: into Adaptive Card TextBlock / Fact text (Teams);
 * and toSafeSnippet turns a provider's answer into one short, secret-free line for logs and alerts.
 * The character rules (toInlineText, truncateText) live in the contract, shared with the SPA.
 */
import { toInlineText, toPlainMultilineText, truncateText } from '@tocsin/contract/plain-text';

export { toInlineText, toPlainMultilineText, truncateText };

// ---------------------------------------------------------------------------
// Autolinks

/** U+2060 WORD JOINER: invisible, not white space, not punctuation, and it never allows a line break. */
export const WORD_JOINER = '\u2060';

/**
 * Breaks the spellings that renderers turn into links by themselves: `scheme://`, `www.` and
 * `local@domain`. A backslash escape is not enough: remark-gfm finds literal URLs in the text after
 * escapes are resolved (remarkjs/remark-gfm#33), and cmark-gfm ignores escapes inside them
 * (github/cmark-gfm#388). A word joiner survives every renderer, reads the same, and links nothing.
 */
export function breakAutolinks(text: string): string {
  return text
    .replace(/:(?=\/\/)/g, `:${WORD_JOINER}`)
    .replace(/(www)(?=\.)/gi, `$1${WORD_JOINER}`)
    .replace(/@/g, `@${WORD_JOINER}`);
}

// ---------------------------------------------------------------------------
// CommonMark

/**
 * `text` as inert CommonMark for placing inline into a template line: one line (see toInlineText),
 * every ASCII punctuation character backslash-escaped (CommonMark §2.4: an escaped punctuation
 * character is always literal), and literal autolinks broken. So no link, image, heading, list,
 * block quote, emphasis, code, HTML, entity, table or autolink can come out of it, wherever it is
 * placed on the line, with or without GFM. Not for code spans or link destinations, where escapes are
 * not processed; put untrusted URLs through ZSafeUrl instead.
 */
export function escapeMarkdown(text: string): string {
  return breakAutolinks(toInlineText(text)).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

// ---------------------------------------------------------------------------
// Slack mrkdwn

/**
 * Slack has no escape character for formatting (only &, < and > have entities), so formatting marks
 * that could open or close formatting are replaced by look-alikes (the same ones jsx-slack uses).
 */
const SLACK_LOOKALIKES: Record<string, string> = {
  '*': '\u2217', // ∗ ASTERISK OPERATOR
  _: '\u02CD', // ˍ MODIFIER LETTER LOW MACRON
  '~': '\u223C', // ∼ TILDE OPERATOR
  '`': '\u02CB', // ˋ MODIFIER LETTER GRAVE ACCENT
  '\uFF0A': '\uFE61', // ＊ -> ﹡ SMALL ASTERISK
  '\uFF3F': '\u2E0F', // ＿ -> ⸏ PARAGRAPHOS
  '\uFF40': '\u02CB', // ｀ -> ˋ
};
const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/**
 * `text` for a Slack mrkdwn text object. &, < and > become entities, which alone neutralises links,
 * `<!channel>`/`<!here>`/`<@U…>` mentions and date tokens. Bold, italic, strike and code marks are
 * replaced by look-alikes unless they sit inside a word (`snake_case`, `a*b`): Slack formats only at
 * word boundaries, so names keep their underscores. Backticks are always replaced. A `>` opening a
 * line (a quote) gets an invisible soft hyphen before it; bare `@here`-style words and literal URLs
 * get a word joiner after @ and ://. Line breaks are kept (descriptions); run names through
 * toInlineText first. Also set `verbatim: true` on the text object so Slack does not link-ify on its own.
 */
export function escapeSlackMrkdwn(text: string): string {
  const escaped = breakAutolinks(toPlainMultilineText(text)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped[i] as string;
    const lookalike = SLACK_LOOKALIKES[ch];
    const isIntraword = ch !== '`' && ch !== '\uFF40' && isWordChar(escaped[i - 1]) && isWordChar(escaped[i + 1]);
    out += lookalike !== undefined && !isIntraword ? lookalike : ch;
  }
  return out.replace(/^([ \t]*)(&gt;|\uFF1E)/gm, '$1\u00AD$2');
}

// ---------------------------------------------------------------------------
// Microsoft Teams (Adaptive Card TextBlock)

/**
 * TextBlock markdown is a CommonMark subset (bold, italic, bullet and numbered lists, links) and
 * `{{DATE(…)}}`/`{{TIME(…)}}` functions, rendered by a different parser on each Teams client;
 * backslash escapes are honoured by some and shown by others (microsoft/AdaptiveCards#5758,
 * MicrosoftDocs/msteams-docs#5793). So nothing here relies on escapes: * and _ become look-alikes
 * everywhere (not every client keeps CommonMark's rule that _ inside a word is literal), `](` is
 * split by a word joiner so no link forms, a line that would start a list gets a word joiner in
 * front, `{{` is split, and literal URLs are broken as for markdown. Line breaks are kept.
 */
export function escapeTeamsText(text: string): string {
  return breakAutolinks(toPlainMultilineText(text))
    .replace(/[*_]/g, (ch) => (ch === '*' ? '\u2217' : '\u02CD'))
    .replace(/\]\(/g, `]${WORD_JOINER}(`)
    .replace(/\{(?=\{)/g, `{${WORD_JOINER}`)
    .replace(/^([ \t]*)([-+]|\d+[.)])(?=[ \t]|$)/gm, `$1${WORD_JOINER}$2`);
}

// ---------------------------------------------------------------------------
// Secrets

/**
 * Shorter secrets are not redacted: replacing every "abc" would garble answers and protect nothing,
 * as a secret that short can be guessed. Forms shorter than this (an encoding of a longer secret
 * never is) are skipped too.
 */
export const MIN_SECRET_LENGTH = 4;
/** Base64 forms are added from this length: below it their cores are too short to be specific. */
export const MIN_BASE64_SECRET_LENGTH = 8;
export const REDACTED = '[redacted]';
/** Used instead when a secret is part of "[redacted]" itself; '***' is shorter than any secret form, so one always fits. */
const OTHER_MARKERS = ['[hidden]', '***'];

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The base64 text of `bytes` wherever they sit in a longer encoded value (a Basic auth header of
 * user:password, a JSON blob): for each of the three alignments, the characters that depend on the
 * secret's bytes alone. At most 2 characters at each end stay visible.
 */
function findBase64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/** The spellings a secret takes when a receiver echoes it back: as is, URL-, JSON-, HTML- or base64-encoded. */
export function findSecretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const forms = new Set<string>([secret]);
  try {
    const component = encodeURIComponent(secret);
    forms.add(component);
    forms.add(component.replace(/%20/g, '+'));
    forms.add(component.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
    forms.add(encodeURI(secret));
  } catch {
    // A lone surrogate cannot be URL-encoded, so it cannot be echoed that way either.
  }
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  forms.add(json.replace(/[\u007F-\uFFFF]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
  forms.add(secret.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch));
  // A receiver (or an HTML page) that collapsed white space still echoes the secret.
  forms.add(secret.replace(/\s+/g, ' '));
  if (secret.length >= MIN_BASE64_SECRET_LENGTH) {
    for (const core of findBase64Cores(Buffer.from(secret, 'utf8'))) forms.add(core);
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with every secret, and every form in findSecretForms, replaced by "[redacted]", longest
 * first so a secret that contains another is replaced whole. Run it on the raw text, before any
 * clipping or white-space normalisation, which could split a secret or change its spelling. Secrets
 * shorter than MIN_SECRET_LENGTH (including empty, null and undefined ones) are ignored. A secret
 * that is part of "[redacted]" is marked "[hidden]" or "***" instead.
 */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) if (secret) for (const form of findSecretForms(secret)) forms.add(form);
  if (forms.size === 0) return text;
  const marker = [REDACTED, ...OTHER_MARKERS].find((m) => ![...forms].some((form) => m.includes(form))) ?? '';
  const pattern = new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  // The marker's own characters could complete a secret with the text beside it (a secret "]abc" in
  // "[redacted]abc"): go again until nothing matches. Should a contrived secret keep doing that,
  // give up on the text rather than return part of a secret.
  let result = text;
  for (let pass = 0; pass < 8; pass++) {
    const next = result.replace(pattern, marker);
    if (next === result) return result;
    result = next;
  }
  return result.search(pattern) >= 0 ? marker : result;
}

/**
 * An answer, error or echo from outside as one short line fit for the delivery log and alerts:
 * secrets redacted first, then one line (toInlineText), then cut to `max` with an ellipsis.
 * Replaces outcome.ts's clip(), which respaced before anything could be redacted.
 */
export function toSafeSnippet(
  text: string,
  { secrets = [], max = 300 }: { secrets?: readonly (string | null | undefined)[]; max?: number } = {},
): string {
  return truncateText(toInlineText(redactSecrets(text, secrets)), max);
}
