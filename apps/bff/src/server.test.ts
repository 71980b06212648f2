/** The real server process when it cannot start: one line that says why and what to do, exit code 1. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from './env';
import { processExited, spawnServer } from './test-setup/server-process';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDatabase(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-start-'));
  dirs.push(dir);
  return path.join(dir, 'data', 'tocsin.db');
}

describe('a server that cannot start', () => {
  it('a bad variable: names it and the rule, no stack trace, and creates nothing', async () => {
    const file = tempDatabase();
    const server = spawnServer({ DATABASE_PATH: file, DATABASE_CACHE_MIB: 'lots' });
    const ended = await processExited(server.child);
    expect(ended.code).toBe(1);
    expect(server.output().trim()).toBe(
      'Tocsin cannot start: Invalid environment:\n  DATABASE_CACHE_MIB: must be a whole number of MiB from 1 to 4096',
    );
    expect(fs.existsSync(file)).toBe(false);
  }, 30_000);

  it('a port already in use: says so and how to choose another, no stack trace', async () => {
    const other = net.createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as net.AddressInfo).port;
      const server = spawnServer({ DATABASE_PATH: tempDatabase(), PORT: String(port), SECRET_KEY: TEST_SECRET_KEY });
      const ended = await processExited(server.child);
      expect(ended.code).toBe(1);
      expect(server.output()).toContain(
        `Tocsin cannot start: 127.0.0.1:${port} is already in use (another Tocsin?); stop that process or set PORT.`,
      );
      expect(server.output()).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  }, 60_000);
});
