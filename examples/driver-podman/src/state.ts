// What `podman container inspect NAME` says of a container, read as
// capsule's status: pure (no I/O). Podman's words are ContainerStatus.String()
// of libpod/define/containerstate.go: its Configured state prints
// "created" (Docker's word), its Created state "initialized".
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** Podman's states as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'running', status: 'up', why: 'its command runs' },
  { word: 'created', status: 'down', why: 'defined (podman create), never started' },
  { word: 'initialized', status: 'down', why: 'set up in the OCI runtime (podman init), not started' },
  { word: 'exited', status: 'down', why: 'its command ended (or was stopped) and podman cleaned it up' },
  { word: 'stopped', status: 'down', why: 'its command ended, podman\'s clean-up not yet done' },
  { word: 'paused', status: 'warn', why: 'paused (podman pause): its processes do not run; start unpauses it' },
  { word: 'stopping', status: 'warn', why: 'being stopped: not yet down' },
  { word: 'removing', status: 'warn', why: 'being removed (podman rm)' },
  { word: 'unknown', status: 'warn', why: 'podman cannot tell its state (an error state of libpod)' },
];

/** The words for a container with nothing running: stop has nothing to do, start has everything. */
export const DOWN_STATES: ReadonlySet<string> = new Set(STATES.filter((r) => r.status === 'down').map((r) => r.word));

export interface PodmanInspect {
  /** State.Status; undefined when the output has none. */
  state: string | undefined;
  /** Config.StopSignal: what `podman stop` would send first (a number in podman 4, a name in some versions). */
  stopSignal: string | undefined;
}

/** The fields of `podman container inspect NAME` (a JSON array of one) the driver reads. */
export function parseInspect(stdout: string): PodmanInspect {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return { state: undefined, stopSignal: undefined };
  }
  const first = (Array.isArray(doc) ? doc[0] : undefined) as { State?: { Status?: unknown }; Config?: { StopSignal?: unknown } } | undefined;
  const status = first?.State?.Status;
  const signal = first?.Config?.StopSignal;
  return {
    state: typeof status === 'string' && status !== '' ? status : undefined,
    stopSignal: typeof signal === 'string' || typeof signal === 'number' ? String(signal) : undefined,
  };
}

export function statusOfPodmanState(name: string, state: string | undefined): ResourceStatus {
  if (state === undefined) return { status: 'warn', log: [`warn: podman container inspect printed no state for container ${name}`] };
  return statusOfState(STATES, `container ${name}`, state, 'podman');
}
