// `drbdadm status RES` as drbd-utils 9 prints it (drbdsetup.c resource_status,
// device_status, connection_status, peer_device_status), read into a state,
// and that state judged as OpenSVC judges a disk.drbd resource. No I/O.
import type { ResourceStatus } from '@capsule/core';

export interface DrbdPeer {
  name: string;
  /** `Connected`, or what the connection line says (`Connecting`, `StandAlone`...). */
  connection: string;
  role: string;
  /** The peer's disk per volume, when connected. */
  disks: string[];
}

export interface DrbdState {
  res: string;
  role: string;
  /** The local disk per volume. */
  disks: string[];
  peers: DrbdPeer[];
}

/** Word `key:value` pairs of one line. */
function fields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of line.trim().split(/\s+/)) {
    const i = w.indexOf(':');
    if (i > 0) out[w.slice(0, i)] = w.slice(i + 1);
  }
  return out;
}

/** Parses one resource's block; undefined when `res` is not in the text. */
export function parseDrbdStatus(text: string, res: string): DrbdState | undefined {
  let state: DrbdState | undefined;
  let peer: DrbdPeer | undefined;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const indent = raw.length - raw.trimStart().length;
    const first = raw.trim().split(/\s+/)[0]!;
    const f = fields(raw);
    if (indent === 0) {
      if (state) break;
      if (first === res) state = { res, role: f['role'] ?? 'Unknown', disks: [], peers: [] };
      continue;
    }
    if (!state) continue;
    if (indent === 2 && f['disk'] !== undefined) {
      state.disks.push(f['disk']);
      peer = undefined;
    } else if (indent === 2 && !first.includes(':')) {
      // A connection line: the peer's name, then its connection state when not Connected, or its role when it is.
      peer = { name: first, connection: f['connection'] ?? 'Connected', role: f['role'] ?? 'Unknown', disks: [] };
      state.peers.push(peer);
    } else if (peer && f['peer-disk'] !== undefined) {
      peer.disks.push(f['peer-disk']);
    }
  }
  return state;
}

const NO_DISK = new Set(['Diskless', 'DUnknown', 'Unconfigured', 'Failed', 'Detaching']);

/**
 * up: Primary, every local disk UpToDate, every peer Connected with UpToDate
 * disks. down: Secondary, or a Primary without a local disk (OpenSVC's
 * Diskless/DUnknown). warn: a Primary that is degraded (a peer not
 * connected, a disk Inconsistent, Outdated or syncing).
 */
export function judge(s: DrbdState): ResourceStatus {
  if (s.role !== 'Primary') {
    const primary = s.peers.find((p) => p.role === 'Primary');
    return { status: 'down', log: [`info: ${s.res} is ${s.role} here${primary ? `, Primary on ${primary.name}` : ''}`] };
  }
  const lost = s.disks.find((d) => NO_DISK.has(d));
  if (lost) return { status: 'down', log: [`info: ${s.res} is Primary but its disk is ${lost}`] };
  const log: string[] = [];
  const bad = s.disks.find((d) => d !== 'UpToDate');
  if (bad) log.push(`warn: ${s.res} disk is ${bad}`);
  for (const p of s.peers) {
    if (p.connection !== 'Connected') log.push(`warn: ${s.res} peer ${p.name} is ${p.connection}`);
    else {
      const pd = p.disks.find((d) => d !== 'UpToDate');
      if (pd) log.push(`warn: ${s.res} peer ${p.name} disk is ${pd}`);
    }
  }
  return { status: log.length ? 'warn' : 'up', log };
}
