// Where a service's files live under $CAPSULE_ROOT, and loading/installing them.
import { CapsuleError } from '@capsule/core';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EvalContext } from './evaluator.js';
import { issuesError } from './issues.js';
import { parseConfig, type ConfigDocument } from './reader.js';
import type { KeywordRegistry } from './registry.js';
import { validateConfig } from './validate.js';
import { atomicWrite } from './writer.js';

export interface ServicePaths {
  config: string;
  /** Per-service state: status cache, lock, logs. */
  varDir: string;
}

const SVCNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function servicePaths(root: string, svc: string): ServicePaths {
  if (!SVCNAME.test(svc) || svc === 'node') {
    throw new CapsuleError('InvalidServiceName', `"${svc}" is not a valid service name`, {
      hint: 'a service name is letters, digits, and . _ - (not "node")',
    });
  }
  return { config: join(root, 'etc/capsule', `${svc}.conf`), varDir: join(root, 'var/lib/capsule', svc) };
}

export async function loadConfig(path: string): Promise<ConfigDocument> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CapsuleError('ServiceNotFound', `no configuration file ${path}`, {
        hint: `create the service with \`svcmgr -s ${basename(path, '.conf')} create --config FILE\``,
        details: { file: path },
      });
    }
    throw e;
  }
  return parseConfig(bytes, path);
}

/** Modification time in ms, or undefined when the file does not exist. */
export async function configMtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Installs `text` as the service's config, atomically, only if it validates:
 * an empty or invalid file never replaces a good one.
 */
export async function installConfig(path: string, text: string, registry: KeywordRegistry, ctx: EvalContext): Promise<void> {
  if (text.trim() === '') {
    throw new CapsuleError('ConfigEmpty', `refusing to install an empty configuration as ${path}`, { hint: 'check the source file' });
  }
  const doc = parseConfig(text, path);
  const err = issuesError(await validateConfig(doc, registry, ctx));
  if (err) throw err;
  await mkdir(join(path, '..'), { recursive: true });
  await atomicWrite(path, text);
}
