import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createKeyFile,
  createSecretBox,
  findKeyId,
  loadSecretBox,
  loadSecretKeys,
  parsePreviousKeys,
  parseSecretKey,
  readKeyFile,
  reencryptValue,
  resolveKeyFilePath,
  SecretBoxError,
} from './secret-box';

const newKey = () => crypto.randomBytes(32);
const keyA = newKey();
const keyB = newKey();
const SEALED = /^enc:v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]*$/;

describe('createSecretBox: seal and open', () => {
  const box = createSecretBox({ key: keyA });

  for (const plain of [
    '',
    'xoxb-1234-5678-abcdef',
    'pässwört 🔑 with spaces',
    'a:b:c:enc:v1:x',
    'https://prod.workflows.example/x?sig=abc',
    'x'.repeat(10_000),
  ]) {
    it(`round-trips ${JSON.stringify(plain.slice(0, 30))}${plain.length > 30 ? '…' : ''}`, () => {
      const sealed = box.seal(plain);
      expect(sealed).toMatch(SEALED);
      expect(box.isSealed(sealed)).toBe(true);
      if (plain.length >= 4) expect(sealed).not.toContain(plain);
      expect(box.open(sealed)).toBe(plain);
    });
  }

  it('writes the key id and uses a fresh IV for every value', () => {
    const first = box.seal('same');
    const second = box.seal('same');
    expect(first).not.toBe(second);
    expect(first.split(':')[2]).toBe(findKeyId(keyA));
    expect(first.split(':')[3]).not.toBe(second.split(':')[3]);
    expect(box.keyId).toBe(findKeyId(keyA));
  });

  it('round-trips any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (plain) => {
        expect(box.open(box.seal(plain))).toBe(plain);
      }),
    );
  });
});

describe('tampering', () => {
  const box = createSecretBox({ key: keyA, previousKeys: [keyB] });

  /** Flips one bit of the decoded bytes of part `index` (3 IV, 4 tag, 5 ciphertext) and re-encodes it. */
  function flip(sealed: string, index: number, bit: number): string {
    const parts = sealed.split(':');
    const bytes = Buffer.from(parts[index] ?? '', 'base64url');
    const at = Math.floor(bit / 8) % bytes.length;
    bytes[at] = (bytes[at] ?? 0) ^ (1 << (bit % 8));
    parts[index] = bytes.toString('base64url');
    return parts.join(':');
  }

  const cases: [string, number][] = [
    ['a flipped bit in the IV', 3],
    ['a flipped bit in the tag', 4],
    ['a flipped bit in the ciphertext', 5],
  ];
  for (const [name, index] of cases) {
    it(`${name} fails with a clear error and never returns garbage`, () => {
      const sealed = box.seal('the real secret');
      for (let bit = 0; bit < 64; bit++) {
        expect(() => box.open(flip(sealed, index, bit))).toThrow(/altered or corrupted \(authentication failed\)/);
      }
    });
  }

  it('any single changed character after enc: fails, even in the unused bits of base64', () => {
    const sealed = box.seal('the real secret');
    fc.assert(
      fc.property(fc.integer({ min: 4, max: sealed.length - 1 }), fc.constantFrom(...'AQgw_-09az:'.split('')), (at, ch) => {
        const changed = sealed.slice(0, at) + ch + sealed.slice(at + 1);
        if (changed === sealed) return;
        expect(() => box.open(changed)).toThrow(SecretBoxError);
      }),
      { numRuns: 1000 },
    );
  });

  it('a value whose enc: prefix was damaged is legacy text: returned verbatim, never decrypted', () => {
    const sealed = box.seal('the real secret');
    const damaged = `x${sealed.slice(1)}`;
    expect(box.open(damaged)).toBe(damaged);
  });

  it('moving a value to another known key id fails: the prefix is authenticated', () => {
    const parts = box.seal('the real secret').split(':');
    parts[2] = findKeyId(keyB);
    expect(() => box.open(parts.join(':'))).toThrow(/authentication failed/);
  });

  it('says what is wrong with a malformed or unknown-format value', () => {
    expect(() => box.open('enc:v1:abc')).toThrow(/does not have the form/);
    expect(() => box.open('enc:v9:abc:def:ghi:jkl')).toThrow(/format "v9"/);
    const parts = box.seal('x').split(':');
    expect(() => box.open([...parts.slice(0, 3), 'AAAA', ...parts.slice(4)].join(':'))).toThrow(/wrong length/);
    expect(() => box.open([...parts.slice(0, 5), 'not base64!'].join(':'))).toThrow(/not valid base64url/);
  });
});

