/** Test helpers for the import readers: feed text in chunks and collect what comes out. */
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ImportParseError } from './errors';
import type { TNormalizedFinding } from './finding';
import { readScanFindings, type TScanSource, type TScanSummary } from './read-scan';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** `text` as a stream of `size`-byte chunks. */
export function chunked(text: string, size = 64 * 1024): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

export type TReadOutcome = { findings: TNormalizedFinding[]; summary: TScanSummary; error: ImportParseError | null };

/** Reads everything; an ImportParseError is returned with the findings yielded before it. */
export async function readAll(source: TScanSource | object, options: { format?: string; chunkSize?: number } = {}): Promise<TReadOutcome> {
  const input =
    typeof source === 'string' || Symbol.asyncIterator in source
      ? (source as TScanSource)
      : chunked(JSON.stringify(source), options.chunkSize);
  const scan = readScanFindings(input, options.format === undefined ? {} : { format: options.format });
  const findings: TNormalizedFinding[] = [];
  try {
    for await (const f of scan.findings) findings.push(f);
  } catch (err) {
    if (err instanceof ImportParseError) return { findings, summary: scan.summary, error: err };
    throw err;
  }
  return { findings, summary: scan.summary, error: null };
}

/** A SARIF 2.1.0 log with these runs. */
export function sarifLog(runs: unknown[], extra: Record<string, unknown> = {}) {
  return { version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs, ...extra };
}

/** A run of tool `name` with these rules and results. */
export function sarifRun(
  results: unknown[],
  rules: unknown[] = [],
  driver: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return { tool: { driver: { name: 'Scanner', rules, ...driver } }, results, ...extra };
}
