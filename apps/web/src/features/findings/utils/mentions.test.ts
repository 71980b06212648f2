import { describe, expect, it } from 'vitest';
import { findMentionQuery, insertMention } from './mentions';

describe('findMentionQuery', () => {
  it.each([
    ['@', 1, { start: 0, query: '' }],
    ['@al', 3, { start: 0, query: 'al' }],
    ['hi @bo', 6, { start: 3, query: 'bo' }],
    ['(@bo', 4, { start: 1, query: 'bo' }],
    ['line\n@ca', 8, { start: 5, query: 'ca' }],
    ['@al ice', 3, { start: 0, query: 'al' }],
    ['@first.last', 11, { start: 0, query: 'first.last' }],
  ])('finds the mention in %j at %i', (text, caret, expected) => {
    expect(findMentionQuery(text, caret)).toEqual(expected);
  });

  it.each([
    ['', 0],
    ['hello', 5],
    ['mail a@b', 8],
    ['@al ice', 7],
    ['@al ', 4],
    ['x', 2],
  ])('finds none in %j at %i', (text, caret) => {
    expect(findMentionQuery(text, caret)).toBeNull();
  });
});

describe('insertMention', () => {
  it('replaces the typed part and puts the caret after a space', () => {
    expect(insertMention('hi @bo', { start: 3, query: 'bo' }, 6, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
  });

  it('replaces the rest of a half-typed name after the caret, keeping the text after it', () => {
    expect(insertMention('@bo please look', { start: 0, query: 'b' }, 2, 'bob')).toEqual({ text: '@bob please look', caret: 5 });
  });
});
