import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeMarkdown,
  escapeSlackMrkdwn,
  escapeTeamsText,
  findSecretForms,
  MIN_SECRET_LENGTH,
  REDACTED,
  redactSecrets,
  toInlineText,
  toSafeSnippet,
} from './text';

const WJ = '\u2060';

// ---------------------------------------------------------------------------
// The SPA's own markdown parser: react-markdown -> remark-parse -> mdast-util-from-markdown.

type TMdNode = { type: string; value?: string; url?: string; children?: TMdNode[] };
const fromWeb = createRequire(new URL('../../../web/package.json', import.meta.url));
const fromReactMarkdown = createRequire(fromWeb.resolve('react-markdown'));
const fromRemarkParse = createRequire(fromReactMarkdown.resolve('remark-parse'));
const { fromMarkdown } = (await import(pathToFileURL(fromRemarkParse.resolve('mdast-util-from-markdown')).href)) as {
  fromMarkdown: (markdown: string) => TMdNode;
};

function walk(node: TMdNode, visit: (n: TMdNode) => void): void {
  visit(node);
  for (const child of node.children ?? []) walk(child, visit);
}
function render(markdown: string) {
  const tree = fromMarkdown(markdown);
  const types = new Set<string>();
  let text = '';
  const links: string[] = [];
  walk(tree, (n) => {
    types.add(n.type);
    if (n.type === 'text') text += n.value ?? '';
    if (n.type === 'link') links.push(n.url ?? '');
  });
  return { types, text, links };
}

