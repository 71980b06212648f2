/**
 * The one error a scan file can cause, written for the person who uploaded it: what is wrong and where,
 * as a line and column (the file is not JSON) or a JSON pointer (it is JSON, but not the expected shape).
 * The BFF returns `toJSON()` as the `details` of its 400 answer.
 */
import { IMPORT_FORMAT_LABELS, IMPORT_FORMATS } from '@tocsin/contract/findings';

export const IMPORT_ERROR_CODES = [
  /** Nothing but whitespace. */
  'empty_file',
  /** Not JSON: `line` and `column` say where it stops being JSON. */
  'invalid_json',
  /** The format asked for is not one Tocsin reads. */
  'unknown_format',
  /** JSON, but neither SARIF nor a Generic Findings Import file. */
  'unrecognized_format',
  /** SARIF of another version than 2.1.0. */
  'unsupported_version',
  /** SARIF 2.1.0 in name, but something in it is not: `pointer` says what. */
  'invalid_sarif',
  /** A Generic Findings Import file with a missing or malformed part: `pointer` says what. */
  'invalid_generic',
] as const;
export type TImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

export type TImportErrorDetails = { code: TImportErrorCode; message: string; line?: number; column?: number; pointer?: string };

export class ImportParseError extends Error {
  readonly code: TImportErrorCode;
  /** 1-based line of the problem (invalid JSON only). */
  readonly line?: number;
  /** 1-based column, counted in characters (Unicode code points), of the problem (invalid JSON only). */
  readonly column?: number;
  /** RFC 6901 JSON pointer to the offending value ("" is the whole document). */
  readonly pointer?: string;

  constructor(details: TImportErrorDetails) {
    super(details.message);
    this.name = 'ImportParseError';
    this.code = details.code;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
    if (details.pointer !== undefined) this.pointer = details.pointer;
  }

  toJSON(): TImportErrorDetails {
    const { code, message, line, column, pointer } = this;
    return { code, message, ...(line !== undefined && { line, column }), ...(pointer !== undefined && { pointer }) };
  }
}

/** RFC 6901: `~` and `/` inside a key are written `~0` and `~1`. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((k) => `/${String(k).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** An error about the value at `path`, shown as "<pointer>: <problem>". The root is shown as "/". */
export function shapeError(
  code: 'invalid_sarif' | 'invalid_generic' | 'unsupported_version',
  path: readonly (string | number)[],
  problem: string,
) {
  const pointer = toPointer(path);
  return new ImportParseError({ code, pointer, message: `${pointer || '/'}: ${problem}` });
}

export const SUPPORTED_FORMATS_TEXT = IMPORT_FORMATS.map((f) => `"${f}" (${IMPORT_FORMAT_LABELS[f]})`).join(', ');
