import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMentions, newMentions, noteExcerpt, type TMention } from './mentions';

describe('findMentions', () => {
  const cases: { name: string; text: string; mentions: TMention[] }[] = [
    { name: 'at the start of the text', text: '@alice please look', mentions: [{ username: 'alice', index: 0 }] },
    { name: 'after a space', text: 'cc @bob', mentions: [{ username: 'bob', index: 3 }] },
    { name: 'after a newline', text: 'Done.\n@carol', mentions: [{ username: 'carol', index: 6 }] },
    { name: 'after a tab', text: 'owner:\t@dave', mentions: [{ username: 'dave', index: 7 }] },
    { name: 'after a no-break space', text: 'cc\u00a0@erin', mentions: [{ username: 'erin', index: 3 }] },
    { name: 'dotted names', text: 'ask @jane.doe', mentions: [{ username: 'jane.doe', index: 4 }] },
    { name: 'a trailing dot ends the sentence, not the name', text: 'thanks @alice.', mentions: [{ username: 'alice', index: 7 }] },
    { name: 'trailing dots (ellipsis)', text: 'hmm @alice...', mentions: [{ username: 'alice', index: 4 }] },
    { name: 'a dotted name ending a sentence', text: 'see @jane.doe.', mentions: [{ username: 'jane.doe', index: 4 }] },
    { name: 'the other username characters _ + - @', text: '@a_b+c-d@corp', mentions: [{ username: 'a_b+c-d@corp', index: 0 }] },
    { name: 'an email address is not a mention', text: 'mail someone@example.com', mentions: [] },
    { name: 'an email address at the start is not a mention', text: 'someone@example.com said so', mentions: [] },
    {
      name: 'a mention of a user whose name is an address',
      text: 'cc @someone@example.com',
      mentions: [{ username: 'someone@example.com', index: 3 }],
    },
    { name: 'case does not matter: lower-cased', text: '@Alice', mentions: [{ username: 'alice', index: 0 }] },
    { name: 'duplicates count once, at the first position', text: '@bob and @BOB and @bob', mentions: [{ username: 'bob', index: 0 }] },
    {
      name: 'several people, in order',
      text: '@bob, @alice; @carol!',
      mentions: [
        { username: 'bob', index: 0 },
        { username: 'alice', index: 6 },
        { username: 'carol', index: 14 },
      ],
    },
    { name: 'punctuation ends a name', text: '@bob, hi', mentions: [{ username: 'bob', index: 0 }] },
    { name: '@@x mentions the user "@x" (@ is a username character)', text: 'hi @@x', mentions: [{ username: '@x', index: 3 }] },
    { name: 'a lone @ is nothing', text: 'meet @ noon', mentions: [] },
    { name: 'only dots is nothing', text: 'well @...', mentions: [] },
    { name: '"(@bob)": punctuation before @ is not whitespace (DefectDojo rule)', text: 'ask (@bob)', mentions: [] },
    { name: '"cc:@bob" is not a mention either', text: 'cc:@bob', mentions: [] },
    { name: '"(cc @bob)": after whitespace it is, and ")" ends it', text: '(cc @bob)', mentions: [{ username: 'bob', index: 4 }] },
    { name: 'an emoji before @ is not whitespace', text: '👋@bob', mentions: [] },
    { name: 'an emoji after the name ends it', text: '@bob👋 thanks', mentions: [{ username: 'bob', index: 0 }] },
    { name: 'an emoji after a space, then a mention', text: '👋 @bob', mentions: [{ username: 'bob', index: 3 }] },
    { name: 'unicode letters', text: 'merci @Zoë', mentions: [{ username: 'zoë', index: 6 }] },
    { name: 'a decomposed accent stays with its letter (NFC)', text: '@zoe\u0308 ok', mentions: [{ username: 'zoë', index: 0 }] },
    { name: 'digits', text: '@user42', mentions: [{ username: 'user42', index: 0 }] },
    { name: 'code with @ decorators is not mentions', text: 'class A:\n  x = f(@y)', mentions: [] },
  ];
  it.each(cases)('$name', ({ text, mentions }) => {
    expect(findMentions(text)).toEqual(mentions);
  });
});

