// The disk resource drivers: disk.loop, disk.raw, disk.disk, disk.vg (alias
// disk.lvm), disk.lv and disk.md; the section's `type` picks one.
import { defineDriver, type Resource, type ResourceInit, type SectionConfig } from '@capsule/core';
import { DiskDisk } from './disk.js';
import { invalid } from './errors.js';
import { DISK_TYPES, keywords, type DiskType } from './keywords.js';
import { DiskLoop } from './loop.js';
import { DiskLv } from './lv.js';
import { DiskMd } from './md.js';
import { DiskRaw } from './raw.js';
import { DiskVg } from './vg.js';

export type DiskConfig = SectionConfig<typeof keywords>;

const MAKERS: Record<DiskType, new (init: ResourceInit<DiskConfig>) => Resource> = {
  loop: DiskLoop,
  raw: DiskRaw,
  disk: DiskDisk,
  vg: DiskVg,
  lvm: DiskVg,
  lv: DiskLv,
  md: DiskMd,
};

export default defineDriver({
  provides: DISK_TYPES.map((t) => `disk.${t}`),
  keywords,
  create: (init) => {
    const type = String((init.config as { type?: unknown }).type ?? '').trim();
    const make = MAKERS[type as DiskType];
    if (!make) throw invalid(init.rid, `type = ${type || '(unset)'} is not a disk type of this driver`, `set ${init.rid}.type to one of ${DISK_TYPES.join(', ')}`);
    return new make(init);
  },
});
