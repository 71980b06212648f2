import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportParseError } from './errors';
import { JsonWalker, type TJsonKey, type TJsonValue } from './json-walker';

/** Walks `text` in chunks of `size` bytes, capturing the whole root, and returns it (or throws). */
function walk(text: string | Uint8Array, size = 64 * 1024): TJsonValue | undefined {
  let root: TJsonValue | undefined;
  const walker = new JsonWalker({
    enter: (path, kind, value) => {
      if (path.length === 0 && kind !== 'object' && kind !== 'array') root = value;
      return path.length === 0;
    },
    captured: (_path, value) => {
      root = value;
    },
    leave: () => {},
  });
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < bytes.length; i += size) walker.write(bytes.subarray(i, i + size));
  walker.end();
  return root;
}

function errorOf(text: string | Uint8Array, size?: number): ImportParseError {
  try {
    walk(text, size);
  } catch (err) {
    if (err instanceof ImportParseError) return err;
    throw err;
  }
  throw new Error('expected an ImportParseError');
}

describe('JsonWalker: syntax errors say where, as line and column', () => {
  const cases: { name: string; text: string; line: number; column: number; says: RegExp }[] = [
    { name: 'a missing comma between properties', text: '{\n  "a": 1\n  "b": 2\n}', line: 3, column: 3, says: /expected "," or "}"/ },
    { name: 'a trailing comma in an object', text: '{"a": 1,}', line: 1, column: 9, says: /expected a property name/ },
    { name: 'a trailing comma in an array', text: '[1, 2,\n]', line: 2, column: 1, says: /expected a value/ },
    { name: 'a missing colon', text: '{"a" 1}', line: 1, column: 6, says: /expected ":"/ },
    { name: 'single quotes', text: "{\n 'a': 1}", line: 2, column: 2, says: /double quotes/ },
    { name: 'an unquoted key', text: '{a: 1}', line: 1, column: 2, says: /unexpected character "a"/ },
    { name: 'a mismatched bracket', text: '{"a": [1, 2}', line: 1, column: 12, says: /expected "," or "]"/ },
    { name: 'a second document after the first', text: '{}\n{}', line: 2, column: 1, says: /after the end of the JSON document/ },
    { name: 'a raw line break inside a string', text: '{"a": "one\ntwo"}', line: 1, column: 11, says: /line break/ },
    { name: 'columns count characters, not bytes', text: '{"é€😀": x}', line: 1, column: 9, says: /unexpected character "x"/ },
    { name: 'a cut-off file (inside a string)', text: '{\n"a": "abc', line: 2, column: 10, says: /ends in the middle of a value/ },
    {
      name: 'a cut-off file (between values)',
      text: '{\n"a": [1, 2',
      line: 2,
      column: 11,
      says: /ends before the JSON document is complete/,
    },
    { name: 'not JSON at all (XML)', text: '<?xml version="1.0"?>', line: 1, column: 1, says: /unexpected character "<"/ },
    {
      name: 'a CSV file (read as a broken "true")',
      text: 'title,severity\nXSS,High',
      line: 1,
      column: 2,
      says: /unexpected character "i"/,
    },
  ];

  it.each(cases)('$name', ({ text, line, column, says }) => {
    for (const size of [64 * 1024, 3, 1]) {
      const err = errorOf(text, size);
      expect(err.code).toBe('invalid_json');
      expect({ line: err.line, column: err.column }, `chunks of ${size}`).toEqual({ line, column });
      expect(err.message).toMatch(says);
      expect(err.message).toContain(`line ${line}, column ${column}`);
    }
  });

  it('counts lines and columns after a byte order mark from the text, not the mark', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{\n "a" 1}')]);
    const err = errorOf(bom);
    expect({ line: err.line, column: err.column }).toEqual({ line: 2, column: 6 });
    expect(walk(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))).toEqual({ a: 1 });
  });

  it.each(['', ' ', '\n\n\t  '])('an empty or blank file (%j) is empty_file, not invalid JSON', (text) => {
    expect(errorOf(text).code).toBe('empty_file');
  });
});

describe('JsonWalker: captured values', () => {
  it('builds exactly what JSON.parse builds, whatever the chunk size (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.object(), fc.array(fc.jsonValue())), fc.integer({ min: 1, max: 50 }), (value, size) => {
        const text = JSON.stringify(value);
        expect(walk(text, size)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('keeps "__proto__" as a plain property, not a prototype', () => {
    const value = walk('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('reports paths, and captures only what the handler asks for', () => {
    const seen: string[] = [];
    const captured: [TJsonKey[], TJsonValue][] = [];
    const walker = new JsonWalker({
      enter: (path, kind) => {
        seen.push(`${path.join('.')}:${kind}`);
        return path.length === 2 && path[0] === 'items';
      },
      captured: (path, value) => {
        captured.push([[...path], value]);
      },
      leave: (path, kind) => {
        seen.push(`/${path.join('.')}:${kind}`);
      },
    });
    walker.write(Buffer.from('{"v": "x", "items": [{"a": [1]}, {"b": null}], "tail": true}'));
    walker.end();
    expect(seen).toEqual([
      ':object',
      'v:string',
      'items:array',
      'items.0:object',
      'items.1:object',
      '/items:array',
      'tail:boolean',
      '/:object',
    ]);
    expect(captured).toEqual([
      [['items', 0], { a: [1] }],
      [['items', 1], { b: null }],
    ]);
  });
});
