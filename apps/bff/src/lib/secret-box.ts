/**
 * Secrets at rest (the Slack token, the SMTP password, webhook header values and signing secrets, the
 * Teams Workflows URL): AES-256-GCM with a random 96-bit IV per value, stored as
 *   enc:v1:<keyId>:<iv>:<tag>:<ciphertext>   (base64url parts)
 * The key id names the key that sealed the value, so a rotated installation knows which key opens it;
 * the `enc:v1:<keyId>` prefix is authenticated too, so it cannot be swapped. A value without the `enc:`
 * prefix is legacy plaintext from before encryption: it is returned as it is and sealed on its next
 * write (or by reencryptValue), so existing databases keep working.
 *
 * The key comes from SECRET_KEY, or else from a key file (SECRET_KEY_FILE, default secret.key beside
 * the SQLite database) created with mode 0600 at first start. SECRET_KEY_PREVIOUS lists earlier keys
 * that may still open values during a rotation.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SEALED_PREFIX = 'enc:';
const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
export const SECRET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_HINT = 'Make one with: openssl rand -base64 32';

/** Every failure to load a key or open a value: the message says what is wrong and what to do. */
export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

export type TSecretBox = {
  /** The id of the current key, as written into sealed values. */
  keyId: string;
  /** Encrypts with the current key and a fresh IV. */
  seal(plain: string): string;
  /** Decrypts a sealed value with whichever known key sealed it; legacy plaintext is returned as it is. Throws SecretBoxError. */
  open(stored: string): string;
  /** True for a value in the `enc:` format (possibly malformed: open says so); false for legacy plaintext. */
  isSealed(stored: string): boolean;
  /** True when the value is sealed with the current key, so re-encrypting would change nothing. */
  isCurrent(stored: string): boolean;
};

const toBase64Url = (bytes: Buffer) => bytes.toString('base64url');

/** Strict base64url: a part that does not re-encode to itself was altered (even in its unused bits). */
function fromBase64Url(part: string, what: string): Buffer {
  const bytes = Buffer.from(part, 'base64url');
  if (!/^[A-Za-z0-9_-]*$/.test(part) || toBase64Url(bytes) !== part) {
    throw new SecretBoxError(`A stored secret is damaged: its ${what} is not valid base64url. Enter the secret again.`);
  }
  return bytes;
}

/** A short public name for a key: not the key, and not a plain hash of it. */
export function findKeyId(key: Buffer): string {
  return toBase64Url(crypto.createHmac('sha256', key).update('tocsin secret-box key id v1').digest()).slice(0, 8);
}

export function createSecretBox({ key, previousKeys = [] }: { key: Buffer; previousKeys?: readonly Buffer[] }): TSecretBox {
  for (const k of [key, ...previousKeys]) {
    if (k.length !== SECRET_KEY_BYTES)
      throw new SecretBoxError(`A secret key must be ${SECRET_KEY_BYTES} bytes, not ${k.length}. ${KEY_HINT}`);
  }
  const keyId = findKeyId(key);
  const keys = new Map<string, Buffer>([[keyId, key]]);
  for (const k of previousKeys) if (!keys.has(findKeyId(k))) keys.set(findKeyId(k), k);

  const isSealed = (stored: string) => stored.startsWith(SEALED_PREFIX);

  function seal(plain: string): string {
    const header = `${SEALED_PREFIX}${VERSION}:${keyId}`;
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(header, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${header}:${toBase64Url(iv)}:${toBase64Url(cipher.getAuthTag())}:${toBase64Url(ciphertext)}`;
  }

  function open(stored: string): string {
    if (!isSealed(stored)) return stored;
    const parts = stored.split(':');
    const [, version, id, ivPart, tagPart, dataPart] = parts;
    if (version !== VERSION) {
      throw new SecretBoxError(
        `A stored secret is in format "${version ?? ''}", which this version of Tocsin cannot read. Enter the secret again.`,
      );
    }
    if (parts.length !== 6 || !id || ivPart === undefined || tagPart === undefined || dataPart === undefined) {
      throw new SecretBoxError(
        'A stored secret is damaged: it does not have the form enc:v1:<key id>:<iv>:<tag>:<ciphertext>. Enter the secret again.',
      );
    }
    const secretKey = keys.get(id);
    if (!secretKey) {
      throw new SecretBoxError(
        `A stored secret was encrypted with key ${id}, which is neither SECRET_KEY (key ${keyId}) nor listed in SECRET_KEY_PREVIOUS. ` +
          'Add the old key to SECRET_KEY_PREVIOUS, or enter the secret again.',
      );
    }
    const iv = fromBase64Url(ivPart, 'IV');
    const tag = fromBase64Url(tagPart, 'authentication tag');
    const data = fromBase64Url(dataPart, 'ciphertext');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretBoxError('A stored secret is damaged: its IV or authentication tag has the wrong length. Enter the secret again.');
    }
    try {
      const decipher = crypto.createDecipheriv(ALGORITHM, secretKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${SEALED_PREFIX}${VERSION}:${id}`, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      // GCM authenticates before anything is returned: a changed bit never yields altered plaintext.
      throw new SecretBoxError(
        `A stored secret could not be decrypted with key ${id}: it was altered or corrupted (authentication failed). Enter the secret again.`,
      );
    }
  }

  return { keyId, seal, open, isSealed, isCurrent: (stored) => stored.startsWith(`${SEALED_PREFIX}${VERSION}:${keyId}:`) };
}

/**
 * The value sealed with the current key: legacy plaintext is sealed, a value sealed with a previous
 * key is opened and sealed again, and a value already sealed with the current key is returned as it
 * is (so a rotation job can skip the write). Throws SecretBoxError when the value cannot be opened.
 */
