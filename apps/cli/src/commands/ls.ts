// svcmgr ls: the services configured on this node.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';

export async function listServices(root: string): Promise<string[]> {
  try {
    const files = await readdir(join(root, 'etc/capsule'));
    return files.filter((f) => f.endsWith('.conf') && f !== 'node.conf').map((f) => f.slice(0, -'.conf'.length)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export async function run(ctx: CommandContext): Promise<number> {
  const names = await listServices(ctx.root);
  ctx.out(ctx.format === 'json' ? renderJson(names) : names.map((n) => n + '\n').join(''));
  return 0;
}
