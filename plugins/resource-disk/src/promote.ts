// promote_rw: base block devices set read-write before a start, as OpenSVC's
// BaseDisk.promote_rw does (a SAN snapshot or a replica may come read-only).
import type { ActionContext } from '@capsule/core';
import { tool } from '@capsule/driver-kit';
import { commandFailed } from './errors.js';

export async function promoteRw(ctx: ActionContext, rid: string, devs: readonly string[]): Promise<void> {
  for (const dev of devs) {
    const ro = await tool(ctx, rid, ['blockdev', '--getro', dev], { install: 'install util-linux (blockdev)' });
    if (ro.code === 0 && ro.stdout.trim() === '0') continue;
    const argv = ['blockdev', '--setrw', dev];
    const r = await tool(ctx, rid, argv, { install: 'install util-linux (blockdev)' });
    if (r.code !== 0) throw commandFailed(rid, argv, r, `is ${dev} write-protected by its array?`);
    // BLKROSET succeeds on a disk the kernel keeps read-only (a read-only loop, a write-protected LUN): check.
    const after = await tool(ctx, rid, ['blockdev', '--getro', dev], { install: 'install util-linux (blockdev)' });
    if (after.stdout.trim() !== '0') throw commandFailed(rid, argv, { ...after, stderr: `${dev} is still read-only` }, `${dev} is read-only below the block layer (its array, or losetup -r): make it writable there`);
    ctx.log.info(`${rid}: ${dev} promoted read-write`);
  }
}
