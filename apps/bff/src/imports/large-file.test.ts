/**
 * A 10,000-result SARIF file (about 15 MB) read in a process whose heap is capped at 32 MB: old space
 * 32 MB and a 1 MB young generation, since the young generation is not counted by --max-old-space-size
 * and would otherwise add up to some 16 MB of slack. Reading with the tool first peaks near 14 MB,
 * with the tool last (results waiting for their rules) near 26 MB. Holding the parsed document, as
 * JSON.parse would, needs about 46 MB: the control run shows the cap is tight enough that a reader
 * keeping the file in memory fails this test.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSarif } from './fixtures/generate-sarif';

const HEAP_MB = 32;
const PROBE = fileURLToPath(new URL('./fixtures/heap-probe.ts', import.meta.url));
const BFF_ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir = '';

function probe(file: string, mode: 'stream' | 'json-parse') {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', `--max-old-space-size=${HEAP_MB}`, '--max-semi-space-size=1', PROBE, file, mode],
    {
      cwd: BFF_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return {
    status: run.status,
    out: last.startsWith('{') ? (JSON.parse(last) as { count: number; peakHeapMb: number }) : null,
    stderr: run.stderr,
  };
}

describe(`a 10,000-result SARIF file in a ${HEAP_MB} MB heap`, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tocsin-sarif-'));
    await pipeline(Readable.from(generateSarif(10_000)), createWriteStream(join(dir, 'tool-first.sarif')));
    await pipeline(
      Readable.from(generateSarif(10_000, { toolPosition: 'last', versionPosition: 'last' })),
      createWriteStream(join(dir, 'tool-last.sarif')),
    );
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the file is the size the benchmark expects', async () => {
    const { size } = await stat(join(dir, 'tool-first.sarif'));
    expect(size).toBeGreaterThan(12_000_000);
    expect(size).toBeLessThan(18_000_000);
  });

  it('streams every finding when the tool comes first (nothing waits)', () => {
    const run = probe(join(dir, 'tool-first.sarif'), 'stream');
    expect(run.stderr).not.toMatch(/Reached heap limit|heap out of memory/);
    expect(run.out?.count).toBe(10_000);
  }, 60_000);

  it('streams every finding when the tool comes last (results wait in reduced form)', () => {
    const run = probe(join(dir, 'tool-last.sarif'), 'stream');
    expect(run.stderr).not.toMatch(/Reached heap limit|heap out of memory/);
    expect(run.out?.count).toBe(10_000);
  }, 60_000);

  it('control: holding the parsed document does not fit in the same heap', () => {
    const run = probe(join(dir, 'tool-first.sarif'), 'json-parse');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Reached heap limit|heap out of memory/);
  }, 60_000);
});
