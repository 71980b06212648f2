/**
 * An event's description (CommonMark: written by our templates, with names escaped by escapeMarkdown, or sent by an
 * integration through POST /api/events) rendered for each channel that cannot show markdown as the SPA does:
 * plain text (mail text part, webhook `description_text`), HTML (mail HTML part), Slack mrkdwn and the markdown
 * subset of Teams TextBlocks. The description is parsed once (mdast-util-from-markdown, CommonMark without GFM, as
 * react-markdown reads it in the SPA) and the tree is written out per medium, so people read bold, lists, quotes and
 * links instead of `**`, backslash escapes and relative paths.
 *
 * Only the tree's structure becomes markup. Every text value goes through the medium's escaper (lib/text.ts), raw
 * HTML in the source is shown as text, images become their alt text, and a link keeps its target only when it is
 * an http(s) URL or a path on this site (made absolute with the public base URL); any other target
 * (javascript:, data:, mailto:, a relative word) leaves just the link's text.
 */
import type { Nodes, PhrasingContent, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { breakAutolinks, escapeSlackMrkdwn, escapeTeamsText, toPlainMultilineText, truncateText, WORD_JOINER } from '../lib/text';

export type TMarkdownOptions = { baseUrl: string };

// ---------------------------------------------------------------------------
// Links

/** An absolute link: paths are joined to the public base URL, absolute http(s) URLs kept as they are. */
export function toAbsoluteUrl(baseUrl: string, url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return `${baseUrl}${url.startsWith('/') ? '' : '/'}${url}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: a link target with control characters or blanks is refused.
const UNSAFE_URL_CHARS = /[\u0000-\u001f\u007f\s]/;

/**
 * The absolute http(s) URL a link may point to, or null: a path on this site ("/findings/12", not "//host" or
 * "/\host") joined to the base URL, or an absolute http(s) URL. Returned as the URL parser writes it, so it is
 * percent-encoded and holds no blank, quote or angle bracket.
 */
export function resolveLinkUrl(url: string, baseUrl: string): string | null {
  if (!url || UNSAFE_URL_CHARS.test(url)) return null;
  const isSitePath = url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\');
  if (!isSitePath && !/^https?:\/\//i.test(url)) return null;
  try {
    const parsed = new URL(isSitePath ? toAbsoluteUrl(baseUrl, url) : url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.href;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// The tree

type TDefinitions = Map<string, string>;

function parse(markdown: string): { root: Root; definitions: TDefinitions } {
  const root = fromMarkdown(toPlainMultilineText(markdown));
  const definitions: TDefinitions = new Map();
  const collect = (node: Nodes) => {
    if (node.type === 'definition' && !definitions.has(node.identifier)) definitions.set(node.identifier, node.url);
    if ('children' in node) for (const child of node.children) collect(child);
  };
  collect(root);
  return { root, definitions };
}

/** The words of a node, as a reader sees them: text, code, raw HTML as written, images by their alt text. */
function toText(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
    case 'html':
      return node.value;
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'break':
      return '\n';
    default:
      return 'children' in node ? (node.children as Nodes[]).map(toText).join('') : '';
  }
}

/**
 * Escapes from our templates: escapeMarkdown puts word joiners after `@` and in `://` and `www.` so nothing links
 * them. They are taken out of the text before the medium's escaper puts them back where that medium needs them,
 * so none is doubled.
 */
const withoutWordJoiners = (text: string) => text.split(WORD_JOINER).join('');

// ---------------------------------------------------------------------------
// One medium: how text, inline marks and blocks are written

type TMedium = {
  /** Untrusted text made inert for the medium. */
  text: (value: string) => string;
  strong: (inner: string) => string;
  emphasis: (inner: string) => string;
  code: (value: string) => string;
  /**
   * `href` is null when the target may not be followed: the label alone is shown. `isBare` when the label is the
   * target itself (`<https://…>`).
   */
  link: (label: { rendered: string; plain: string; isBare: boolean }, href: string | null) => string;
  image: (alt: string) => string;
  lineBreak: string;
  paragraph: (inner: string) => string;
  heading: (inner: string) => string;
  codeBlock: (value: string) => string;
  htmlBlock: (value: string) => string;
  thematicBreak: string;
  blockquote: (blocks: string[]) => string;
  list: (items: string[][], ordered: boolean, start: number, spread: boolean) => string;
  /** Between the blocks of the document, a quote or a list item. */
  blockSeparator: string;
};

function renderInline(nodes: PhrasingContent[], m: TMedium, defs: TDefinitions, baseUrl: string): string {
  let out = '';
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        out += m.text(node.value);
        break;
      case 'strong':
        out += m.strong(renderInline(node.children, m, defs, baseUrl));
        break;
      case 'emphasis':
        out += m.emphasis(renderInline(node.children, m, defs, baseUrl));
        break;
      case 'delete':
        out += renderInline(node.children, m, defs, baseUrl);
        break;
      case 'inlineCode':
        out += m.code(node.value);
        break;
      case 'break':
        out += m.lineBreak;
        break;
      case 'html':
        out += m.text(node.value);
        break;
      case 'image':
      case 'imageReference':
        out += node.alt ? m.image(node.alt) : '';
        break;
      case 'link':
      case 'linkReference': {
        const target = node.type === 'link' ? node.url : defs.get(node.identifier);
        const plain = toText(node);
        const label = { rendered: renderInline(node.children, m, defs, baseUrl), plain, isBare: plain.trim() === '' || plain === target };
        // A reference without a definition is text in CommonMark: its brackets are shown.
        if (target === undefined) out += m.text(`[${label.plain}]`);
        else out += m.link(label, resolveLinkUrl(target, baseUrl));
        break;
      }
      default:
        out += m.text(toText(node));
    }
  }
  return out;
}

