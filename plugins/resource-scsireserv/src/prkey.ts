// This node's persistent reservation key, as OpenSVC's node.get_prkey:
// configured (the resource's prkey, then node.conf's), else generated once
// and kept, so that the node keeps its key across restarts.
import { CapsuleError, ErrorCode } from '@capsule/core';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { prkeyProblem } from './keywords.js';

/** 8 random bytes, the first hex digit not 0 (OpenSVC's new_prkey: padding would change the printed key). */
export function newPrkey(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const v = random(8).toString('hex');
    if (!v.startsWith('0')) return `0x${v}`;
  }
}

export async function nodePrkey(rid: string, configured: string | undefined, file: string): Promise<bigint> {
  if (configured !== undefined) {
    const problem = prkeyProblem(configured);
    if (problem) throw new CapsuleError(ErrorCode.ConfigInvalid, `${rid}: ${problem}`, { hint: 'set prkey to 0x and up to 16 hex digits, the same on no two nodes', details: { rid } });
    return BigInt(configured.trim());
  }
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (!prkeyProblem(kept)) return BigInt(kept);
    throw new CapsuleError(ErrorCode.ConfigInvalid, `${rid}: ${file} holds "${kept}", not a reservation key`, { hint: `remove ${file} (a new key is generated) or set prkey`, details: { rid } });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dirname(file), { recursive: true });
  const key = newPrkey();
  try {
    // wx: two resources generating at once keep the first key written.
    await writeFile(file, `${key}\n`, { flag: 'wx', mode: 0o644 });
    return BigInt(key);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return BigInt((await readFile(file, 'utf8')).trim());
  }
}
