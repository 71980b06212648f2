/**
 * Receiving a scan upload (multipart/form-data): the form fields, and the `file` part streamed to a temporary
 * file as it arrives, so a 200 MB scan never sits in memory. The file part may not exceed `maxBytes`
 * (IMPORT_MAX_BYTES): past it, reading stops at once (the rest of the body is not consumed) and the answer is
 * 413 naming the cap. Anything that is not a well-formed upload of one file is answered 4xx, with what to fix.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { badRequest, HttpError } from '../lib/errors';
import type { TScanFile } from './service';

/** Room for the form fields and multipart boundaries on top of the file, when checking Content-Length up front. */
const FORM_ALLOWANCE_BYTES = 1024 * 1024;
const FIELD_MAX_BYTES = 16 * 1024;

export type TScanUpload = {
  /** Every form field by name, in the order sent (a name may repeat). */
  fields: Map<string, string[]>;
  /** The `file` part on disk, or null when none was sent. */
  file: TScanFile | null;
  /** Remove the temporary file (call it once the import is done, whatever its outcome). */
  cleanup: () => Promise<void>;
};

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

export const uploadTooLarge = (maxBytes: number) =>
  new HttpError(
    413,
    'payload_too_large',
    `The scan file is larger than the import limit of ${formatBytes(maxBytes)} (IMPORT_MAX_BYTES). ` +
      'Split the scan, or ask an administrator to raise the limit.',
    { max_bytes: maxBytes },
  );

/** Read the multipart body of `request`; see the module comment. */
export async function receiveScanUpload(request: Request, options: { maxBytes: number }): Promise<TScanUpload> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Send the scan as multipart/form-data: the file in a part named "file", and engagement_id (or test_id, or product_id with ' +
        'engagement_name) and the other fields as form fields.',
    );
  }
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes + FORM_ALLOWANCE_BYTES) throw uploadTooLarge(options.maxBytes);
  if (!request.body) throw badRequest('The request has no body: send the scan in a part named "file".');

  const dir = await mkdtemp(join(tmpdir(), 'tocsin-import-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const { fields, file } = await readParts(request.body, contentType, join(dir, 'scan'), options.maxBytes);
    return { fields, file, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function readParts(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  filePath: string,
  maxBytes: number,
): Promise<{ fields: Map<string, string[]>; file: TScanFile | null }> {
  let failure: Error | null = null;
  let signalFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    signalFailure = reject;
  });
  failed.catch(() => undefined);
  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    signalFailure(err);
  };

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: FIELD_MAX_BYTES, parts: 30 },
    });
  } catch (err) {
    throw badRequest(`The multipart body cannot be read: ${err instanceof Error ? err.message : String(err)}.`);
  }

  const fields = new Map<string, string[]>();
  let file: TScanFile | null = null;
  let fileWritten: Promise<void> = Promise.resolve();
  parser.on('file', (name, stream, info) => {
    if (name !== 'file') {
      // Drained and dropped; busboy still passes a truncated form's error to this stream, and an 'error' nobody
      // listens to is an uncaught exception that ends the process.
      stream.on('error', () => undefined);
      stream.resume();
      fail(badRequest(`Unexpected file part "${name}": send the scan in a part named "file".`, { path: name }));
      return;
    }
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('limit', () => fail(uploadTooLarge(maxBytes)));
    fileWritten = pipeline(stream, createWriteStream(filePath)).then(() => {
      file = { path: filePath, name: info.filename ?? 'scan', bytes };
    });
    fileWritten.catch((err: Error) => fail(err));
  });
  parser.on('field', (name, value, info) => {
    if (info.nameTruncated || info.valueTruncated) {
      fail(badRequest(`The form field "${name.slice(0, 100)}" is too long (at most ${formatBytes(FIELD_MAX_BYTES)}).`, { path: name }));
      return;
    }
    const values = fields.get(name);
    if (values) values.push(value);
    else fields.set(name, [value]);
  });
  parser.on('filesLimit', () => fail(badRequest('Send one scan file per import, in the part named "file".')));
  parser.on('fieldsLimit', () => fail(badRequest('The form has too many fields; send only the import fields.')));
  parser.on('partsLimit', () => fail(badRequest('The form has too many parts; send the file and the import fields only.')));
  parser.on('error', (err) => fail(badRequest(`The multipart body cannot be read: ${err instanceof Error ? err.message : String(err)}.`)));
  const closed = once(parser, 'close');
  closed.catch(() => undefined);

  const reader = body.getReader();
  try {
    while (!failure) {
      const { done, value } = await Promise.race([reader.read(), failed]);
      if (done) break;
      if (!parser.write(value)) await Promise.race([once(parser, 'drain'), failed]);
    }
    parser.end();
    await Promise.race([closed, failed]);
    await Promise.race([fileWritten, failed]);
  } catch (err) {
    // Already recorded when it is our own failure; otherwise the body could not be read (the client went away).
    fail(err instanceof HttpError ? err : badRequest(`The upload could not be read: ${err instanceof Error ? err.message : String(err)}.`));
  } finally {
    if (failure) {
      // Stop reading: the rest of the body is never consumed.
      await reader.cancel().catch(() => undefined);
      parser.destroy();
      await fileWritten.catch(() => undefined);
    }
  }
  if (failure) throw failure;
  return { fields, file };
}

/** The form fields as the import body expects them: one value each, except `tags`, which may repeat. */
export function toImportFields(fields: Map<string, string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [name, values] of fields) {
    if (values.length === 1) out[name] = values[0] as string;
    else if (name === 'tags') out[name] = values;
    else throw badRequest(`${name}: is given ${values.length} times; send it once.`, [{ path: name, message: 'is given more than once' }]);
  }
  return out;
}
