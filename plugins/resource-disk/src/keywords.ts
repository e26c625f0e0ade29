// Keywords of [disk#N] sections, OpenSVC's names and defaults for the types
// this package provides (drivers/resource/disk/*/__init__.py). One table for
// all: a keyword of another type is refused by `validate config`.
import { kw } from '@capsule/core';

/** The `type` values of [disk#N] this package runs (`lvm` is OpenSVC's alias of `vg`). */
export const DISK_TYPES = ['loop', 'raw', 'disk', 'vg', 'lvm', 'lv', 'md'] as const;
export type DiskType = (typeof DISK_TYPES)[number];

/** A check refusing the keyword on a section of another type. */
const onlyFor =
  (...types: DiskType[]) =>
  (_value: unknown, keyword: (name: string) => string | undefined): string | undefined => {
    const t = keyword('type')?.trim();
    return t && (DISK_TYPES as readonly string[]).includes(t) && !(types as string[]).includes(t) ? `not a keyword of disk.${t}; it belongs to ${types.map((x) => `disk.${x}`).join(', ')}` : undefined;
  };

export const keywords = [
  // Every disk type (BASE_KEYWORDS of drivers/resource/disk/__init__.py).
  kw.string('prkey', { doc: 'the SCSI persistent reservation key of this resource (used by the scsireserv resource of the disk)' }),
  kw.bool('promote_rw', { doc: 'make the base block devices read-write (blockdev --setrw) before start', default: false }),
  kw.bool('no_preempt_abort', { doc: 'preempt SCSI reservations without abort (for targets that lack it, as esx)', default: false }),
  kw.bool('scsireserv', { doc: 'take a SCSI-3 persistent reservation on the disks of this resource', default: false }),
  // disk.loop
  kw.path('file', { doc: 'the loopback device backing file full path', check: onlyFor('loop') }),
  kw.string('size', { doc: 'disk.loop: size of the file to provision (100m); disk.lv: size of the LV; disk.disk: size of the disk to allocate', check: onlyFor('loop', 'lv', 'disk') }),
  // disk.raw
  kw.list('devs', { doc: 'disk.raw: the device paths (or src:dst mappings) owned by the service; disk.md: the member devices', check: onlyFor('raw', 'md') }),
  kw.string('zone', { doc: 'the zone the raw devices are linked to (Solaris only; refused here)', check: onlyFor('raw') }),
  kw.bool('create_char_devices', { doc: 'bind raw char devices (/dev/raw) to the block devices; needs the kernel raw driver', default: true }),
  kw.string('user', { doc: 'the owner of the devices, a name or a uid', check: onlyFor('raw') }),
  kw.string('group', { doc: 'the group of the devices, a name or a gid', check: onlyFor('raw') }),
  kw.string('perm', { doc: 'the permissions of the devices, octal (600)', check: (v, k) => onlyFor('raw')(v, k) ?? (/^[0-7]{3,4}$/.test(v.trim()) ? undefined : `expected octal permissions like 600 or 0660, got "${v}"`) }),
  // disk.disk
  kw.string('disk_id', { doc: 'the wwn of the disk', check: onlyFor('disk') }),
  kw.string('pool', { doc: 'the pool the disk was allocated from (provisioning)', check: onlyFor('disk') }),
  kw.string('array', { doc: 'the array to provision the disk from (provisioning)', check: onlyFor('disk') }),
  kw.string('diskgroup', { doc: 'the array disk group to provision the disk from (provisioning)', check: onlyFor('disk') }),
  kw.string('slo', { doc: 'the service level objective of the disk (provisioning)', check: onlyFor('disk') }),
  // disk.vg / disk.lvm, disk.lv, disk.disk
  kw.string('name', { doc: 'disk.vg: the volume group; disk.lv: the logical volume; disk.disk: the disk name', check: onlyFor('vg', 'lvm', 'lv', 'disk') }),
  kw.list('pvs', { doc: 'the physical volumes of the volume group (provisioning)', check: onlyFor('vg', 'lvm') }),
  kw.string('options', { doc: 'the vgcreate options (provisioning)', check: onlyFor('vg', 'lvm') }),
  kw.string('vg', { doc: 'the volume group of the logical volume', check: onlyFor('lv') }),
  kw.string('create_options', { doc: 'the lvcreate options (provisioning)', check: onlyFor('lv') }),
  // disk.md
  kw.string('uuid', { doc: 'the md array uuid used with mdadm --assemble', check: (v, k) => onlyFor('md')(v, k) ?? (v.replace(/[^0-9a-fA-F]/g, '').length === 32 ? undefined : `expected an md uuid of 32 hex digits (as mdadm --detail prints it), got "${v}"`) }),
  kw.string('level', { doc: 'the raid level (provisioning)', check: onlyFor('md') }),
  kw.string('layout', { doc: 'the raid layout (provisioning)', check: onlyFor('md') }),
  kw.string('chunk', { doc: 'the chunk size (provisioning)', check: onlyFor('md') }),
  kw.int('spares', { doc: 'the number of spare devices (provisioning)', default: 0 }),
  kw.bool('shared', { doc: 'the array is on disks other nodes see: keep their boot from assembling it. Unset: true when the service has more than one node' }),
] as const;