describe('keys and rotation', () => {
  it('a box with another key cannot open a value and says which key sealed it', () => {
    const sealed = createSecretBox({ key: keyA }).seal('secret');
    expect(() => createSecretBox({ key: keyB }).open(sealed)).toThrow(
      new RegExp(
        `encrypted with key ${findKeyId(keyA)}, which is neither SECRET_KEY \\(key ${findKeyId(keyB)}\\) nor listed in SECRET_KEY_PREVIOUS`,
      ),
    );
  });

  it('opens values of previous keys, and reencryptValue moves them to the current key', () => {
    const old = createSecretBox({ key: keyA }).seal('secret');
    const rotated = createSecretBox({ key: keyB, previousKeys: [keyA] });
    expect(rotated.open(old)).toBe('secret');
    expect(rotated.isCurrent(old)).toBe(false);
    const moved = reencryptValue(rotated, old);
    expect(rotated.isCurrent(moved)).toBe(true);
    expect(moved.split(':')[2]).toBe(findKeyId(keyB));
    expect(createSecretBox({ key: keyB }).open(moved)).toBe('secret');
  });

  it('reencryptValue leaves a current value alone and seals legacy plaintext', () => {
    const box = createSecretBox({ key: keyA });
    const current = box.seal('secret');
    expect(reencryptValue(box, current)).toBe(current);
    const sealed = reencryptValue(box, 'legacy-plain-token');
    expect(sealed).toMatch(SEALED);
    expect(box.open(sealed)).toBe('legacy-plain-token');
  });

  it('treats values without the enc: prefix as legacy plaintext', () => {
    const box = createSecretBox({ key: keyA });
    for (const legacy of ['xoxb-legacy', '', 'https://hooks.example/x', 'ENC:looks-similar']) {
      expect(box.isSealed(legacy)).toBe(false);
      expect(box.open(legacy)).toBe(legacy);
    }
  });

  it('refuses keys of the wrong length', () => {
    expect(() => createSecretBox({ key: crypto.randomBytes(16) })).toThrow(/must be 32 bytes, not 16/);
    expect(() => createSecretBox({ key: keyA, previousKeys: [Buffer.alloc(31)] })).toThrow(/not 31/);
  });
});

describe('parseSecretKey', () => {
  const key = keyA;
  const accepted: [string, string][] = [
    ['base64', key.toString('base64')],
    ['base64 without padding', key.toString('base64').replace(/=+$/, '')],
    ['base64url', key.toString('base64url')],
    ['hex', key.toString('hex')],
    ['upper-case hex', key.toString('hex').toUpperCase()],
    ['with a trailing newline', `${key.toString('base64')}\n`],
  ];
  for (const [name, text] of accepted) it(`accepts ${name}`, () => expect(parseSecretKey(text, 'SECRET_KEY').equals(key)).toBe(true));

  const refused: [string, string, RegExp][] = [
    ['16 bytes of base64', crypto.randomBytes(16).toString('base64'), /SECRET_KEY must be 32 random bytes, but it decodes to 16/],
    ['48 bytes of base64', crypto.randomBytes(48).toString('base64'), /decodes to 48/],
    ['hex of the wrong length', crypto.randomBytes(31).toString('hex'), /SECRET_KEY must be 32 random bytes/],
    ['a passphrase', 'correct horse battery staple', /written as base64 \(44 characters\) or hex \(64 characters\)/],
    ['empty', '', /openssl rand -base64 32/],
  ];
  for (const [name, text, message] of refused) {
    it(`refuses ${name} with a readable message that does not echo the value`, () => {
      expect(() => parseSecretKey(text, 'SECRET_KEY')).toThrow(message);
      try {
        parseSecretKey(text, 'SECRET_KEY');
      } catch (err) {
        if (text) expect((err as Error).message).not.toContain(text.trim());
      }
    });
  }

  it('parses SECRET_KEY_PREVIOUS and names a bad entry', () => {
    expect(parsePreviousKeys(` ${keyA.toString('base64')} ,, ${keyB.toString('hex')} `).map((k) => k.toString('hex'))).toEqual([
      keyA.toString('hex'),
      keyB.toString('hex'),
    ]);
    expect(parsePreviousKeys(undefined)).toEqual([]);
    expect(() => parsePreviousKeys(`${keyA.toString('base64')},short`)).toThrow(/SECRET_KEY_PREVIOUS \(key 2 of 2\)/);
  });
});

