/**
 * A streaming walk over one JSON document: @streamparser/json's Tokenizer reads the bytes, this module
 * checks the grammar, keeps the path of the value being read, and builds only the values a handler asks
 * to capture (one SARIF result, one tool section, one Generic finding). Everything else is read and
 * dropped, so memory follows the largest captured value, never the file.
 *
 * Why not the library's TokenParser: its `paths` selectors cannot say "runs must be an array" or "this
 * run has no tool", and it builds every value it walks through. Walking ourselves gives both, plus the
 * offset of every token, from which a syntax error gets its line and column.
 */
import { Tokenizer, TokenizerError, TokenType } from '@streamparser/json';
import { ImportParseError } from './errors';

export type TJsonKey = string | number;
export type TJsonValue = null | boolean | number | string | TJsonValue[] | { [key: string]: TJsonValue };
export type TJsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
type TPrimitive = null | boolean | number | string;

export type TJsonWalkHandler = {
  /**
   * A value starts at `path` (a live array: copy it to keep it). For a container, return true to receive
   * it whole in `captured` instead of walking into it. Primitives come with their value.
   */
  enter(path: readonly TJsonKey[], kind: TJsonKind, value: TPrimitive | undefined): boolean;
  /** A captured container, complete. */
  captured(path: readonly TJsonKey[], value: TJsonValue): void;
  /** A walked (not captured) container ends. */
  leave(path: readonly TJsonKey[], kind: 'object' | 'array'): void;
};

enum S {
  /** After `{`: a key or `}`. */
  ObjectStart,
  /** After `,` in an object: a key. */
  ObjectKey,
  /** After a key: `:`. */
  ObjectColon,
  /** After `:`: a value. */
  ObjectValue,
  /** After a member: `,` or `}`. */
  ObjectNext,
  /** After `[`: a value or `]`. */
  ArrayStart,
  /** After `,` in an array: a value. */
  ArrayValue,
  /** After an element: `,` or `]`. */
  ArrayNext,
}

type TFrame = { state: S; key: string; index: number; value: TJsonValue[] | Record<string, TJsonValue> | null };

const EXPECTED: Record<S, string> = {
  [S.ObjectStart]: 'a property name in double quotes or "}"',
  [S.ObjectKey]: 'a property name in double quotes',
  [S.ObjectColon]: '":" after the property name',
  [S.ObjectValue]: 'a value',
  [S.ObjectNext]: '"," or "}" after the property',
  [S.ArrayStart]: 'a value or "]"',
  [S.ArrayValue]: 'a value',
  [S.ArrayNext]: '"," or "]" after the element',
};

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Turns byte offsets into 1-based line and column (columns count code points). It advances through the
 * bytes once, keeping only those after the last token it was asked about, so it holds at most one token
 * (a long string) in memory.
 */
class PositionTracker {
  private chunks: Uint8Array[] = [];
  /** Absolute offset of chunks[0][0]. */
  private base = 0;
  private cursor = 0;
  private line = 1;
  private column = 1;
  total = 0;

