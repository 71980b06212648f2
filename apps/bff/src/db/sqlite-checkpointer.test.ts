import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type TSqliteHandle } from './sqlite';
import { startCheckpointer } from './sqlite-checkpointer';

const opened: { handle: TSqliteHandle; dir: string }[] = [];

function open(backgroundCheckpoints: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-ckpt-'));
  const handle = openSqliteDatabase(path.join(dir, 'test.db'), { backgroundCheckpoints });
  opened.push({ handle, dir });
  return handle;
}

afterEach(async () => {
  for (const { handle, dir } of opened.splice(0)) {
    await handle.db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const walPages = (handle: TSqliteHandle) => fs.statSync(`${handle.path}-wal`).size / 4096;

/** Write about `pages` pages of alerts-sized rows in one transaction. */
async function write(handle: TSqliteHandle, pages: number) {
  await handle.db.run(sql`create table if not exists filler (id integer primary key, body text not null)`);
  const body = 'x'.repeat(3_000);
  await handle.db.transaction(async (db) => {
    for (let i = 0; i < pages; i++) await db.run(sql`insert into filler (body) values (${body})`);
  });
}

async function until(condition: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

describe('background WAL checkpoints', () => {
  it('take checkpoints off the main connection and copy the log on a worker thread', async () => {
    const handle = open(true);
    expect(handle.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await write(handle, 1_500);
    const checkpointer = (handle.db as unknown as { checkpointer: { stats(): Promise<{ copied: number }> } }).checkpointer;
    await until(async () => (await checkpointer.stats()).copied >= 1_500, 'the worker to copy the log');
    // The copied frames are reused by the next writer: the log does not keep growing.
    const before = walPages(handle);
    for (let round = 0; round < 3; round++) {
      const target = (await checkpointer.stats()).copied + 500;
      await write(handle, 500);
      await until(async () => (await checkpointer.stats()).copied >= target, 'the next checkpoint');
    }
    expect(walPages(handle)).toBeLessThanOrEqual(before + 10);
    expect((await handle.db.get<{ n: number }>(sql`select count(*) as n from filler`))?.n).toBe(3_000);
  });

  it('copy what a commit wrote as soon as it wakes them, without waiting for the idle round', async () => {
    const handle = open(false);
    handle.sqlite.pragma('wal_autocheckpoint = 0');
    // An idle round far in the future: only wake() can explain a copy within the test.
    const checkpointer = startCheckpointer(handle.path, { everyMs: 600_000 });
    try {
      await write(handle, 800);
      expect((await checkpointer.stats()).copied).toBe(0);
      checkpointer.wake();
      await until(async () => (await checkpointer.stats()).copied >= 800, 'the woken worker to copy the log');
    } finally {
      await checkpointer.stop();
    }
  });

  it('are woken by every commit of the database that owns them', async () => {
    const handle = open(true);
    const checkpointer = (handle.db as unknown as { checkpointer: { wake(): void } }).checkpointer;
    let wakes = 0;
    const wake = checkpointer.wake.bind(checkpointer);
    checkpointer.wake = () => {
      wakes += 1;
      wake();
    };
    await write(handle, 5); // create table (a write on its own) + one transaction
    expect(wakes).toBe(2);
    await handle.db.get(sql`select count(*) as n from filler`);
    expect(wakes).toBe(2);
  });

  it('leave the default when not asked for (the commit that fills the log checkpoints)', async () => {
    const handle = open(false);
    expect(handle.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect((handle.db as unknown as { checkpointer: unknown }).checkpointer).toBeNull();
  });

  it('keep every committed row across a close and reopen', async () => {
    const handle = open(true);
    await write(handle, 300);
    await handle.db.close();
    const again = openSqliteDatabase(handle.path, { backgroundCheckpoints: true });
    try {
      expect((await again.db.get<{ n: number }>(sql`select count(*) as n from filler`))?.n).toBe(300);
    } finally {
      await again.db.close();
    }
  });
});