describe('key file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tocsin-secret-box-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created beside the database with mode 0600 at first start, and read afterwards', () => {
    const env = { DATABASE_PATH: path.join(dir, 'data', 'tocsin.db') };
    const first = loadSecretKeys(env);
    const file = path.join(dir, 'data', 'secret.key');
    expect(first).toMatchObject({ source: 'file', file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.join(dir, 'data'))).toEqual(['secret.key']);
    const second = loadSecretKeys(env);
    expect(second.key.equals(first.key)).toBe(true);
    const sealed = loadSecretBox(env).seal('kept across restarts');
    expect(loadSecretBox(env).open(sealed)).toBe('kept across restarts');
  });

  it('refuses a file other users may read, saying how to fix it', () => {
    const file = path.join(dir, 'secret.key');
    fs.writeFileSync(file, keyA.toString('base64'), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => readKeyFile(file)).toThrow(
      `Secret key file ${file} can be read or changed by other users (mode 0644). Restrict it with: chmod 600 ${file}`,
    );
    expect(() => loadSecretKeys({ SECRET_KEY_FILE: file, DATABASE_PATH: ':memory:' })).toThrow(/chmod 600/);
  });

  it('refuses a file with a key of the wrong length', () => {
    const file = path.join(dir, 'secret.key');
    fs.writeFileSync(file, crypto.randomBytes(16).toString('base64'), { mode: 0o600 });
    expect(() => readKeyFile(file)).toThrow(`Secret key file ${file} must be 32 random bytes, but it decodes to 16`);
  });

  it('refuses a directory, and explains a missing file', () => {
    expect(() => readKeyFile(dir)).toThrow(/is not a regular file/);
    expect(() => readKeyFile(path.join(dir, 'nope.key'))).toThrow(/does not exist/);
  });

  it('never replaces a key file that appeared meanwhile', () => {
    const file = path.join(dir, 'secret.key');
    fs.writeFileSync(file, keyA.toString('base64'), { mode: 0o600 });
    expect(createKeyFile(file).equals(keyA)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['secret.key']);
  });

  it('is not created when the caller forbids it (shared database, several replicas)', () => {
    expect(() => loadSecretKeys({ DATABASE_PATH: path.join(dir, 'tocsin.db') }, { createKeyFile: false })).toThrow(/Set SECRET_KEY/);
    expect(fs.existsSync(path.join(dir, 'secret.key'))).toBe(false);
  });

  it('SECRET_KEY wins and writes no file; setting both is refused', () => {
    const env = { SECRET_KEY: keyB.toString('base64'), DATABASE_PATH: path.join(dir, 'tocsin.db') };
    const keys = loadSecretKeys(env);
    expect(keys).toMatchObject({ source: 'env', file: null });
    expect(keys.key.equals(keyB)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'secret.key'))).toBe(false);
    expect(() => loadSecretKeys({ ...env, SECRET_KEY_FILE: path.join(dir, 'k') })).toThrow('Set SECRET_KEY or SECRET_KEY_FILE, not both.');
  });

  it('an empty SECRET_KEY counts as unset', () => {
    expect(loadSecretKeys({ SECRET_KEY: '  ', DATABASE_PATH: path.join(dir, 'tocsin.db') }).source).toBe('file');
  });

  it('a bad SECRET_KEY stops the start with a message naming the variable', () => {
    expect(() => loadSecretBox({ SECRET_KEY: 'not-a-key', DATABASE_PATH: ':memory:' })).toThrow(/^SECRET_KEY must be 32 random bytes/);
  });

  it('an in-memory database gets an ephemeral key and no file', () => {
    expect(resolveKeyFilePath({ DATABASE_PATH: ':memory:' })).toBeNull();
    expect(loadSecretKeys({ DATABASE_PATH: ':memory:' })).toMatchObject({ source: 'ephemeral', file: null });
  });

  it('loads previous keys with the current one', () => {
    const old = createSecretBox({ key: keyA }).seal('old value');
    const box = loadSecretBox({
      SECRET_KEY: keyB.toString('hex'),
      SECRET_KEY_PREVIOUS: keyA.toString('base64'),
      DATABASE_PATH: ':memory:',
    });
    expect(box.open(old)).toBe('old value');
  });
});
