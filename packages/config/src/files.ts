// Loading a service file (writes go through store.ts).
import { CapsuleError } from '@capsule/core';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseConfig, type ConfigDocument } from './reader.js';

/** The one "no such service" error, whoever meets it. */
export function noConfigFile(path: string): CapsuleError {
  return new CapsuleError('ServiceNotFound', `no configuration file ${path}`, {
    hint: `create the service with \`svcmgr -s ${basename(path, '.conf')} create --config FILE\``,
    details: { file: path },
  });
}

export async function loadConfig(path: string): Promise<ConfigDocument> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw noConfigFile(path);
    throw e;
  }
  return parseConfig(bytes, path);
}
