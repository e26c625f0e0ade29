// Writes that never leave a half-written file: atomic replacement of a file
// (temp file in the same directory, fsync, rename, fsync dir), and state
// files that refuse to write through a symbolic link.
import { CapsuleError, processExists } from '@capsule/core';
import { constants } from 'node:fs';
import { open, readdir, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `.NAME.PID.MS-SEQ.tmp`: the writer's pid tells a crashed write from one in progress. */
const TEMP = /^\..+\.(\d+)\.\d+(?:-\d+)?\.tmp$/;
/** Concurrent writes of one file in one process (guests synced in parallel) each get their own temp file. */
let seq = 0;

const alive = processExists;

/** Removes temp files whose writer died between creating and renaming them. */
export async function cleanStaleTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(TEMP.exec(name)?.[1]);
      if (!pid || pid === process.pid || alive(pid)) return;
      await rm(join(dir, name), { force: true }).catch(() => undefined);
    }),
  );
}

/** The file a write to `path` should replace: the target of a symlink, so the link survives. */
async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw e;
  }
}

export interface AtomicWriteOptions {
  /** The file's exact mode, whatever the umask (a file holding a secret must stay 0600). */
  mode?: number;
  /** Replace the target of a symlink at `path` instead of the link (the service file may be a link). */
  followSymlink?: boolean;
  /** The file's mtime, set before the rename: no reader sees the new content with another time. */
  mtime?: Date;
}

export async function atomicWrite(path: string, text: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const file = options.followSymlink ? await resolveTarget(path) : path;
  const dir = dirname(file);
  await cleanStaleTemps(dir);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Date.now()}-${seq++}.tmp`);
  const fh = await open(tmp, 'wx', options.mode ?? 0o644);
  try {
    if (options.mode !== undefined) await fh.chmod(options.mode);
    await fh.writeFile(text);
    if (options.mtime) await fh.utimes(options.mtime, options.mtime);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Writes a small file of the state directory (frozen flag, rejected edit).
 * A symlink planted there is refused: following it would let whoever can
 * write the state directory overwrite any file root can.
 */
export async function writeStateFile(path: string, data: string, mode = 0o644): Promise<void> {
  let fh;
  try {
    fh = await open(path, constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new CapsuleError('StateFileIsLink', `${path} is a symbolic link; refusing to write through it`, {
        hint: `remove ${path} (capsule recreates it) and check who planted the link`,
        details: { file: path },
      });
    }
    throw e;
  }
  try {
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}
