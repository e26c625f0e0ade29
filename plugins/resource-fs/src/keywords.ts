// Keywords of [fs#N] sections: OpenSVC's names, defaults and meanings.
import { kw } from '@capsule/core';
import { ownerFromString, permFromString, REFQUOTA_DEFAULT, shlexFromString, sizeFromString, zfsQuotaFromString, type ZfsQuota } from './values.js';

/** quota and refquota are properties of a zfs dataset: on another type they would silently do nothing. */
const zfsOnly = (name: string) => (_: ZfsQuota, other: (name: string) => string | undefined) =>
  other('type')?.trim() === 'zfs' ? undefined : `${name} applies to type = zfs only (this section is type = ${other('type') ?? 'unset'}); remove it`;

export const keywords = [
  kw.string('dev', { doc: 'the device, image or source to mount (tmpfs for a tmpfs, pool/dataset for zfs)', required: true }),
  kw.path('mnt', { doc: 'the mount point, an absolute path; created when missing', required: true }),
  kw.string('type', { doc: 'the filesystem type (mount -t)' }),
  kw.string('mnt_opt', { doc: 'mount options (mount -o)' }),
  kw.parsed('user', ownerFromString, { doc: 'the owner of the mount point once mounted, by name or number; set at start, a difference is a warning in the status' }),
  kw.parsed('group', ownerFromString, { doc: 'the group of the mount point once mounted, by name or number; set at start, a difference is a warning in the status' }),
  kw.parsed('perm', permFromString, { doc: 'the octal permissions of the mount point once mounted (1777); set at start, a difference is a warning in the status' }),
  kw.duration('stat_timeout', { doc: 'how long the status waits for a stat of the mounted filesystem; past it (a hung NFS server) the status is warn', default: 5 }),
  // Provisioning keywords: read from OpenSVC files and checked; capsule has no provision action yet.
  kw.parsed('size', sizeFromString, { doc: 'the size to provision (512M, 10G, or N%FREE|VG|PVS of the vg); with zfs, the base of quota and refquota multiples. Provisioning only: capsule does not provision yet' }),
  kw.parsed('mkfs_opt', shlexFromString, { doc: 'extra mkfs options, shell-quoted. Provisioning only: capsule does not provision yet', default: [] }),
  kw.string('vg', { doc: 'the volume group to provision the logical volume of this filesystem from. Provisioning only: capsule does not provision yet' }),
  kw.parsed('create_options', shlexFromString, { doc: 'extra lvcreate options for the logical volume of this filesystem, shell-quoted. Provisioning only: capsule does not provision yet', default: [] }),
  kw.parsed('reservation', zfsQuotaFromString, { doc: 'type = zfs: the dataset reservation set at provision (none, a size, or a multiple of size). Provisioning only: capsule does not provision yet', check: zfsOnly('reservation') }),
  kw.parsed('refreservation', zfsQuotaFromString, { doc: 'type = zfs: the dataset refreservation set at provision (none, a size, or a multiple of size). Provisioning only: capsule does not provision yet', check: zfsOnly('refreservation') }),
  kw.bool('check_read', { doc: "OpenSVC: check a mounted filesystem by reading (stat) instead of writing; capsule's status always reads (a stat within stat_timeout), so either value reads alike", default: false }),
  // Mounted elsewhere than mnt says: mounting at mnt would be the wrong place, so the line is refused, not ignored.
  kw.string('zone', { doc: 'OpenSVC (Solaris): mount into this zone\'s root; not supported by capsule, refused', check: (v) => `zone = ${v.trim()}: mounting into a Solaris zone's root is not supported by capsule (the filesystem would be mounted at mnt in the global zone); remove it, and set mnt to the path in the zone root` }),
  kw.parsed('quota', zfsQuotaFromString, { doc: 'type = zfs: the dataset quota, set with zfs set at start: none, a size, or a multiple of size (x2)', check: zfsOnly('quota') }),
  kw.parsed('refquota', zfsQuotaFromString, { doc: 'type = zfs: the dataset refquota, set with zfs set at start: none, a size, or a multiple of size (x1, the default)', default: REFQUOTA_DEFAULT, check: zfsOnly('refquota') }),
] as const;
