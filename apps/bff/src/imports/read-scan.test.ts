import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ImportParseError } from './errors';
import { detectFormatFromKey, readScanFindings, resolveImportFormat } from './read-scan';
import { chunked, FIXTURES, readAll } from './test-helpers';

describe('format', () => {
  it.each([
    ['sarif', 'sarif'],
    ['SARIF', 'sarif'],
    ['generic', 'generic'],
    ['Generic Findings Import', 'generic'],
  ] as const)('%s is the %s format', (name, format) => {
    expect(resolveImportFormat(name)).toBe(format);
  });

  it('an unknown format name is refused with the list of supported ones', () => {
    const err = (() => {
      try {
        resolveImportFormat('ZAP Scan');
      } catch (e) {
        return e as ImportParseError;
      }
    })();
    expect(err?.code).toBe('unknown_format');
    expect(err?.message).toBe(
      'Unknown format "ZAP Scan". Supported formats: "sarif" (SARIF 2.1.0), "generic" (Generic Findings Import (DefectDojo JSON)).',
    );
  });

  it.each([
    ['runs', undefined, 'sarif'],
    ['findings', undefined, 'generic'],
    ['$schema', 'https://json.schemastore.org/sarif-2.1.0.json', 'sarif'],
    ['$schema', 'https://example.com/other.json', null],
    ['version', '2.1.0', null],
    ['name', 'x', null],
  ] as const)('the top-level key %s (%s) tells %s', (key, value, format) => {
    expect(detectFormatFromKey(key, value)).toBe(format);
  });

  it.each([
    ['semgrep.sarif', 'sarif'],
    ['codeql.sarif', 'sarif'],
    ['trivy.sarif', 'sarif'],
    ['generic.json', 'generic'],
  ])('detects %s as %s', async (file, format) => {
    const { summary, error } = await readAll(`${FIXTURES}${file}`);
    expect(error).toBeNull();
    expect(summary.format).toBe(format);
  });

  it('replays what came before the telling key: a version before "findings" still names the Generic tool version', async () => {
    const { summary } = await readAll({ version: '9.9', type: 'Tool1', findings: [] });
    expect(summary).toMatchObject({ format: 'generic', tools: [{ name: 'Tool1 Scan (Generic Findings Import)', version: '9.9' }] });
  });

  it('an asked-for format wins over detection: a SARIF file read as Generic lacks findings', async () => {
    const { error } = await readAll(`${FIXTURES}codeql.sarif`, { format: 'generic' });
    expect(error?.pointer).toBe('/findings');
  });

  it('a Generic file read as SARIF lacks a version', async () => {
    const { error } = await readAll({ findings: [] }, { format: 'sarif' });
    expect(error?.message).toBe('/version: is required (expected "2.1.0")');
  });
});

describe('malformed files give errors a person can act on', () => {
  const cases: { file: string; format?: string; error: Record<string, unknown> }[] = [
    { file: 'malformed/empty.sarif', error: { code: 'empty_file', message: 'The file is empty.' } },
    { file: 'malformed/blank.txt', error: { code: 'empty_file', message: 'The file is empty.' } },
    {
      file: 'malformed/missing-comma.sarif',
      error: {
        code: 'invalid_json',
        line: 6,
        column: 7,
        message: 'Not valid JSON at line 6, column 7: expected "," or "}" after the property, found the string "results".',
      },
    },
    {
      file: 'malformed/truncated.sarif',
      error: {
        code: 'invalid_json',
        line: 7,
        column: 84,
        message: 'Not valid JSON at line 7, column 84: the file ends in the middle of a value (is it cut short?).',
      },
    },
    {
      file: 'malformed/sarif-2.0.0.sarif',
      error: { code: 'unsupported_version', pointer: '/version', message: '/version: expected "2.1.0", found "2.0.0"' },
    },
    {
      file: 'malformed/bad-level.sarif',
      error: {
        code: 'invalid_sarif',
        pointer: '/runs/0/results/3/level',
        message: '/runs/0/results/3/level: must be one of "none", "note", "warning", "error"',
      },
    },
    {
      file: 'malformed/generic-no-findings.json',
      error: {
        code: 'unrecognized_format',
        message:
          'This is JSON, but neither SARIF (an object with a "runs" array) nor a Generic Findings Import file (an object with a "findings" array). Supported formats: "sarif" (SARIF 2.1.0), "generic" (Generic Findings Import (DefectDojo JSON)).',
      },
    },
    {
      file: 'malformed/generic-no-findings.json',
      format: 'generic',
      error: {
        code: 'invalid_generic',
        pointer: '/findings',
        message: '/findings: is required: a Generic Findings Import file holds {"findings": [...]}',
      },
    },
    {
      file: 'malformed/generic-missing-severity.json',
      error: { code: 'invalid_generic', pointer: '/findings/1/severity', message: '/findings/1/severity: is required' },
    },
  ];
  it.each(cases)('$file ($format)', async ({ file, format, error }) => {
    const outcome = await readAll(`${FIXTURES}${file}`, format === undefined ? {} : { format });
    expect(outcome.error?.toJSON()).toEqual(error);
  });

  it.each([
    ['an array', '[{"runs": []}]', '/: the file must hold one JSON object, found an array'],
    ['a string', '"runs"', '/: the file must hold one JSON object, found a string'],
  ])('a document that is %s is refused', async (_, text, message) => {
    const { error } = await readAll(chunked(text));
    expect(error?.toJSON()).toEqual({ code: 'unrecognized_format', pointer: '', message });
  });
});

describe('streaming', () => {
  it.each(['semgrep.sarif', 'codeql.sarif', 'trivy.sarif', 'generic.json'])(
    '%s reads the same in 1-, 7- and 4096-byte chunks',
    async (file) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(`${FIXTURES}${file}`, 'utf8');
      const whole = await readAll(`${FIXTURES}${file}`);
      for (const size of [1, 7, 4096]) {
        const parts = await readAll(chunked(text, size));
        expect(parts.findings, `chunks of ${size}`).toEqual(whole.findings);
      }
    },
  );

  it('accepts string chunks (a Readable with an encoding)', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(`${FIXTURES}trivy.sarif`, 'utf8');
    const { findings } = await readAll(Readable.from([text.slice(0, 1000), text.slice(1000)]));
    expect(findings).toHaveLength(5);
  });

  it('stops reading when the consumer stops: the file stream is closed', async () => {
    const { createReadStream } = await import('node:fs');
    const stream = createReadStream(`${FIXTURES}trivy.sarif`, { highWaterMark: 512 });
    const scan = readScanFindings(stream);
    for await (const _ of scan.findings) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(true);
    expect(scan.summary.findings).toBeGreaterThanOrEqual(1);
  });

  it('a missing file is an ordinary error, not an ImportParseError', async () => {
    const scan = readScanFindings(`${FIXTURES}does-not-exist.sarif`);
    await expect(scan.findings.next()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
