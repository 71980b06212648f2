/** Test helpers: every test gets its own SQLite file in a temp folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, createDeps } from './app';
import type { Deps } from './app-context';
import { openDatabase } from './db/client';
import { type Env, testEnv } from './env';

export function createTestDeps(overrides: Partial<Env> = {}): Deps & { cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-test-'));
  const handle = openDatabase(path.join(dir, 'test.db'));
  const deps = createDeps(handle, testEnv(overrides));
  return {
    ...deps,
    cleanup: () => {
      handle.sqlite.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function createTestApp(overrides: Partial<Env> = {}) {
  const deps = createTestDeps(overrides);
  const app = createApp(deps);
  return { app, deps };
}
