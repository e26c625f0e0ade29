// The stat of a mount point, bounded in time: a filesystem whose server is
// gone (NFS, a FUSE daemon stopped) blocks stat until it answers, and the
// status must answer anyway.
import { isCapsuleError, type ActionContext } from '@capsule/core';
import { parseStat, type Inode } from './owner.js';

export type StatOutcome = { inode: Inode } | { hung: true } | { failed: string };

export async function statMountPoint(ctx: ActionContext, mnt: string, timeoutSeconds: number): Promise<StatOutcome> {
  try {
    // The exec kills stat with SIGKILL at the timeout: the kernel's NFS and FUSE waits are killable.
    const r = await ctx.exec(['stat', '-c', '%u %g %a', mnt], { timeoutMs: timeoutSeconds * 1000 });
    const inode = r.code === 0 ? parseStat(r.stdout) : undefined;
    return inode ? { inode } : { failed: r.stderr.trim() || `stat exited ${r.code}` };
  } catch (e) {
    if (isCapsuleError(e) && e.code === 'ExecTimeout') return { hung: true };
    throw e;
  }
}
