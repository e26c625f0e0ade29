// The `migrating` marker of a switch or migrate under way on this node: where
// the service goes, since when, and who moves it (pid and process start
// time, as a lock file names its holder). The agent publishes it as
// `moving`, and no daemon places a moving service; so a marker whose owner
// is gone (svcmgr killed mid-switch, the node rebooted) marks nothing, and
// is removed, or every daemon would leave the service down forever.
import { holderLiveness, platformProbe, writeStateFile, type Liveness, type ProcessProbe } from '@capsule/config';
import { systemClock, type Clock } from '@capsule/core';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** What the status publishes (json status `migrating`). */
export interface MigratingState {
  to: string;
  since: string;
}

export interface MigratingMarker extends MigratingState {
  /** `switch` or `migrate`; absent in markers written before they named their owner. */
  action?: string;
  pid?: number;
  /** The owner's start time as the platform's probe reads it; '' when it could not be read. */
  start?: string;
}

export const migratingFile = (varDir: string) => join(varDir, 'migrating');

/** Marks the service moving to `to`, owned by this process. */
export async function writeMigrating(varDir: string, action: string, to: string, o: { clock?: Clock; probe?: ProcessProbe } = {}): Promise<void> {
  const start = (await (o.probe ?? platformProbe)(process.pid)) ?? '';
  const m: MigratingMarker = { to, since: new Date((o.clock ?? systemClock).now()).toISOString(), action, pid: process.pid, start };
  // A service never acted on here has no state directory yet (its first start is marked too).
  await mkdir(varDir, { recursive: true });
  await writeStateFile(migratingFile(varDir), JSON.stringify(m) + '\n');
}

export function parseMigrating(text: string): MigratingMarker | undefined {
  try {
    const v = JSON.parse(text) as Partial<MigratingMarker> | null;
    if (!v || typeof v.to !== 'string' || typeof v.since !== 'string') return undefined;
    const owner = Number.isSafeInteger(v.pid) && (v.pid as number) > 0 ? { pid: v.pid as number, start: typeof v.start === 'string' ? v.start : '' } : {};
    return { to: v.to, since: v.since, ...(typeof v.action === 'string' ? { action: v.action } : {}), ...owner };
  } catch {
    return undefined;
  }
}

export async function readMigrating(varDir: string): Promise<MigratingMarker | undefined> {
  const text = await readFile(migratingFile(varDir), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseMigrating(text);
}

/**
 * Whether the marker's owner still runs. A marker that names no owner was
 * written by a capsule from before owners were recorded: no svcmgr of this
 * version writes one, so it is a leftover. When the platform cannot tell,
 * the marker is kept (`unknown`), as a lock is.
 */
export async function markerOwner(m: MigratingMarker, probe: ProcessProbe = platformProbe): Promise<Liveness> {
  if (m.pid === undefined) return 'dead';
  return holderLiveness({ pid: m.pid, start: m.start ?? '', action: m.action ?? 'switch', since: m.since }, probe);
}

/** The service's move as the status shows it: the marker, unless its owner is proven gone. */
export async function liveMigrating(varDir: string, probe?: ProcessProbe): Promise<MigratingState | undefined> {
  const m = await readMigrating(varDir);
  return m && (await markerOwner(m, probe)) !== 'dead' ? { to: m.to, since: m.since } : undefined;
}

export function describeMarker(m: MigratingMarker): string {
  return `${m.action ?? 'move'} to ${m.to} since ${m.since}`;
}

export interface ClearOptions {
  probe?: ProcessProbe;
  /**
   * Removes a marker that cannot be read, too. Only for a caller holding the
   * service's action lock: elsewhere it may be a marker being written.
   */
  unreadable?: boolean;
}

/**
 * Removes a marker whose owner is gone; returns why, for the caller's log,
 * or undefined when there was none or it was kept. The file is removed only
 * if it still holds what was judged (a new switch may have replaced it).
 */
export async function clearStaleMigrating(varDir: string, o: ClearOptions = {}): Promise<string | undefined> {
  const file = migratingFile(varDir);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const m = parseMigrating(text);
  let why: string;
  if (!m) {
    if (!o.unreadable) return undefined;
    why = `removed the unreadable migrating marker ${file} (${JSON.stringify(text.slice(0, 40))})`;
  } else {
    if ((await markerOwner(m, o.probe)) !== 'dead') return undefined;
    why = m.pid === undefined
      ? `removed the migrating marker left by an earlier capsule, which names no owner (${describeMarker(m)})`
      : `removed the migrating marker of pid ${m.pid} (${describeMarker(m)}): that process is gone`;
  }
  if ((await readFile(file, 'utf8').catch(() => undefined)) !== text) return undefined;
  await rm(file, { force: true });
  return why;
}
