// zfs quota and refquota of an fs resource's dataset: what the keywords ask
// (OpenSVC's rules: none, a size, or a multiple of size, in whole MiB) and
// setting what differs with zfs set.
import { CapsuleError, type ActionContext } from '@capsule/core';
import { FsCode } from './codes.js';
import type { Size, ZfsQuota } from './values.js';

const MIB = 1024 * 1024;
export const QUOTA_PROPERTIES = ['refquota', 'quota'] as const;
export type QuotaProperty = (typeof QUOTA_PROPERTIES)[number];

/** MiB per property; a property left out is not touched (none, or a multiple of an unset size). */
export function wantedQuotas(cfg: { size?: Size; quota?: ZfsQuota; refquota?: ZfsQuota }): Partial<Record<QuotaProperty, number>> {
  const size = cfg.size && 'bytes' in cfg.size ? cfg.size.bytes / MIB : undefined;
  const out: Partial<Record<QuotaProperty, number>> = {};
  for (const prop of QUOTA_PROPERTIES) {
    const q = cfg[prop];
    if (!q || 'none' in q) continue;
    const mib = 'bytes' in q ? q.bytes / MIB : size === undefined ? undefined : size * q.times;
    if (mib !== undefined && Math.floor(mib) > 0) out[prop] = Math.floor(mib);
  }
  return out;
}

/** `zfs get -H -p -o property,value`: property and bytes (0 or none when unset). */
export function parseZfsGet(text: string): Partial<Record<QuotaProperty, number>> {
  const out: Partial<Record<QuotaProperty, number>> = {};
  for (const line of text.split('\n')) {
    const [prop, value] = line.split('\t');
    if ((QUOTA_PROPERTIES as readonly string[]).includes(prop ?? '')) out[prop as QuotaProperty] = /^\d+$/.test(value ?? '') ? Number(value) : 0;
  }
  return out;
}

export async function applyQuotas(ctx: ActionContext, rid: string, dataset: string, wanted: Partial<Record<QuotaProperty, number>>): Promise<void> {
  const props = QUOTA_PROPERTIES.filter((p) => wanted[p] !== undefined);
  if (!props.length) return;
  const get = await ctx.exec(['zfs', 'get', '-H', '-p', '-o', 'property,value', props.join(','), dataset]);
  if (get.code !== 0) throw zfsError(rid, `zfs get ${props.join(',')} ${dataset}`, get.stderr, get.code);
  const is = parseZfsGet(get.stdout);
  for (const prop of props) {
    if (is[prop] === wanted[prop]! * MIB) continue;
    const argv = ['zfs', 'set', `${prop}=${wanted[prop]}M`, dataset];
    ctx.log.info(`${rid}: ${argv.join(' ')}`);
    const r = await ctx.exec(argv);
    if (r.code !== 0) throw zfsError(rid, argv.join(' '), r.stderr, r.code);
  }
}

function zfsError(rid: string, command: string, stderr: string, code: number): CapsuleError {
  return new CapsuleError(FsCode.ZfsPropertyFailed, `${rid}: ${command} failed: ${stderr.trim()}`, {
    hint: code === 127 ? 'install zfsutils-linux (zfs)' : `check ${rid}.quota and ${rid}.refquota against the pool's free space (zfs list)`,
    details: { rid },
  });
}
