// Parsing of `vgs` and `lvs` reports (--noheadings, --separator ';'), and the
// meaning of their attr letters (lvs(8), vgs(8)). Pure: no I/O.

export interface VgReport {
  name: string;
  attr: string;
  tags: string[];
}

export interface LvReport {
  name: string;
  attr: string;
}

function rows(out: string): string[][] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split(';').map((f) => f.trim()));
}

/** `vgs --noheadings --separator ; -o name,attr,tags`. */
export function parseVgs(out: string): VgReport[] {
  return rows(out).map(([name = '', attr = '', tags = '']) => ({ name, attr, tags: tags.split(',').filter(Boolean) }));
}

/** `lvs --noheadings --separator ; -o name,attr`. */
export function parseLvs(out: string): LvReport[] {
  return rows(out).map(([name = '', attr = '']) => ({ name, attr }));
}

/** `vgs --noheadings --separator ; -o pv_name VG`: the VG's PVs, one a row. */
export function parsePvNames(out: string): string[] {
  return rows(out).flatMap(([pv = '']) => (pv ? [pv] : []));
}

/** `lvs --noheadings -o devices VG/LV`: `/dev/sdb(0),/dev/sdc(0)`, a segment a row; a missing PV is `[unknown](0)`. */
export function parseLvDevices(out: string): string[] {
  const devs = out.split(/[\s,]+/).map((d) => d.replace(/\(\d+\)$/, '')).filter((d) => d.startsWith('/'));
  return [...new Set(devs)];
}

/** vg_attr: 3rd e(x)ported, 4th (p)artial, 6th (c)lustered or (s)hared. */
export const vgFlags = (attr: string) => ({ exported: attr[2] === 'x', partial: attr[3] === 'p', clustered: attr[5] === 'c', shared: attr[5] === 's' });

/** lv_attr: 5th the state, (a)ctive; 9th the health, (p)artial. */
export const lvActive = (attr: string) => attr[4] === 'a';
export const lvPartial = (attr: string) => attr[8] === 'p';

/** Why a VG with these attr letters cannot be activated; undefined when it can. */
export function vgBlocker(attr: string): string | undefined {
  const f = vgFlags(attr);
  if (f.exported) return 'is exported (vgimport it first)';
  if (f.partial) return 'is partial: some of its PVs are missing';
  if (f.clustered) return 'is clustered: it needs clvmd, which capsule does not drive';
  if (f.shared) return 'is shared: it needs lvmlockd, which capsule does not drive';
  return undefined;
}
