/**
 * Where and why a JSON text is malformed, in words a person can act on. JSON.parse decides whether a body is
 * valid; this scanner (the JSON grammar of RFC 8259, nothing more) only explains a failure, because V8's messages
 * do not always carry a position ("Unexpected token '}', ..."x": }" is not valid JSON").
 */

export type TJsonProblem = { position: number; line: number; column: number; reason: string };

class JsonScanError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function scan(text: string): void {
  let i = 0;
  const fail = (reason: string): never => {
    throw new JsonScanError(i, i >= text.length ? 'the body ends too early' : `unexpected ${JSON.stringify(text[i])}, ${reason}`);
  };
  const skipSpace = () => {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`expected ${word}`);
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('');
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch < ' ') fail('control characters must be escaped inside a string');
      if (ch === '\\') {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/^[0-9a-fA-F]$/.test(text[i] ?? '')) fail('expected four hex digits after \\u');
          }
        } else if (esc === undefined || !'"\\/bfnrt'.includes(esc)) {
          fail('not a valid escape after \\');
        }
      }
      i++;
    }
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (/[1-9]/.test(text[i] ?? '')) while (/[0-9]/.test(text[i] ?? '')) i++;
    else fail('expected a digit');
    if (text[i] === '.') {
      i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail('expected a digit after the decimal point');
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail('expected a digit in the exponent');
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
  };
  const value = (depth: number): void => {
    if (depth > 1000) throw new JsonScanError(i, 'the value is nested too deeply');
    skipSpace();
    const ch = text[i];
    if (ch === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail('expected a property name in double quotes');
        string();
        skipSpace();
        if (text[i] !== ':') fail("expected ':' after the property name");
        i++;
        value(depth + 1);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("expected ',' or '}'");
      }
    }
    if (ch === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("expected ',' or ']'");
      }
    }
    if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || /[0-9]/.test(ch ?? '')) number();
    else fail('expected a value');
  };
  value(0);
  skipSpace();
  if (i < text.length) fail('there is more after the JSON value');
}

/** Why `text` (which JSON.parse refused) is not JSON, and where (0-based position, 1-based line and column). */
export function findJsonProblem(text: string, parseError?: unknown): TJsonProblem {
  let position = text.length;
  let reason = parseError instanceof Error ? parseError.message : 'it is not valid JSON';
  if (text.trim() === '') {
    reason = 'the body is empty';
  } else {
    try {
      scan(text);
    } catch (err) {
      if (!(err instanceof JsonScanError)) throw err;
      position = err.position;
      reason = err.reason;
    }
  }
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { position, line, column, reason };
}