function renderBlock(node: RootContent, m: TMedium, defs: TDefinitions, baseUrl: string, isTight = false): string | null {
  switch (node.type) {
    case 'paragraph': {
      const inner = renderInline(node.children, m, defs, baseUrl);
      return isTight ? inner : m.paragraph(inner);
    }
    case 'heading':
      return m.heading(renderInline(node.children, m, defs, baseUrl));
    case 'blockquote':
      return m.blockquote(renderBlocks(node.children, m, defs, baseUrl));
    case 'list':
      return m.list(
        node.children.map((item) => renderBlocks(item.children, m, defs, baseUrl, !(node.spread || item.spread))),
        node.ordered === true,
        node.start ?? 1,
        node.spread === true,
      );
    case 'code':
      return m.codeBlock(node.value);
    case 'html':
      return m.htmlBlock(node.value);
    case 'thematicBreak':
      return m.thematicBreak;
    case 'definition':
      return null;
    default:
      return 'children' in node ? renderInline(node.children as PhrasingContent[], m, defs, baseUrl) : null;
  }
}

function renderBlocks(nodes: RootContent[], m: TMedium, defs: TDefinitions, baseUrl: string, isTight = false): string[] {
  return nodes.map((n) => renderBlock(n, m, defs, baseUrl, isTight)).filter((b): b is string => b !== null && b !== '');
}

function render(markdown: string, m: TMedium, baseUrl: string): string {
  const { root, definitions } = parse(markdown);
  return renderBlocks(root.children, m, definitions, baseUrl).join(m.blockSeparator);
}

/** `lines` with `first` before the first line and `rest` before the others (list markers and their indent). */
const prefixLines = (text: string, first: string, rest: string) =>
  text
    .split('\n')
    .map((line, i) => (i === 0 ? first + line : line === '' ? line : rest + line))
    .join('\n');

/** Plain-text list items: "- " or "1. ", continuation lines indented under the text. */
function textList(items: string[][], ordered: boolean, start: number, spread: boolean, bullet: string, separator: string): string {
  return items
    .map((blocks, i) => {
      const marker = ordered ? `${start + i}. ` : bullet;
      return prefixLines(blocks.join(spread ? separator : '\n'), marker, ' '.repeat(marker.length));
    })
    .join(spread ? separator : '\n');
}

const quoteLines = (blocks: string[], separator: string) =>
  blocks
    .join(separator)
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');

// ---------------------------------------------------------------------------
// Plain text (mail text part, webhook description_text)

const PLAIN: TMedium = {
  text: (value) => breakAutolinks(withoutWordJoiners(value)),
  strong: (inner) => inner,
  emphasis: (inner) => inner,
  code: (value) => value,
  link: ({ rendered, isBare }, href) => (href === null ? rendered : isBare ? href : `${rendered} (${href})`),
  image: (alt) => alt,
  lineBreak: '\n',
  paragraph: (inner) => inner,
  heading: (inner) => inner,
  codeBlock: (value) => value,
  htmlBlock: (value) => value,
  thematicBreak: '---',
  blockquote: (blocks) => quoteLines(blocks, '\n\n'),
  list: (items, ordered, start, spread) => textList(items, ordered, start, spread, '- ', '\n\n'),
  blockSeparator: '\n\n',
};

