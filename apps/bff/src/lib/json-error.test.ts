import { describe, expect, it } from 'vitest';
import { findJsonProblem } from './json-error';

/** Each row is refused by JSON.parse; the scanner says where and why. */
describe('findJsonProblem', () => {
  it.each([
    ['', 0, 'the body is empty'],
    ['   ', 3, 'the body is empty'],
    ['{"name": }', 9, `unexpected "}", expected a value`],
    ['{"name": "ci",}', 14, 'unexpected "}", expected a property name in double quotes'],
    ["{'name': 1}", 1, `unexpected "'", expected a property name in double quotes`],
    ['{"name" 1}', 8, 'unexpected "1", expected \':\' after the property name'],
    ['{"a": 1 "b": 2}', 8, `unexpected "\\"", expected ',' or '}'`],
    ['[1, 2', 5, 'the body ends too early'],
    ['[1 2]', 3, `unexpected "2", expected ',' or ']'`],
    ['{"a": tru}', 9, `unexpected "}", expected true`],
    ['{"a": 01}', 7, `unexpected "1", expected ',' or '}'`],
    ['{"a": 1.}', 8, 'unexpected "}", expected a digit after the decimal point'],
    ['{"a": "x\\q"}', 9, 'unexpected "q", not a valid escape after \\'],
    ['{"a": "\\u12G4"}', 11, 'unexpected "G", expected four hex digits after \\u'],
    ['{"a": "line\nbreak"}', 11, 'unexpected "\\n", control characters must be escaped inside a string'],
    ['{"a": 1} x', 9, 'unexpected "x", there is more after the JSON value'],
    ['{"a": "open', 11, 'the body ends too early'],
  ])('%j → position %i', (text, position, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    const problem = findJsonProblem(text);
    expect(problem.position).toBe(position);
    expect(problem.reason).toBe(reason);
  });

  it('counts lines and columns from 1', () => {
    expect(findJsonProblem('{\n  "name": "ci",\n  "expires_on": }')).toMatchObject({ position: 34, line: 3, column: 17 });
  });

  it('accepts what JSON accepts (the scanner never blames a valid text)', () => {
    for (const text of ['{"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"],"b":{}}', ' [] ', '"x"', '0', '-0.0E1']) {
      expect(() => JSON.parse(text)).not.toThrow();
      // Only used after JSON.parse failed; here it reaches the end without finding a problem.
      expect(findJsonProblem(text, new Error('x')).position).toBe(text.length);
    }
  });
});
