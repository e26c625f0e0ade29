// The services configured on this node: one etc/capsule/SVC.conf each.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function listServices(root: string): Promise<string[]> {
  try {
    const files = await readdir(join(root, 'etc/capsule'));
    return files.filter((f) => f.endsWith('.conf') && f !== 'node.conf').map((f) => f.slice(0, -'.conf'.length)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
