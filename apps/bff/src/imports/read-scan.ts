/**
 * Reading a scan file: pick the format (asked for, or told by the file's first telling top-level key),
 * stream the file through that format's reader, and hand out normalised findings as they are read.
 *
 *   const scan = readScanFindings('/tmp/upload-123', { format: body.format });
 *   for await (const finding of scan.findings) { ... }   // throws ImportParseError
 *   scan.summary  // complete once the loop has ended
 *
 * The file is read no faster than findings are taken, and only one result (plus, in the worst case, the
 * reduced results of one SARIF run waiting for its tool) is held at a time. An ImportParseError can come
 * after some findings were yielded (an invalid result late in the file, or a wrong SARIF `version` written
 * after `runs`): whoever stores findings must do it in a transaction that the error rolls back.
 */
import { createReadStream } from 'node:fs';
import type { TImportFormat } from '@tocsin/contract/findings';
import { ImportParseError, SUPPORTED_FORMATS_TEXT } from './errors';
import type { TNormalizedFinding } from './finding';
import type { TFindingSink, TFormatReader, TScanTool } from './format-reader';
import { GENERIC_TOOL, GenericReader } from './generic';
import { JsonWalker, type TJsonKey, type TJsonKind, type TJsonValue, walkJsonChunks } from './json-walker';
import { SarifReader } from './sarif';

/** A file path, or the bytes themselves (a Node Readable, or any async iterable of chunks). */
export type TScanSource = string | AsyncIterable<Uint8Array | string>;

export type TScanSummary = {
  /** Null until the format is known. */
  format: TImportFormat | null;
  /** SARIF: one per run, in run order. Generic: one, named after DefectDojo's test type. */
  tools: TScanTool[];
  /** Findings yielded so far. */
  findings: number;
  /** Results in the file that are not findings (SARIF kinds other than "fail"). */
  skipped: number;
};

export type TScanRead = { findings: AsyncGenerator<TNormalizedFinding, void, undefined>; summary: TScanSummary };

const FORMAT_ALIASES = new Map<string, TImportFormat>([
  ['sarif', 'sarif'],
  ['generic', 'generic'],
  [GENERIC_TOOL.toLowerCase(), 'generic'],
]);

/** The format called `name` ("sarif", "generic", or DefectDojo's "SARIF" / "Generic Findings Import"); throws for others. */
export function resolveImportFormat(name: string): TImportFormat {
  const format = FORMAT_ALIASES.get(name.trim().toLowerCase());
  if (format === undefined) {
    throw new ImportParseError({
      code: 'unknown_format',
      message: `Unknown format "${name}". Supported formats: ${SUPPORTED_FORMATS_TEXT}.`,
    });
  }
  return format;
}

/**
 * What a top-level key says about the format: "runs" is SARIF's, "findings" the Generic one's, and a
 * "$schema" naming SARIF settles it too. "version" does not: both formats have one.
 */
export function detectFormatFromKey(key: string, value: TJsonValue | undefined): TImportFormat | null {
  if (key === 'runs') return 'sarif';
  if (key === 'findings') return 'generic';
  if (key === '$schema' && typeof value === 'string' && /sarif/i.test(value)) return 'sarif';
  return null;
}

class ScanDispatcher {
  private reader: TFormatReader | null = null;
  /** Top-level primitives read before the format was known, replayed to its reader. */
  private early: [string, TJsonKind, TJsonValue | undefined][] = [];

  constructor(
    private readonly sink: TFindingSink,
    private readonly summary: TScanSummary,
    format: TImportFormat | null,
  ) {
    if (format !== null) this.choose(format);
  }

  enter(path: readonly TJsonKey[], kind: TJsonKind, value: TJsonValue | undefined): boolean {
    if (path.length === 0) {
      if (kind !== 'object') {
        throw new ImportParseError({
          code: this.reader ? (this.summary.format === 'sarif' ? 'invalid_sarif' : 'invalid_generic') : 'unrecognized_format',
          pointer: '',
          message: `/: the file must hold one JSON object, found ${kind === 'array' ? 'an array' : `a ${kind}`}`,
        });
      }
      return false;
    }
    if (!this.reader && path.length === 1) {
      const format = detectFormatFromKey(path[0] as string, value);
      if (format === null) {
        if (kind !== 'object' && kind !== 'array') this.early.push([path[0] as string, kind, value]);
        return false;
      }
      this.choose(format);
      for (const [key, k, v] of this.early) this.reader!.enter([key], k, v);
      this.early = [];
    }
    return this.reader ? this.reader.enter(path, kind, value) : false;
  }

  captured(path: readonly TJsonKey[], value: TJsonValue) {
    this.reader?.captured(path, value);
  }

  leave(path: readonly TJsonKey[], kind: 'object' | 'array') {
    this.reader?.leave(path, kind);
  }

  finish() {
    if (!this.reader) {
      throw new ImportParseError({
        code: 'unrecognized_format',
        message:
          'This is JSON, but neither SARIF (an object with a "runs" array) nor a Generic Findings Import file (an object with a "findings" array). ' +
          `Supported formats: ${SUPPORTED_FORMATS_TEXT}.`,
      });
    }
    this.reader.finish();
  }

  private choose(format: TImportFormat) {
    this.summary.format = format;
    this.reader = format === 'sarif' ? new SarifReader(this.sink) : new GenericReader(this.sink);
  }
}

/** Streams the findings of a scan file; `format` is detected from the file when not given. */
export function readScanFindings(source: TScanSource, options: { format?: string } = {}): TScanRead {
  const summary: TScanSummary = { format: null, tools: [], findings: 0, skipped: 0 };
  async function* read(): AsyncGenerator<TNormalizedFinding, void, undefined> {
    const format = options.format === undefined ? null : resolveImportFormat(options.format);
    let ready: TNormalizedFinding[] = [];
    const sink: TFindingSink = {
      push(finding) {
        ready.push(finding);
        summary.findings++;
      },
      skip() {
        summary.skipped++;
      },
      setTool(index, tool) {
        summary.tools[index] = tool;
      },
    };
    const dispatcher = new ScanDispatcher(sink, summary, format);
    const walker = new JsonWalker({
      enter: (path, kind, value) => dispatcher.enter(path, kind, value),
      captured: (path, value) => dispatcher.captured(path, value),
      leave: (path, kind) => dispatcher.leave(path, kind),
    });
    const chunks = typeof source === 'string' ? createReadStream(source, { highWaterMark: 64 * 1024 }) : source;
    yield* walkJsonChunks(chunks, walker, () => {
      const out = ready;
      ready = [];
      return out;
    });
    dispatcher.finish();
  }
  return { findings: read(), summary };
}
