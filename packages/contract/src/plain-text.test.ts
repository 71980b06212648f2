import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findPlainTextProblem,
  isHeaderValue,
  isSecretText,
  isUrlText,
  toInlineText,
  toPlainMultilineText,
  truncateText,
  ZDescription,
  ZName,
} from './plain-text';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('findPlainTextProblem', () => {
  const cases: { name: string; value: string; line: string | null; multiline: string | null }[] = [
    { name: 'ordinary text', value: 'Web shop (prod) – café 🚀', line: null, multiline: null },
    { name: 'right-to-left letters without controls', value: 'מוצר 1', line: null, multiline: null },
    { name: 'a line feed', value: 'Shop\n# Heading', line: 'Use one line (no line breaks)', multiline: null },
    { name: 'a carriage return', value: 'a\rb', line: 'Use one line (no line breaks)', multiline: null },
    { name: 'a Unicode line separator', value: 'a\u2028b', line: 'Use one line (no line breaks)', multiline: null },
    { name: 'next line (NEL)', value: 'a\u0085b', line: 'Use one line (no line breaks)', multiline: null },
    { name: 'a tab', value: 'a\tb', line: 'Use spaces instead of tabs', multiline: null },
    { name: 'NUL', value: 'a\u0000b', line: 'Remove the control character U+0000', multiline: 'Remove the control character U+0000' },
    {
      name: 'escape (terminal colours)',
      value: '\u001b[31mred',
      line: 'Remove the control character U+001B',
      multiline: 'Remove the control character U+001B',
    },
    { name: 'DEL', value: 'a\u007fb', line: 'Remove the control character U+007F', multiline: 'Remove the control character U+007F' },
    {
      name: 'a C1 control',
      value: 'a\u009bb',
      line: 'Remove the control character U+009B',
      multiline: 'Remove the control character U+009B',
    },
    {
      name: 'right-to-left override',
      value: 'invoice\u202Efdp.exe',
      line: 'Remove the invisible text-direction character U+202E',
      multiline: 'Remove the invisible text-direction character U+202E',
    },
    {
      name: 'a directional isolate',
      value: 'a\u2066b\u2069',
      line: 'Remove the invisible text-direction character U+2066',
      multiline: 'Remove the invisible text-direction character U+2066',
    },
    {
      name: 'a lone surrogate',
      value: 'emoji \uD83D',
      line: 'Remove the broken character (a lone UTF-16 surrogate)',
      multiline: 'Remove the broken character (a lone UTF-16 surrogate)',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: one line`, () => expect(findPlainTextProblem(c.value)).toBe(c.line));
    it(`${c.name}: multi-line`, () => expect(findPlainTextProblem(c.value, { multiline: true })).toBe(c.multiline));
  }
});

describe('ZName and ZDescription', () => {
  it('trims a name and refuses an empty one', () => {
    expect(ZName.parse('  Web shop  ')).toBe('Web shop');
    expect(ZName.safeParse('   ').error?.issues[0]?.message).toBe('Enter a name');
  });

  it('refuses a name that would inject a heading into other users alerts', () => {
    expect(ZName.safeParse('Shop\n# You have been hacked').error?.issues[0]?.message).toBe('Use one line (no line breaks)');
  });

  it('accepts a trailing newline as white space to trim', () => expect(ZName.parse('Shop\n')).toBe('Shop'));

  it('keeps line breaks in a description but not other controls', () => {
    expect(ZDescription.parse('line 1\r\nline 2\n\ttabbed')).toBe('line 1\r\nline 2\n\ttabbed');
    expect(ZDescription.safeParse('a\u202Eb').success).toBe(false);
    expect(ZDescription.safeParse('a\u0007b').success).toBe(false);
  });
});

describe('value rules', () => {
  const cases: { value: string; secret: boolean; header: boolean; url: boolean }[] = [
    { value: 'xoxb-123-abc', secret: true, header: true, url: true },
    { value: 'pass word', secret: true, header: true, url: false },
    { value: 'pässwörd', secret: true, header: false, url: true },
    { value: 'a\r\nX-Injected: 1', secret: false, header: false, url: false },
    { value: 'a\tb', secret: false, header: false, url: false },
    { value: 'a\u0000', secret: false, header: false, url: false },
    { value: 'https://example.com/a\tb', secret: false, header: false, url: false },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.value)}: secret ${c.secret}, header ${c.header}, url ${c.url}`, () => {
      expect(isSecretText(c.value)).toBe(c.secret);
      expect(isHeaderValue(c.value)).toBe(c.header);
      expect(isUrlText(c.value)).toBe(c.url);
    });
  }
});

