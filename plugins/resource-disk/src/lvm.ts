// Running vgs, lvs, vgchange and lvchange for a resource: a tool that is
// missing is CommandNotFound, a VG or LV that does not exist is undefined
// (lvm2 exits 5 with "not found" / "Failed to find"), any other failure an error.
import type { ActionContext } from '@capsule/core';
import { tool } from '@capsule/driver-kit';
import { commandFailed } from './errors.js';
import { parseLvDevices, parseLvs, parsePvNames, parseVgs, type LvReport, type VgReport } from './lvm-report.js';

const INSTALL = 'install lvm2';

export async function lvm(ctx: ActionContext, rid: string, argv: string[], hint: string): Promise<string> {
  const r = await tool(ctx, rid, argv, { install: INSTALL });
  if (r.code !== 0) throw commandFailed(rid, argv, r, hint);
  return r.stdout;
}

const NOT_FOUND = /Volume group "[^"]*" not found|Failed to find logical volume/;

export async function vgReport(ctx: ActionContext, rid: string, vg: string): Promise<VgReport | undefined> {
  const argv = ['vgs', '--noheadings', '--separator', ';', '-o', 'name,attr,tags', vg];
  const r = await tool(ctx, rid, argv, { install: INSTALL });
  if (r.code !== 0 && NOT_FOUND.test(r.stderr)) return undefined;
  if (r.code !== 0) throw commandFailed(rid, argv, r, 'see lvm(8): is lvm.conf valid?');
  return parseVgs(r.stdout).find((v) => v.name === vg);
}

export async function lvReport(ctx: ActionContext, rid: string, target: string): Promise<LvReport[] | undefined> {
  const argv = ['lvs', '--noheadings', '--separator', ';', '-o', 'name,attr', target];
  const r = await tool(ctx, rid, argv, { install: INSTALL });
  if (r.code !== 0 && NOT_FOUND.test(r.stderr)) return undefined;
  if (r.code !== 0) throw commandFailed(rid, argv, r, 'see lvm(8): is lvm.conf valid?');
  return parseLvs(r.stdout);
}

/** The devices a VG (`vg`) or an LV (`vg/lv`) is on: its PVs, an LV's those of its segments; none when it does not exist. */
export async function pvsOf(ctx: ActionContext, rid: string, target: string): Promise<string[]> {
  const lv = target.includes('/');
  const argv = lv ? ['lvs', '--noheadings', '-o', 'devices', target] : ['vgs', '--noheadings', '--separator', ';', '-o', 'pv_name', target];
  const r = await tool(ctx, rid, argv, { install: INSTALL });
  if (r.code !== 0 && NOT_FOUND.test(r.stderr)) return [];
  if (r.code !== 0) throw commandFailed(rid, argv, r, 'see lvm(8): is lvm.conf valid?');
  return lv ? parseLvDevices(r.stdout) : parsePvNames(r.stdout);
}