// What GFM's literal autolinks match in rendered text (mdast-util-gfm-autolink-literal, after escapes are resolved).
const GFM_URL = /(https?:\/\/|www(?=\.))([-.\w]+)/i;
const GFM_EMAIL = /([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)/u;

const HOSTILE: [string, string][] = [
  ['a heading after a newline', 'Shop\n# You have been hacked'],
  ['a setext heading', 'Shop\n==='],
  ['a link', '[click here](https://evil.example/login)'],
  ['an image', '![x](https://evil.example/pixel.png)'],
  ['a reference link', '[x][1]\n\n[1]: https://evil.example'],
  ['emphasis', '**urgent** _now_ *really*'],
  ['code', '`rm -rf /` and ```fenced```'],
  ['raw HTML', '<img src=x onerror=alert(1)><script>alert(1)</script>'],
  ['an entity', '&lt;b&gt; &#x3C;'],
  ['an autolink', '<https://evil.example>'],
  ['an email autolink', '<admin@evil.example>'],
  ['a bare URL', 'see https://evil.example/x now'],
  ['a bare www link', 'go to www.evil.example'],
  ['a bare email', 'write to admin@evil.example'],
  ['a list', '- one\n- two\n1. first\n2) second\n+ plus'],
  ['a list at the start', '1. first'],
  ['a block quote', '> quoted'],
  ['a table', '| a | b |\n|---|---|\n| 1 | 2 |'],
  ['a thematic break', '***'],
  ['a hard break', 'line\\\nnext'],
  ['indented code', '    code block'],
  ['strikethrough', '~~struck~~'],
  ['a footnote', 'text[^1]\n\n[^1]: note'],
  ['direction override', 'invoice\u202Egnp.exe'],
  ['a backslash at the end', 'ends with \\'],
];

describe('escapeMarkdown', () => {
  const exact: [string, string][] = [
    ['Web shop', 'Web shop'],
    ['Shop\n# Heading', 'Shop \\# Heading'],
    ['[x](https://e.example)', `\\[x\\]\\(https\\:${WJ}\\/\\/e\\.example\\)`],
    ['www.e.example', `www${WJ}\\.e\\.example`],
    ['WWW.E.EXAMPLE', `WWW${WJ}\\.E\\.EXAMPLE`],
    ['a@b.example', `a\\@${WJ}b\\.example`],
    ['<b>&amp;', '\\<b\\>\\&amp\\;'],
    ['café 🚀', 'café 🚀'],
    ['snake_case *x*', 'snake\\_case \\*x\\*'],
  ];
  for (const [input, expected] of exact) it(`escapes ${JSON.stringify(input)}`, () => expect(escapeMarkdown(input)).toBe(expected));

  const templates: [string, (e: string) => string, string[]][] = [
    ['mid-line', (e) => `Product ${e} was added.`, ['root', 'paragraph', 'text']],
    ['at the start of a line', (e) => `${e}`, ['root', 'paragraph', 'text']],
    ['on its own line after ours', (e) => `Webhook failed:\n${e}`, ['root', 'paragraph', 'text']],
    ['inside our bold', (e) => `**${e}** failed`, ['root', 'paragraph', 'text', 'strong']],
    ['as our link text', (e) => `[${e}](/products/1) was added`, ['root', 'paragraph', 'text', 'link']],
  ];

  for (const [what, input] of HOSTILE) {
    for (const [where, template, allowed] of templates) {
      it(`${what}, placed ${where}, stays text`, () => {
        const escaped = escapeMarkdown(input);
        if (escaped === '') return;
        const { types, text, links } = render(template(escaped));
        expect([...types].filter((t) => !allowed.includes(t))).toEqual([]);
        expect(text.replaceAll(WJ, '')).toContain(toInlineText(input));
        expect(links.filter((url) => url !== '/products/1')).toEqual([]);
        expect(text).not.toMatch(GFM_URL);
        expect(text).not.toMatch(GFM_EMAIL);
      });
    }
  }

  const MARKDOWN_HEAVY = fc.string({
    unit: fc.constantFrom(
      ...'\\`*_{}[]()<>#+-.!|~&=:;"\'^$@/?%, \n\t\r 1aZé😀\u202E'.split(''),
      'http://',
      'https://',
      'www.',
      '](',
      '![',
      '<a>',
      '&amp;',
      '&#60;',
      '1. ',
      '    ',
      '---',
      '```',
      '@e.co',
    ),
    maxLength: 40,
  });

  it('never yields a markdown node other than text, wherever it is placed', () => {
    fc.assert(
      fc.property(fc.oneof(MARKDOWN_HEAVY, fc.string({ unit: 'binary', maxLength: 40 })), (input) => {
        const escaped = escapeMarkdown(input);
        for (const markdown of [escaped, `Alert: ${escaped} end`, `first line\n${escaped}`]) {
          const { types, text } = render(markdown);
          expect([...types].filter((t) => t !== 'root' && t !== 'paragraph' && t !== 'text')).toEqual([]);
          expect(text).not.toMatch(GFM_URL);
          expect(text).not.toMatch(GFM_EMAIL);
        }
        // The reader sees the words as they were written (on one line), word joiners aside.
        expect(render(escaped).text.replaceAll(WJ, '')).toBe(toInlineText(input).replaceAll(WJ, ''));
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------
// Slack

describe('escapeSlackMrkdwn', () => {
  const cases: [string, string, string][] = [
    ['plain text stays', 'Web shop 2', 'Web shop 2'],
    ['entities for &, < and >', 'a & b <c> d', 'a &amp; b &lt;c&gt; d'],
    ['a channel mention', '<!channel> wake up', '&lt;!channel&gt; wake up'],
    ['a user mention and a link', '<@U123> <https://evil.example|click>', `&lt;@${WJ}U123&gt; &lt;https:${WJ}//evil.example|click&gt;`],
    ['bare @here', 'ping @here and @channel', `ping @${WJ}here and @${WJ}channel`],
    ['bold, italic, strike and code at word boundaries', '*bold* _it_ ~no~ `code`', '∗bold∗ ˍitˍ ∼no∼ ˋcodeˋ'],
    ['marks inside a word are kept', 'snake_case_name a*b 2~3', 'snake_case_name a*b 2~3'],
    ['backticks are always replaced', 'a`b`c', 'aˋbˋc'],
    ['full-width marks', '＊x＊ ＿y＿', '﹡x﹡ ⸏y⸏'],
    ['a quote at the start of a line', '> quoted\nnot > here\n  > indented', '\u00AD&gt; quoted\nnot &gt; here\n  \u00AD&gt; indented'],
    ['a bare URL', 'see https://evil.example', `see https:${WJ}//evil.example`],
    ['line breaks are kept, controls and direction marks are not', 'a\r\nb\u202Ec\u0007', 'a\nbc '],
  ];
  for (const [name, input, expected] of cases) it(name, () => expect(escapeSlackMrkdwn(input)).toBe(expected));

  it('never leaves a raw <, >, a formatting mark at a word boundary, or a backtick', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'<>&*_~`! @#|:/.\nab1é'.split('')), maxLength: 40 }), (input) => {
        const out = escapeSlackMrkdwn(input);
        expect(out).not.toMatch(/[<>`]/);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        // A mark survives only between two letters or digits, where Slack does not format.
        expect(out).not.toMatch(/(^|[^\p{L}\p{N}])[*_~]|[*_~]($|[^\p{L}\p{N}])/mu);
        expect(out).not.toMatch(/^&gt;/m);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------
// Teams

describe('escapeTeamsText', () => {
  const cases: [string, string, string][] = [
    ['plain text stays', 'Web shop 2', 'Web shop 2'],
    ['bold and italic', '**bold** _it_ snake_case', '∗∗bold∗∗ ˍitˍ snakeˍcase'],
    ['a link', '[click](https://evil.example)', `[click]${WJ}(https:${WJ}//evil.example)`],
    ['a list', '- one\n1. two\n  + three\n3) four', `${WJ}- one\n${WJ}1. two\n  ${WJ}+ three\n${WJ}3) four`],
    ['not a list', '-1 and 2.5', '-1 and 2.5'],
    ['date functions', '{{DATE(2017-02-14T06:00:00Z, SHORT)}}', `{${WJ}{DATE(2017-02-14T06:00:00Z, SHORT)}}`],
    ['a bare URL and email', 'www.evil.example a@b.example', `www${WJ}.evil.example a@${WJ}b.example`],
    ['line breaks kept, direction marks dropped', 'a\r\nb\u202Ec', 'a\nbc'],
  ];
  for (const [name, input, expected] of cases) it(name, () => expect(escapeTeamsText(input)).toBe(expected));

  it('never leaves emphasis marks, a link, a date function or a list marker', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'*_[]()-+{}.1) \n\rab'.split('')), maxLength: 40 }), (input) => {
        const out = escapeTeamsText(input);
        expect(out).not.toMatch(/[*_]|\]\(|\{\{/);
        expect(out).not.toMatch(/^[ \t]*([-+]|\d+[.)])([ \t]|$)/m);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------
// Secrets

describe('redactSecrets', () => {
  const secret = 'xK9#mQ2 $v!Lp/7+w=';
  const cases: { name: string; text: string; secrets: (string | null | undefined)[]; expected: string }[] = [
    { name: 'as is', text: `token=${secret};`, secrets: [secret], expected: `token=${REDACTED};` },
    { name: 'every occurrence', text: `${secret} and ${secret}`, secrets: [secret], expected: `${REDACTED} and ${REDACTED}` },
    {
      // The bug: the text was respaced before redaction, so a secret with double spaces no longer matched.
      name: 'a secret with double spaces, in a multi-line answer',
      text: 'Unauthorized:\n  header was  "pass  word  123"\n',
      secrets: ['pass  word  123'],
      expected: `Unauthorized:\n  header was  "${REDACTED}"\n`,
    },
    {
      name: 'URL-encoded (query string)',
      text: `GET /hook?key=${encodeURIComponent(secret)} 401`,
      secrets: [secret],
      expected: `GET /hook?key=${REDACTED} 401`,
    },
    { name: 'form-encoded with + for spaces', text: 'key=pass+word+123', secrets: ['pass word 123'], expected: `key=${REDACTED}` },
    { name: 'URL-encoded in lower-case hex', text: 'k=a%2fb%2fcd', secrets: ['a/b/cd'], expected: `k=${REDACTED}` },
    {
      // A receiver that echoes the request headers as JSON.
      name: 'JSON-string-escaped',
      text: JSON.stringify({ headers: { 'x-api-key': 'say "hi"\\now' } }),
      secrets: ['say "hi"\\now'],
      expected: `{"headers":{"x-api-key":"${REDACTED}"}}`,
    },
    { name: 'JSON with escaped slashes', text: '{"k":"a\\/b\\/cdef"}', secrets: ['a/b/cdef'], expected: `{"k":"${REDACTED}"}` },
    { name: 'JSON with \\u escapes', text: '{"k":"p\\u00e4sswort"}', secrets: ['pässwort'], expected: `{"k":"${REDACTED}"}` },
    { name: 'HTML-escaped in an error page', text: '<p>key a&amp;b&lt;c</p>', secrets: ['a&b<c'], expected: `<p>key ${REDACTED}</p>` },
    {
      name: 'base64 inside a Basic auth header echoed back',
      text: `Authorization: Basic ${Buffer.from(`alice:${secret}`).toString('base64')}`,
      secrets: [secret],
      expected: 'no-secret',
    },
    {
      name: 'the longer of two overlapping secrets is replaced whole',
      text: 'key abcd1234efgh',
      secrets: ['abcd', 'abcd1234efgh'],
      expected: `key ${REDACTED}`,
    },
    { name: 'regular-expression characters are literal', text: 'a.*b (a.*b)', secrets: ['(a.*b)'], expected: `a.*b ${REDACTED}` },
    { name: `secrets shorter than ${MIN_SECRET_LENGTH} are ignored`, text: 'abc abc', secrets: ['abc'], expected: 'abc abc' },
    { name: 'empty, null and undefined secrets are ignored', text: 'text', secrets: ['', null, undefined], expected: 'text' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = redactSecrets(c.text, c.secrets);
      if (c.expected === 'no-secret') {
        expect(out).toContain(REDACTED);
        const decoded = Buffer.from(out.replace(/^.*Basic /, '').replace(REDACTED, ''), 'base64').toString('latin1');
        expect(decoded).not.toContain(secret.slice(2, -2));
      } else {
        expect(out).toBe(c.expected);
      }
    });
  }

  it('finds no base64 forms for secrets shorter than 8 characters', () => {
    expect(findSecretForms('abcdefg').some((f) => f === Buffer.from('abcdefg').toString('base64').slice(0, 9))).toBe(false);
    expect(findSecretForms('abcdefgh')).toContain(Buffer.from('abcdefgh').toString('base64').slice(0, 10));
  });

  it('never leaves a secret in random text with the secret inserted anywhere', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: MIN_SECRET_LENGTH, maxLength: 24 }),
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('raw', 'url', 'json', 'base64')), { minLength: 1, maxLength: 4 }),
        fc.string({ maxLength: 20 }),
        (secret, pieces, tail) => {
          const encode = {
            raw: (s: string) => s,
            url: encodeURIComponent,
            json: (s: string) => JSON.stringify(s).slice(1, -1),
            base64: (s: string) => Buffer.from(s).toString('base64'),
          };
          const text = pieces.map(([before, how]) => before + encode[how](secret)).join('') + tail;
          const out = redactSecrets(text, [secret]);
          expect(out).not.toContain(secret);
          expect(out).not.toContain(encodeURIComponent(secret));
          expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never leaves a secret even when it is made of the marker’s characters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'[redacted] x'.split('')), minLength: 4, maxLength: 12 }),
        fc.string({ unit: fc.constantFrom(...'[redacted] x'.split('')), maxLength: 30 }),
        (secret, noise) => {
          const out = redactSecrets(`${noise}${secret}${noise}${secret}`, [secret]);
          expect(out).not.toContain(secret);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('toSafeSnippet', () => {
  it('redacts before it respaces, then makes one line within max', () => {
    const body = 'HTTP 401\r\n\r\n{"error": "bad key",\n "echo": "pass  word  123"}';
    expect(toSafeSnippet(body, { secrets: ['pass  word  123'] })).toBe(`HTTP 401 {"error": "bad key", "echo": "${REDACTED}"}`);
  });

  it('cuts to max with an ellipsis, on a character boundary', () => {
    const snippet = toSafeSnippet(`${'🔥'.repeat(10)}`, { max: 6 });
    expect(snippet).toBe('🔥🔥…');
  });

  it('defaults to 300 characters and no secrets', () => {
    expect(toSafeSnippet('x'.repeat(1000))).toHaveLength(300);
    expect(toSafeSnippet('  a \n b  ')).toBe('a b');
  });

  it('drops control characters and direction overrides a receiver put in its answer', () => {
    expect(toSafeSnippet('\u001b[31mERROR\u001b[0m \u202Ekcatta')).toBe('[31mERROR [0m kcatta');
  });
});
