import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipText, collapseWhitespace, ELLIPSIS } from './clip-text';

const graphemesOf = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

describe('clipText', () => {
  it.each([
    { name: 'short text is kept', text: 'SQL injection', max: 20, out: 'SQL injection' },
    { name: 'exactly max is kept', text: 'abcde', max: 5, out: 'abcde' },
    { name: 'cut after the last whole word', text: 'SQL injection in the login form', max: 20, out: 'SQL injection in…' },
    { name: 'a word ending right at the cut is kept whole', text: 'alpha beta gamma', max: 11, out: 'alpha beta…' },
    { name: 'one long word is cut inside', text: 'Supercalifragilistic', max: 8, out: 'Superca…' },
    { name: 'max 1 leaves the ellipsis', text: 'abc', max: 1, out: '…' },
    { name: 'an emoji is never halved', text: 'ab👍🏽cd', max: 4, out: 'ab…' },
    { name: 'a flag is never halved', text: '🇩🇪🇫🇷', max: 7, out: '🇩🇪…' },
    { name: 'a letter keeps its combining accent', text: 'cafe\u0301 au lait', max: 6, out: 'cafe\u0301…' },
  ])('$name', ({ text, max, out }) => {
    expect(clipText(text, max)).toBe(out);
  });

  it('refuses a length below 1', () => {
    expect(() => clipText('x', 0)).toThrow(RangeError);
  });

  it('never exceeds max and never splits a grapheme (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 1, max: 60 }), (text, max) => {
        const out = clipText(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (out === text) return;
        expect(out.endsWith(ELLIPSIS)).toBe(true);
        const kept = graphemesOf(out.slice(0, -ELLIPSIS.length));
        expect(graphemesOf(text).slice(0, kept.length)).toEqual(kept);
      }),
    );
  });
});

describe('collapseWhitespace', () => {
  it('turns newlines, tabs and no-break spaces into single spaces and trims', () => {
    expect(collapseWhitespace('  a\n\n\tb\u00a0\u00a0c  ')).toBe('a b c');
  });
});