describe('newMentions', () => {
  const cases: { name: string; before: string; after: string; usernames: string[] }[] = [
    { name: 'a new person is new', before: 'cc @alice', after: 'cc @alice @bob', usernames: ['bob'] },
    { name: 'nobody new', before: 'cc @alice', after: 'cc @alice, thanks', usernames: [] },
    { name: 'case changes are not new', before: '@Alice', after: '@alice', usernames: [] },
    { name: 'moving a mention is not new', before: '@alice first', after: 'first @alice', usernames: [] },
    { name: 'removed mentions are not reported', before: '@alice @bob', after: '@bob', usernames: [] },
    { name: 'an address turned into a mention is new', before: 'mail bob@corp', after: 'mail @bob', usernames: ['bob'] },
    { name: 'from an empty note', before: '', after: '@a @b', usernames: ['a', 'b'] },
  ];
  it.each(cases)('$name', ({ before, after, usernames }) => {
    expect(newMentions(before, after).map((m) => m.username)).toEqual(usernames);
  });

  it('reports the position in the edited text', () => {
    expect(newMentions('@alice', '@alice and @bob')).toEqual([{ username: 'bob', index: 11 }]);
  });
});

describe('mention properties', () => {
  const ALLOWED = /^[\p{L}\p{M}\p{N}_.@+-]+$/u;

  it('returns only names in the username alphabet, never ending in a dot, each at an @ that starts the text or follows whitespace', () => {
    const text = fc.string({
      unit: fc.constantFrom('@', ' ', '\n', '.', 'a', 'B', 'é', '\u0301', '_', '-', '+', '(', '👋', '1', 'İ', '\t'),
    });
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'grapheme' })), (t) => {
        const mentions = findMentions(t);
        const names = mentions.map((m) => m.username);
        expect(new Set(names).size).toBe(names.length);
        for (const m of mentions) {
          expect(m.username).toMatch(ALLOWED);
          expect(m.username.endsWith('.')).toBe(false);
          expect(t[m.index]).toBe('@');
          expect(m.index === 0 || /\s/u.test(t[m.index - 1] ?? '')).toBe(true);
        }
      }),
    );
  });

  it('never returns anything from inside an email address', () => {
    const local = fc.stringMatching(/^[a-z0-9][a-z0-9._%+-]{0,10}$/);
    const domain = fc.stringMatching(/^[a-z0-9-]{1,10}\.[a-z]{2,6}$/);
    const filler = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '@', 'x', '.', '('), maxLength: 20 });
    fc.assert(
      fc.property(filler, local, domain, filler, (before, l, d, after) => {
        const address = `${l}@${d}`;
        const start = before.length + 1;
        const t = `${before} ${address} ${after}`;
        for (const m of findMentions(t)) {
          expect(m.index < start || m.index >= start + address.length).toBe(true);
        }
      }),
    );
  });
});

describe('noteExcerpt', () => {
  const cases: { name: string; text: string; max?: number; excerpt: string }[] = [
    { name: 'a short note is kept', text: 'Looks fine to me.', excerpt: 'Looks fine to me.' },
    { name: 'whitespace is collapsed', text: '  First line\n\n\tsecond   line ', excerpt: 'First line second line' },
    { name: 'cut after a whole word', text: 'The fix in commit abc123 breaks the login', max: 25, excerpt: 'The fix in commit abc123…' },
    { name: 'the default length is 200', text: `${'word '.repeat(60)}`, excerpt: `${'word '.repeat(39)}word…` },
    { name: 'a run of emoji is one word: cut after the word before it', text: 'ok 👍🏽👍🏽👍🏽', max: 9, excerpt: 'ok…' },
    { name: 'an emoji is never split, even inside one long word', text: '👍🏽👍🏽👍🏽', max: 9, excerpt: '👍🏽👍🏽…' },
  ];
  it.each(cases)('$name', ({ text, max, excerpt }) => {
    expect(noteExcerpt(text, max)).toBe(excerpt);
  });
});

describe('noteExcerpt properties', () => {
  const graphemesOf = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

  it('fits max, has no runs of whitespace, and is whole graphemes from the start of the note', () => {
    const text = fc.string({
      unit: fc.oneof(fc.constantFrom(' ', '\n', '\t', 'word', '👍🏽', '🇩🇪', 'e\u0301'), fc.string({ unit: 'grapheme' })),
    });
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 250 }), (t, max) => {
        const out = noteExcerpt(t, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/\s\s|^\s|\n|\t/u);
        const collapsed = t.replace(/\s+/gu, ' ').trim();
        const kept = graphemesOf(out.endsWith('…') && out !== collapsed ? out.slice(0, -1) : out);
        expect(graphemesOf(collapsed).slice(0, kept.length)).toEqual(kept);
      }),
    );
  });
});
