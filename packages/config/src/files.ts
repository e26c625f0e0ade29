// Where a service's files live under $CAPSULE_ROOT, and loading/installing them.
import { CapsuleError } from '@capsule/core';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EvalContext } from './evaluator.js';
import { issuesError, type ConfigIssue } from './issues.js';
import { parseConfig, type ConfigDocument } from './reader.js';
import type { KeywordRegistry } from './registry.js';
import { validateConfig } from './validate.js';
import { atomicWrite } from './atomic.js';

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

/**
 * Installs `content` as the service's config, atomically, only if it
 * validates: an empty or invalid file never replaces a good one. Problems are
 * reported in `source`, the file the user wrote (the target may not exist yet).
 * Returns the warnings (unknown keywords...), which do not stop it.
 */
export async function installConfig(path: string, content: string | Uint8Array, registry: KeywordRegistry, ctx: EvalContext, source = path): Promise<ConfigIssue[]> {
  const doc = parseConfig(content, source);
  if (doc.lines.every((l) => l.trim() === '')) {
    throw new CapsuleError('ConfigEmpty', `refusing to install an empty configuration (${source}) as ${path}`, { hint: `check ${source}` });
  }
  const issues = await validateConfig(doc, registry, ctx);
  const err = issuesError(issues);
  if (err) throw err;
  await mkdir(join(path, '..'), { recursive: true });
  // A service file that is a symlink (to a shared repository) stays one.
  await atomicWrite(path, content, { followSymlink: true });
  return issues;
}
