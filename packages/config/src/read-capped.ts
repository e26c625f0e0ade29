// Reads a service file from a path or a stream, refusing it as soon as it
// passes the size limit: `--config /dev/zero` must not read forever.
import { CapsuleError } from '@capsule/core';
import { open } from 'node:fs/promises';
import { MAX_CONFIG_BYTES } from './reader.js';

const CHUNK = 64 * 1024;

function tooLarge(name: string, limit: number): CapsuleError {
  return new CapsuleError('ConfigTooLarge', `${name} is over the ${limit} bytes limit of a service file`, {
    hint: 'a service file is a few kilobytes: check that this is the right file',
    details: { file: name, limit },
  });
}

async function readFileCapped(path: string, limit: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(CHUNK, limit + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooLarge(path, limit);
    }
  } finally {
    await fh.close();
  }
}

async function readStreamCapped(stream: AsyncIterable<Uint8Array | string>, name: string, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    chunks.push(b);
    total += b.length;
    // Leaving the loop stops reading the stream.
    if (total > limit) throw tooLarge(name, limit);
  }
  return Buffer.concat(chunks, total);
}

/** The bytes of `source` (a path, or a stream such as stdin named `name`), at most `limit` of them. */
export function readCapped(source: string | AsyncIterable<Uint8Array | string>, name = '<stdin>', limit = MAX_CONFIG_BYTES): Promise<Buffer> {
  return typeof source === 'string' ? readFileCapped(source, limit) : readStreamCapped(source, name, limit);
}