describe('toInlineText', () => {
  const cases: [string, string, string][] = [
    ['keeps plain text', 'Web shop', 'Web shop'],
    ['joins lines with a space', 'Shop\n# Heading', 'Shop # Heading'],
    ['CR LF and separators', 'a\r\nb\u2028c\u2029d\u0085e', 'a b c d e'],
    ['controls become spaces, runs collapse', 'a\u0000\u0007\t\tb', 'a b'],
    ['drops direction controls', 'invoice\u202Efdp.exe \u2066x\u2069', 'invoicefdp.exe x'],
    ['trims the ends', '  \n padded \t ', 'padded'],
    ['replaces a lone surrogate', 'a\uD83Db', 'a\uFFFDb'],
    ['keeps a surrogate pair', 'a😀b', 'a😀b'],
  ];
  for (const [name, input, expected] of cases) it(name, () => expect(toInlineText(input)).toBe(expected));

  it('always gives one line without controls, direction marks or lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const line = toInlineText(text);
        expect(findPlainTextProblem(line)).toBeNull();
        expect(line).toBe(line.trim());
      }),
    );
  });
});

describe('toPlainMultilineText', () => {
  const cases: [string, string, string][] = [
    ['keeps lines and tabs', 'a\n\tb', 'a\n\tb'],
    ['normalises CR LF and CR', 'a\r\nb\rc\u2028d', 'a\nb\nc\nd'],
    ['controls become spaces', 'a\u0000b\u001bc', 'a b c'],
    ['drops direction controls', 'a\u202Eb', 'ab'],
  ];
  for (const [name, input, expected] of cases) it(name, () => expect(toPlainMultilineText(input)).toBe(expected));

  it('always gives valid multi-line plain text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(findPlainTextProblem(toPlainMultilineText(text), { multiline: true })).toBeNull();
      }),
    );
  });
});

describe('truncateText', () => {
  const family = '👨‍👩‍👧‍👦'; // 11 code units, one grapheme
  const cases: { name: string; text: string; max: number; ellipsis?: string; expected: string }[] = [
    { name: 'short text is returned as it is', text: 'abc', max: 3, expected: 'abc' },
    { name: 'long text gets an ellipsis within max', text: 'abcdef', max: 4, expected: 'abc…' },
    { name: 'without an ellipsis it cuts at max', text: 'abcdef', max: 4, ellipsis: '', expected: 'abcd' },
    { name: 'never splits a surrogate pair', text: '😀😀😀', max: 4, expected: '😀…' },
    { name: 'never splits a surrogate pair, no ellipsis', text: '😀😀😀', max: 5, ellipsis: '', expected: '😀😀' },
    { name: 'never splits an emoji ZWJ sequence', text: `${family}${family}`, max: 15, expected: `${family}…` },
    { name: 'drops a cluster longer than the budget', text: `${family}x`, max: 5, expected: '…' },
    { name: 'never splits a letter from its accent', text: 'cafe\u0301 au lait', max: 5, expected: 'caf…' },
    { name: 'never splits a skin-tone modifier', text: 'ab👍🏽cd', max: 5, ellipsis: '', expected: 'ab' },
    { name: 'never splits a flag', text: '🇫🇷🇩🇪', max: 6, expected: '🇫🇷…' },
    { name: 'max 0 gives an empty string', text: 'abc', max: 0, expected: '' },
    { name: 'max 1 holds only the ellipsis', text: 'abc', max: 1, expected: '…' },
    { name: 'a fractional max counts whole code units', text: 'abcdef', max: 4.9, expected: 'abc…' },
    { name: 'NaN as max gives an empty string', text: 'abc', max: Number.NaN, expected: '' },
    { name: 'Infinity as max keeps everything', text: 'abc', max: Number.POSITIVE_INFINITY, expected: 'abc' },
    { name: 'a custom ellipsis', text: 'abcdef', max: 5, ellipsis: '...', expected: 'ab...' },
    // The bug: 250 code units of emoji came back as 252 characters ending in replacement characters.
    { name: 'a title of emoji at 250', text: '🔥'.repeat(200), max: 250, ellipsis: '', expected: '🔥'.repeat(125) },
    { name: 'a title of emoji at 250 with an ellipsis', text: '🔥'.repeat(200), max: 250, expected: `${'🔥'.repeat(124)}…` },
  ];
  for (const c of cases) {
    it(c.name, () => expect(truncateText(c.text, c.max, c.ellipsis === undefined ? {} : { ellipsis: c.ellipsis })).toBe(c.expected));
  }

  it('never exceeds max and never leaves a lone surrogate', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom('…', '', '...'),
        (text, max, ellipsis) => {
          const cut = truncateText(text, max, { ellipsis });
          expect(cut.length).toBeLessThanOrEqual(max);
          expect(cut).not.toMatch(LONE_SURROGATE);
        },
      ),
    );
  });

  it('keeps the longest prefix of whole grapheme clusters that fits', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const clusters = (s: string) => [...segmenter.segment(s)].map((x) => x.segment);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 60 }), fc.integer({ min: 1, max: 80 }), (text, max) => {
        const cut = truncateText(text, max, { ellipsis: '' });
        const all = clusters(text);
        const kept = clusters(cut);
        expect(kept).toEqual(all.slice(0, kept.length));
        const next = all[kept.length];
        if (next !== undefined) expect(cut.length + next.length).toBeGreaterThan(max);
      }),
    );
  });

  it('does not segment the whole of a huge text', () => {
    const huge = 'x'.repeat(5_000_000);
    const started = Date.now();
    expect(truncateText(huge, 300)).toHaveLength(300);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