export function reencryptValue(box: TSecretBox, stored: string): string {
  return box.isCurrent(stored) ? stored : box.seal(box.open(stored));
}

// ---------------------------------------------------------------------------
// Keys

/** 32 bytes written as hex (64 characters) or base64/base64url (44 or 43 characters); `name` says where it came from. */
export function parseSecretKey(text: string, name: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    const canonical = (s: string) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    if (bytes.length === SECRET_KEY_BYTES && canonical(bytes.toString('base64')) === canonical(value)) return bytes;
    if (canonical(bytes.toString('base64')) === canonical(value)) {
      throw new SecretBoxError(`${name} must be ${SECRET_KEY_BYTES} random bytes, but it decodes to ${bytes.length}. ${KEY_HINT}`);
    }
  }
  throw new SecretBoxError(
    `${name} must be ${SECRET_KEY_BYTES} random bytes written as base64 (44 characters) or hex (64 characters). ${KEY_HINT}`,
  );
}

/** SECRET_KEY_PREVIOUS: comma-separated keys; blanks are ignored. */
export function parsePreviousKeys(text: string | undefined): Buffer[] {
  const entries = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return entries.map((entry, i) => parseSecretKey(entry, `SECRET_KEY_PREVIOUS (key ${i + 1} of ${entries.length})`));
}

const describeMode = (mode: number) => `0${(mode & 0o777).toString(8)}`;

function explainFileError(file: string, err: unknown): SecretBoxError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new SecretBoxError(`Secret key file ${file} does not exist.`);
  if (code === 'EACCES' || code === 'EPERM') return new SecretBoxError(`Secret key file ${file} cannot be read by this user (${code}).`);
  return new SecretBoxError(`Secret key file ${file} cannot be read: ${(err as Error).message}`);
}

/** Reads a key file, refusing one that other users may read or that does not hold exactly one key. */
export function readKeyFile(file: string): Buffer {
  let stat: fs.Stats;
  let content: string;
  try {
    stat = fs.statSync(file);
    if (!stat.isFile()) throw new SecretBoxError(`Secret key file ${file} is not a regular file.`);
    content = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw err instanceof SecretBoxError ? err : explainFileError(file, err);
  }
  // POSIX permissions only; on Windows the mode bits say nothing about other users.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new SecretBoxError(
      `Secret key file ${file} can be read or changed by other users (mode ${describeMode(stat.mode)}). ` +
        `Restrict it with: chmod 600 ${file}`,
    );
  }
  return parseSecretKey(content, `Secret key file ${file}`);
}

/**
 * Creates `file` holding a new random key, readable by this user only, without ever exposing a
 * partly written file: the key is written to a private temporary file, flushed, then hard-linked into
 * place, which fails if the file exists. If another process got there first, its key is used.
 */
export function createKeyFile(file: string): Buffer {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${crypto.randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return readKeyFile(file);
}

export type TSecretKeyEnv = {
  SECRET_KEY?: string | undefined;
  SECRET_KEY_FILE?: string | undefined;
  SECRET_KEY_PREVIOUS?: string | undefined;
  DATABASE_PATH: string;
};

/** Where the key file lives: SECRET_KEY_FILE, else secret.key beside the database; null for an in-memory database. */
export function resolveKeyFilePath(env: TSecretKeyEnv): string | null {
  if (env.SECRET_KEY_FILE?.trim()) return env.SECRET_KEY_FILE.trim();
  if (env.DATABASE_PATH === '' || env.DATABASE_PATH === ':memory:') return null;
  return path.join(path.dirname(env.DATABASE_PATH), 'secret.key');
}

export type TSecretKeys = {
  key: Buffer;
  previousKeys: Buffer[];
  /** env: SECRET_KEY; file: read or created; ephemeral: a random key for an in-memory database, gone with it. */
  source: 'env' | 'file' | 'ephemeral';
  file: string | null;
};

/**
 * The keys for createSecretBox, from the environment. `createKeyFile: false` refuses to invent a key
 * where one must be shared (several replicas on PostgreSQL: each would make its own, and none could
 * read the others' values); set SECRET_KEY, or point SECRET_KEY_FILE at a shared file, there.
 */
export function loadSecretKeys(env: TSecretKeyEnv, { createKeyFile: mayCreate = true }: { createKeyFile?: boolean } = {}): TSecretKeys {
  const previousKeys = parsePreviousKeys(env.SECRET_KEY_PREVIOUS);
  const fromEnv = env.SECRET_KEY?.trim();
  if (fromEnv) {
    if (env.SECRET_KEY_FILE?.trim()) throw new SecretBoxError('Set SECRET_KEY or SECRET_KEY_FILE, not both.');
    return { key: parseSecretKey(fromEnv, 'SECRET_KEY'), previousKeys, source: 'env', file: null };
  }
  const file = resolveKeyFilePath(env);
  if (file === null) return { key: crypto.randomBytes(SECRET_KEY_BYTES), previousKeys, source: 'ephemeral', file: null };
  if (fs.existsSync(file)) return { key: readKeyFile(file), previousKeys, source: 'file', file };
  if (!mayCreate)
    throw new SecretBoxError(`Secret key file ${file} does not exist, and this installation must not create one. Set SECRET_KEY.`);
  return { key: createKeyFile(file), previousKeys, source: 'file', file };
}

/** The secret box of this installation; throws SecretBoxError with a readable message when the key is unusable. */
export function loadSecretBox(env: TSecretKeyEnv, options: { createKeyFile?: boolean } = {}): TSecretBox {
  return createSecretBox(loadSecretKeys(env, options));
}