  push(chunk: Uint8Array) {
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  advanceTo(offset: number) {
    let { cursor, line, column, base } = this;
    const target = Math.min(offset, this.total);
    while (cursor < target) {
      const chunk = this.chunks[0]!;
      const end = Math.min(chunk.length, target - base);
      for (let i = cursor - base; i < end; i++) {
        const b = chunk[i]!;
        if (b === 0x0a) {
          line++;
          column = 1;
        } else if ((b & 0xc0) !== 0x80) {
          column++;
        }
      }
      cursor = base + end;
      if (end === chunk.length) {
        this.chunks.shift();
        base += chunk.length;
      }
    }
    Object.assign(this, { cursor, line, column, base });
  }

  positionOf(offset: number): { line: number; column: number } {
    this.advanceTo(offset);
    return { line: this.line, column: this.column };
  }

  /** The character starting at `offset` (after positionOf(offset)), for messages. */
  charAt(offset: number): string {
    const bytes: number[] = [];
    let skip = offset - this.base;
    for (const chunk of this.chunks) {
      for (let i = skip; i < chunk.length && bytes.length < 4; i++) bytes.push(chunk[i]!);
      skip = Math.max(0, skip - chunk.length);
      if (bytes.length >= 4) break;
    }
    const text = new TextDecoder().decode(new Uint8Array(bytes));
    return [...text][0] ?? '';
  }
}

function describeToken(token: TokenType, value: unknown): string {
  switch (token) {
    case TokenType.STRING:
      return `the string ${JSON.stringify(String(value).slice(0, 40))}`;
    case TokenType.NUMBER:
      return `the number ${String(value)}`;
    case TokenType.TRUE:
    case TokenType.FALSE:
    case TokenType.NULL:
      return String(value);
    default:
      return `"${String(value)}"`;
  }
}

function describeChar(char: string): string {
  if (char === '\n' || char === '\r') return 'unexpected line break (inside a string it must be written \\n; or is the file cut short?)';
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `unexpected control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (char === "'") return 'unexpected character "\'" (JSON strings use double quotes)';
  return `unexpected character ${JSON.stringify(char)}`;
}

function kindOf(token: TokenType): TJsonKind {
  switch (token) {
    case TokenType.LEFT_BRACE:
      return 'object';
    case TokenType.LEFT_BRACKET:
      return 'array';
    case TokenType.STRING:
      return 'string';
    case TokenType.NUMBER:
      return 'number';
    case TokenType.TRUE:
    case TokenType.FALSE:
      return 'boolean';
    default:
      return 'null';
  }
}

function setMember(target: Record<string, TJsonValue>, key: string, value: TJsonValue) {
  // A "__proto__" key must become a property, not replace the prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

export class JsonWalker {
  private readonly tokenizer = new Tokenizer();
  private readonly tracker = new PositionTracker();
  private readonly frames: TFrame[] = [];
  private readonly path: TJsonKey[] = [];
  /** Index in `frames` of the container being captured; -1 when not capturing. */
  private captureAt = -1;
  private hasRoot = false;
  private isDone = false;
  /** Bytes of a UTF-8 byte order mark: the tokenizer's offsets do not count them. */
  private bom = 0;
  private lastOffset = 0;
  private isFirstChunk = true;

  constructor(private readonly handler: TJsonWalkHandler) {
    this.tokenizer.onToken = ({ token, value, offset }) => this.onToken(token, value, offset + this.bom);
  }

  write(chunk: Uint8Array) {
    if (this.isFirstChunk) {
      this.isFirstChunk = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) this.bom = 3;
    }
    this.tracker.push(chunk);
    try {
      this.tokenizer.write(chunk);
    } catch (err) {
      throw this.toImportError(err);
    }
    // Nothing before the last token can be the place of a later error.
    this.tracker.advanceTo(this.lastOffset);
  }

  end() {
    try {
      this.tokenizer.end();
    } catch (err) {
      throw this.toImportError(err);
    }
    if (!this.hasRoot) throw new ImportParseError({ code: 'empty_file', message: 'The file is empty.' });
    if (!this.isDone) {
      throw this.syntaxError(
        new JsonSyntaxError('the file ends before the JSON document is complete (is it cut short?)', this.tracker.total),
      );
    }
  }

  private toImportError(err: unknown): Error {
    if (err instanceof ImportParseError) return err;
    if (err instanceof JsonSyntaxError) return this.syntaxError(err);
    if (err instanceof TokenizerError) {
      const at = /absolute position "(\d+)"/.exec(err.message);
      if (at) {
        const offset = Number(at[1]);
        this.tracker.positionOf(offset);
        return this.syntaxError(new JsonSyntaxError(describeChar(this.tracker.charAt(offset)), offset));
      }
      if (!this.hasRoot && this.tracker.total === this.bom)
        return new ImportParseError({ code: 'empty_file', message: 'The file is empty.' });
      return this.syntaxError(new JsonSyntaxError('the file ends in the middle of a value (is it cut short?)', this.tracker.total));
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  private syntaxError(err: JsonSyntaxError): ImportParseError {
    const { line, column } = this.tracker.positionOf(err.offset);
    return new ImportParseError({
      code: 'invalid_json',
      line,
      column,
      message: `Not valid JSON at line ${line}, column ${column}: ${err.message}.`,
    });
  }

  private onToken(token: TokenType, value: unknown, offset: number) {
    this.lastOffset = offset;
    const top = this.frames.at(-1);
    if (this.isDone) throw new JsonSyntaxError(`unexpected ${describeToken(token, value)} after the end of the JSON document`, offset);

    switch (token) {
      case TokenType.COLON:
        if (top?.state !== S.ObjectColon) throw this.unexpected(token, value, offset);
        top.state = S.ObjectValue;
        return;
      case TokenType.COMMA:
        if (top?.state === S.ObjectNext) top.state = S.ObjectKey;
        else if (top?.state === S.ArrayNext) top.state = S.ArrayValue;
        else throw this.unexpected(token, value, offset);
        return;
      case TokenType.RIGHT_BRACE:
        if (top?.state !== S.ObjectStart && top?.state !== S.ObjectNext) throw this.unexpected(token, value, offset);
        this.close('object');
        return;
      case TokenType.RIGHT_BRACKET:
        if (top?.state !== S.ArrayStart && top?.state !== S.ArrayNext) throw this.unexpected(token, value, offset);
        this.close('array');
        return;
      case TokenType.STRING:
        if (top?.state === S.ObjectStart || top?.state === S.ObjectKey) {
          top.key = value as string;
          top.state = S.ObjectColon;
          return;
        }
        break;
      case TokenType.SEPARATOR:
        throw this.unexpected(token, value, offset);
    }

    // A value: the root, a member value or an array element.
    if (top && top.state !== S.ObjectValue && top.state !== S.ArrayStart && top.state !== S.ArrayValue) {
      throw this.unexpected(token, value, offset);
    }
    this.hasRoot = true;
    const key: TJsonKey | undefined = top === undefined ? undefined : top.state === S.ObjectValue ? top.key : top.index++;
    if (top) top.state = top.state === S.ObjectValue ? S.ObjectNext : S.ArrayNext;
    const kind = kindOf(token);
    const isContainer = kind === 'object' || kind === 'array';
    const capturing = this.captureAt >= 0;

    if (!isContainer) {
      const primitive = value as TPrimitive;
      if (capturing) this.attach(top!, key!, primitive);
      else {
        if (key !== undefined) this.path.push(key);
        this.handler.enter(this.path, kind, primitive);
        if (key !== undefined) this.path.pop();
      }
      if (!top) this.isDone = true;
      return;
    }

    const container: TJsonValue[] | Record<string, TJsonValue> = kind === 'array' ? [] : {};
    if (key !== undefined) this.path.push(key);
    let frameValue: TFrame['value'] = null;
    if (capturing) {
      this.attach(top!, key!, container);
      frameValue = container;
    } else if (this.handler.enter(this.path, kind, undefined)) {
      this.captureAt = this.frames.length;
      frameValue = container;
    }
    this.frames.push({ state: kind === 'array' ? S.ArrayStart : S.ObjectStart, key: '', index: 0, value: frameValue });
  }

  private attach(parent: TFrame, key: TJsonKey, value: TJsonValue) {
    if (Array.isArray(parent.value)) parent.value.push(value);
    else if (parent.value) setMember(parent.value, key as string, value);
  }

  private close(kind: 'object' | 'array') {
    const frame = this.frames.pop()!;
    const depth = this.frames.length;
    if (this.captureAt === depth) {
      this.captureAt = -1;
      this.handler.captured(this.path, frame.value as TJsonValue);
    } else if (this.captureAt < 0) {
      this.handler.leave(this.path, kind);
    }
    // The root has no key in the path; every other container pushed one when it opened.
    if (depth > 0) this.path.pop();
    if (depth === 0) this.isDone = true;
  }

  private unexpected(token: TokenType, value: unknown, offset: number): JsonSyntaxError {
    const top = this.frames.at(-1);
    const expected = top ? EXPECTED[top.state] : 'a value';
    return new JsonSyntaxError(`expected ${expected}, found ${describeToken(token, value)}`, offset);
  }
}

/**
 * Feeds `source` (chunks of UTF-8 bytes or strings) to `walker` and yields what `drain` collected after
 * each chunk: the consumer pulls, so the file is read no faster than findings are taken.
 */
export async function* walkJsonChunks<T>(
  source: AsyncIterable<Uint8Array | string>,
  walker: JsonWalker,
  drain: () => T[],
): AsyncGenerator<T, void, undefined> {
  for await (const chunk of source) {
    walker.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    const ready = drain();
    for (let i = 0; i < ready.length; i++) yield ready[i]!;
  }
  walker.end();
  const ready = drain();
  for (let i = 0; i < ready.length; i++) yield ready[i]!;
}