/** For machines (the webhook's description_text): the names exactly as stored, without the word joiners. */
const PLAIN_DATA: TMedium = { ...PLAIN, text: withoutWordJoiners };

/**
 * The description as plain text: no markdown syntax left, links as "text (absolute URL)". For people (a mail's
 * text part) literal URLs and addresses in the text keep a word joiner, so mail readers do not link them; `forData`
 * leaves them out, for receivers that process the text.
 */
export function renderMarkdownAsText(markdown: string, { baseUrl, forData = false }: TMarkdownOptions & { forData?: boolean }): string {
  return render(markdown, forData ? PLAIN_DATA : PLAIN, baseUrl);
}

// ---------------------------------------------------------------------------
// HTML (mail HTML part)

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Text in the HTML part; a soft line break is kept as a line break, as mail readers expect. */
const htmlText = (value: string) => escapeHtml(breakAutolinks(withoutWordJoiners(value))).replace(/\n/g, '<br>');

const HTML: TMedium = {
  text: htmlText,
  strong: (inner) => `<strong>${inner}</strong>`,
  emphasis: (inner) => `<em>${inner}</em>`,
  code: (value) => `<code>${escapeHtml(value)}</code>`,
  link: ({ rendered, isBare }, href) =>
    href === null ? rendered : `<a href="${escapeHtml(href)}">${isBare ? escapeHtml(href) : rendered}</a>`,
  image: (alt) => htmlText(alt),
  lineBreak: '<br>',
  paragraph: (inner) => `<p style="margin:0 0 12px">${inner}</p>`,
  heading: (inner) => `<p style="margin:0 0 12px"><strong>${inner}</strong></p>`,
  codeBlock: (value) => `<pre style="margin:0 0 12px;white-space:pre-wrap"><code>${escapeHtml(value)}</code></pre>`,
  htmlBlock: (value) => `<p style="margin:0 0 12px">${htmlText(value)}</p>`,
  thematicBreak: '<hr style="border:none;border-top:1px solid #ddd">',
  blockquote: (blocks) =>
    `<blockquote style="margin:0 0 12px;padding:0 0 0 12px;border-left:3px solid #ccc;color:#444">\n${blocks.join('\n')}\n</blockquote>`,
  list: (items, ordered, start) => {
    const tag = ordered ? 'ol' : 'ul';
    const startAttr = ordered && start !== 1 ? ` start="${start}"` : '';
    const lis = items.map((blocks) => `<li>${blocks.join('\n')}</li>`).join('\n');
    return `<${tag}${startAttr} style="margin:0 0 12px;padding-left:24px">\n${lis}\n</${tag}>`;
  },
  blockSeparator: '\n',
};

/** The description as an HTML fragment for a mail body: only our tags, every text escaped. */
export function renderMarkdownAsHtml(markdown: string, { baseUrl }: TMarkdownOptions): string {
  return render(markdown, HTML, baseUrl);
}

// ---------------------------------------------------------------------------
// Slack mrkdwn

/** Slack's link syntax `<url|text>`: the URL must hold no `|` or `>`, and & < > are written as entities. */
const slackUrl = (href: string) => href.replace(/\|/g, '%7C').replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E');

/** Slack formats only whole words: marks around an empty or blank-edged text would show as characters. */
const slackMark = (mark: string, inner: string) => {
  const trimmed = inner.trim();
  if (trimmed === '') return inner;
  const lead = inner.slice(0, inner.length - inner.trimStart().length);
  const trail = inner.slice(inner.trimEnd().length);
  return `${lead}${mark}${trimmed}${mark}${trail}`;
};

