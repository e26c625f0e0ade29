// vgs, lvs and pvs reports: lvm2's field names (with the prefix-less aliases
// a report type allows: `name` is vg_name in vgs), headings, alignment and
// --noheadings / --separator / --nosuffix, from lib/report/columns.h.
import { fail, human } from './out.mjs';

/** field -> [heading, right-aligned, value(row)]; rows carry { vgName, vg, lvName, lv, pvName, pv, m, active }. */
const FIELDS = {
  vg_name: ['VG', false, (r) => r.vgName ?? ''],
  vg_attr: ['Attr', false, (r) => (r.vg ? vgAttr(r) : '')],
  vg_tags: ['VG Tags', false, (r) => (r.vg ? r.vg.tags.join(',') : '')],
  vg_size: ['VSize', true, (r) => (r.vg ? human(vgSize(r)) : '')],
  vg_free: ['VFree', true, (r) => (r.vg ? human(vgSize(r) - lvTotal(r.vg)) : '')],
  vg_uuid: ['VG UUID', false, (r) => r.vg?.uuid ?? ''],
  pv_count: ['#PV', true, (r) => String(r.vg?.pvs.length ?? '')],
  lv_count: ['#LV', true, (r) => String(r.vg ? Object.keys(r.vg.lvs).length : '')],
  snap_count: ['#SN', true, (r) => (r.vg ? '0' : '')],
  lv_name: ['LV', false, (r) => r.lvName ?? ''],
  lv_attr: ['Attr', false, (r) => (r.lv ? lvAttr(r) : '')],
  lv_tags: ['LV Tags', false, (r) => r.lv?.tags.join(',') ?? ''],
  lv_size: ['LSize', true, (r) => (r.lv ? human(r.lv.size) : '')],
  lv_path: ['Path', false, (r) => (r.lv ? `/dev/${r.vgName}/${r.lvName}` : '')],
  lv_active: ['Active', false, (r) => (r.lv && r.active.has(`${r.vgName}/${r.lvName}`) ? 'active' : '')],
  devices: ['Devices', false, (r) => (r.lv ? r.vg.pvs.map((p) => `${r.m.missing.includes(p) ? '[unknown]' : p}(0)`).join(',') : '')],
  pool_lv: ['Pool', false, () => ''],
  origin: ['Origin', false, () => ''],
  data_percent: ['Data%', true, () => ''],
  metadata_percent: ['Meta%', true, () => ''],
  move_pv: ['Move', false, () => ''],
  mirror_log: ['Log', false, () => ''],
  copy_percent: ['Cpy%Sync', true, () => ''],
  convert_lv: ['Convert', false, () => ''],
  pv_name: ['PV', false, (r) => r.pvName ?? ''],
  pv_fmt: ['Fmt', false, (r) => (r.pvName ? 'lvm2' : '')],
  pv_attr: ['Attr', false, (r) => (r.pvName ? `${r.vgName ? 'a' : '-'}--`.replace(/-$/, r.m.missing.includes(r.pvName) ? 'm' : '-') : '')],
  pv_size: ['PSize', true, (r) => (r.pvName ? human(r.m.pvs[r.pvName]?.size ?? 0) : '')],
  pv_free: ['PFree', true, (r) => (r.pvName ? human((r.m.pvs[r.pvName]?.size ?? 0) - (r.vg && r.vg.pvs[0] === r.pvName ? lvTotal(r.vg) : 0)) : '')],
};

const DEFAULTS = {
  vgs: 'vg_name,pv_count,lv_count,snap_count,vg_attr,vg_size,vg_free',
  lvs: 'lv_name,vg_name,lv_attr,lv_size,pool_lv,origin,data_percent,metadata_percent,move_pv,mirror_log,copy_percent,convert_lv',
  pvs: 'pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free',
};
const PREFIX = { vgs: 'vg', lvs: 'lv', pvs: 'pv' };

const vgSize = (r) => r.vg.pvs.reduce((n, p) => n + (r.m.pvs[p]?.size ?? 0), 0);
const lvTotal = (vg) => Object.values(vg.lvs).reduce((n, lv) => n + lv.size, 0);
export const partial = (m, vg) => vg.pvs.some((p) => m.missing.includes(p));

/** wz--n-: (w)riteable, resi(z)eable, e(x)ported, (p)artial, (n)ormal allocation, (c)lustered. */
function vgAttr(r) {
  return `wz${r.vg.exported ? 'x' : '-'}${partial(r.m, r.vg) ? 'p' : '-'}n${r.vg.clustered ? 'c' : '-'}`;
}

/** -wi-a-----: plain LV, (w)riteable, (i)nherited allocation, state (a)ctive, volume health (p)artial. */
function lvAttr(r) {
  const active = r.active.has(`${r.vgName}/${r.lvName}`);
  return `-wi-${active ? "a" : "-"}---${partial(r.m, r.vg) ? "p" : "-"}-`;
}

/** The columns asked with -o (repeatable, comma-separated; `+f` appends to the defaults). */
export function columns(tool, options) {
  let list = DEFAULTS[tool].split(',');
  for (const o of options ?? []) {
    const fields = o.startsWith('+') ? [...list, ...o.slice(1).split(',')] : o.split(',');
    list = fields;
  }
  return list.map((f) => {
    const key = f.trim();
    const name = FIELDS[key] ? key : FIELDS[`${PREFIX[tool]}_${key}`] ? `${PREFIX[tool]}_${key}` : undefined;
    if (!name) fail(5, `Unrecognised field: ${key}`);
    return name;
  });
}

export function render(cols, rows, opts) {
  const cells = rows.map((r) => cols.map((c) => FIELDS[c][2](r)));
  const head = cols.map((c) => FIELDS[c][0]);
  const lines = [];
  if (!rows.length) return;
  if (opts.separator !== undefined && !opts.aligned) {
    if (!opts.noheadings) lines.push(head.join(opts.separator));
    for (const row of cells) lines.push(row.join(opts.separator));
  } else {
    const all = opts.noheadings ? cells : [head, ...cells];
    const width = cols.map((_, i) => Math.max(...all.map((row) => row[i].length)));
    const sep = opts.separator ?? ' ';
    // Headings are left-aligned, numbers right-aligned below them.
    for (const [n, row] of all.entries()) {
      const heading = !opts.noheadings && n === 0;
      const out = row.map((v, i) => (FIELDS[cols[i]][1] && !heading ? v.padStart(width[i]) : v.padEnd(width[i])));
      lines.push(out.join(sep).trimEnd());
    }
  }
  for (const l of lines) process.stdout.write(`  ${l}\n`);
}
