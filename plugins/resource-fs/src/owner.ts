// The owner, group and permissions of a mounted filesystem's root (OpenSVC's
// user, group, perm): what differs from the keywords, and setting them.
import { CapsuleError, type ActionContext } from '@capsule/core';
import { FsCode } from './codes.js';

/** What stat says of the mount point: `stat -c '%u %g %a'`. */
export interface Inode {
  uid: number;
  gid: number;
  mode: number;
}

/** The ids and mode the keywords ask for; undefined is "leave as it is". */
export interface Wanted {
  uid?: number;
  gid?: number;
  mode?: number;
}

export function parseStat(line: string): Inode | undefined {
  const m = /^(\d+) (\d+) ([0-7]+)$/.exec(line.trim());
  return m ? { uid: Number(m[1]), gid: Number(m[2]), mode: parseInt(m[3]!, 8) } : undefined;
}

/** One line per difference, OpenSVC's wording. */
export function drift(wanted: Wanted, is: Inode): string[] {
  const out: string[] = [];
  if (wanted.uid !== undefined && wanted.uid !== is.uid) out.push(`uid should be ${wanted.uid} but is ${is.uid}`);
  if (wanted.gid !== undefined && wanted.gid !== is.gid) out.push(`gid should be ${wanted.gid} but is ${is.gid}`);
  if (wanted.mode !== undefined && wanted.mode !== is.mode) out.push(`perm should be ${wanted.mode.toString(8)} but is ${is.mode.toString(8)}`);
  return out;
}

/** A name's id from the node's user or group database (getent: files, LDAP, sssd alike); numbers as they are. */
export async function lookupId(ctx: ActionContext, db: 'passwd' | 'group', name: string): Promise<number | undefined> {
  if (/^\d+$/.test(name)) return Number(name);
  const r = await ctx.exec(['getent', db, name]);
  // getent exits 2 when the key is not found (getent(1)).
  const id = r.code === 0 ? Number(r.stdout.split(':')[2]) : NaN;
  return Number.isInteger(id) ? id : undefined;
}

/** The ids of `user` and `group`; a name unknown on this node is a typed error naming the keyword. */
export async function wantedOf(ctx: ActionContext, rid: string, cfg: { user?: string; group?: string; perm?: string }): Promise<Wanted> {
  const wanted: Wanted = {};
  for (const [keyword, db] of [['user', 'passwd'], ['group', 'group']] as const) {
    const name = cfg[keyword];
    if (name === undefined) continue;
    const id = await lookupId(ctx, db, name);
    if (id === undefined) {
      throw new CapsuleError(FsCode.OwnerUnknown, `${rid}: ${keyword} ${name} does not exist on this node`, {
        hint: `create the ${keyword} (getent ${db} ${name} finds nothing), or fix ${rid}.${keyword}`,
        details: { rid },
      });
    }
    wanted[keyword === 'user' ? 'uid' : 'gid'] = id;
  }
  if (cfg.perm !== undefined) wanted.mode = parseInt(cfg.perm, 8);
  return wanted;
}

/** Sets what differs, as OpenSVC's fs.directory does after each mount. */
export async function applyOwnership(ctx: ActionContext, rid: string, mnt: string, wanted: Wanted, is: Inode): Promise<void> {
  const steps: string[][] = [];
  if (wanted.uid !== undefined && wanted.uid !== is.uid) steps.push(['chown', String(wanted.uid), mnt]);
  if (wanted.gid !== undefined && wanted.gid !== is.gid) steps.push(['chown', `:${wanted.gid}`, mnt]);
  if (wanted.mode !== undefined && wanted.mode !== is.mode) steps.push(['chmod', wanted.mode.toString(8), mnt]);
  for (const argv of steps) {
    ctx.log.info(`${rid}: ${argv.join(' ')}`);
    const r = await ctx.exec(argv);
    if (r.code !== 0) {
      throw new CapsuleError(FsCode.OwnershipFailed, `${rid}: ${argv.join(' ')} failed: ${r.stderr.trim()}`, {
        hint: 'a read-only mount or a filesystem without owners (vfat) cannot take user, group or perm: remove them from the section',
        details: { rid },
      });
    }
  }
}