const SLACK: TMedium = {
  text: (value) => escapeSlackMrkdwn(withoutWordJoiners(value)),
  strong: (inner) => slackMark('*', inner),
  emphasis: (inner) => slackMark('_', inner),
  code: (value) => (value.trim() === '' ? value : `\`${escapeSlackMrkdwn(withoutWordJoiners(value))}\``),
  link: ({ plain, isBare }, href) => {
    const label = escapeSlackMrkdwn(withoutWordJoiners(plain)).replace(/\n/g, ' ');
    if (href === null) return label;
    return isBare ? `<${slackUrl(href)}>` : `<${slackUrl(href)}|${label}>`;
  },
  image: (alt) => escapeSlackMrkdwn(withoutWordJoiners(alt)),
  lineBreak: '\n',
  paragraph: (inner) => inner,
  heading: (inner) => slackMark('*', inner),
  codeBlock: (value) => `\`\`\`\n${escapeSlackMrkdwn(withoutWordJoiners(value))}\n\`\`\``,
  htmlBlock: (value) => escapeSlackMrkdwn(withoutWordJoiners(value)),
  thematicBreak: '\u2014\u2014\u2014',
  blockquote: (blocks) => quoteLines(blocks, '\n\n'),
  list: (items, ordered, start, spread) => textList(items, ordered, start, spread, '\u2022 ', '\n\n'),
  blockSeparator: '\n\n',
};

/**
 * `text` cut to `max` at a line end (so no `<url|text>`, entity or bold pair is split), with "…" when something was
 * left out; a first line longer than `max` is cut before any link or entity it would split.
 */
function fitMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  let out = '';
  for (const line of lines) {
    const next = out === '' ? line : `${out}\n${line}`;
    if (next.length > max - 2) break;
    out = next;
  }
  if (out !== '') return `${out}\n\u2026`;
  let head = truncateText(text, max, { ellipsis: '' });
  const open = head.lastIndexOf('<');
  if (open > head.lastIndexOf('>')) head = head.slice(0, open);
  head = head.replace(/&[#a-z0-9]*$/i, '');
  return truncateText(`${head}\u2026`, max);
}

/** The description as Slack mrkdwn, at most `max` characters (a section's text holds 3000). */
export function renderMarkdownAsSlack(markdown: string, { baseUrl, max = 3000 }: TMarkdownOptions & { max?: number }): string {
  return fitMrkdwn(render(markdown, SLACK, baseUrl), max);
}

// ---------------------------------------------------------------------------
// Microsoft Teams (Adaptive Card TextBlock)

/**
 * TextBlock markdown knows bold, italic, links and lists, nothing else (no headings, quotes or code). A paragraph
 * break is "\n\n" (a single "\n" is not shown everywhere); list items are separated by "\r", as Microsoft's
 * examples write them, and nested lists are flattened.
 */
const teamsText = (value: string) => escapeTeamsText(withoutWordJoiners(value)).replace(/\n/g, '\n\n');

/** `[text](url)` needs a URL without blanks or parentheses. */
const teamsUrl = (href: string) => href.replace(/\(/g, '%28').replace(/\)/g, '%29');

const teamsMark = (mark: string, inner: string) => {
  const trimmed = inner.trim();
  if (trimmed === '') return inner;
  return `${inner.slice(0, inner.length - inner.trimStart().length)}${mark}${trimmed}${mark}${inner.slice(inner.trimEnd().length)}`;
};

const TEAMS: TMedium = {
  text: teamsText,
  strong: (inner) => teamsMark('**', inner),
  emphasis: (inner) => teamsMark('_', inner),
  code: teamsText,
  link: ({ plain, isBare }, href) => {
    // A label must not close the link early, nor hold a line break.
    const label = escapeTeamsText(withoutWordJoiners(plain)).replace(/\n/g, ' ').replace(/\[/g, '\u27E6').replace(/\]/g, '\u27E7');
    if (href === null) return label;
    return `[${isBare ? teamsText(href) : label}](${teamsUrl(href)})`;
  },
  image: (alt) => teamsText(alt),
  lineBreak: '\n\n',
  paragraph: (inner) => inner,
  heading: (inner) => teamsMark('**', inner),
  codeBlock: teamsText,
  htmlBlock: teamsText,
  thematicBreak: '\u2014\u2014\u2014',
  blockquote: (blocks) =>
    blocks
      .join('\n\n')
      .split('\n\n')
      .map((p) => `> ${p}`)
      .join('\n\n'),
  list: (items, ordered, start) =>
    items
      .map((blocks, i) => {
        const marker = ordered ? `${start + i}. ` : '- ';
        // An item's paragraphs are one line each; a nested list follows as items of its own.
        return marker + blocks.map((b) => b.replace(/\n+/g, ' ')).join('\r');
      })
      .join('\r'),
  blockSeparator: '\n\n',
};

/** The description as TextBlock markdown for a Teams Adaptive Card. */
export function renderMarkdownAsTeams(markdown: string, { baseUrl }: TMarkdownOptions): string {
  return render(markdown, TEAMS, baseUrl);
}
