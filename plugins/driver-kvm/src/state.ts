// What `virsh domstate` says of a domain, read as capsule's status. virsh
// prints one word per virDomainState (libvirt tools/virsh-domain-monitor.c,
// virshDomainStateToString): running, idle (VIR_DOMAIN_BLOCKED), paused,
// in shutdown, shut off, crashed, pmsuspended, and "no state". The words
// are gettext-translated: the driver runs virsh with LC_ALL=C.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** libvirt's domain states as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'running', status: 'up', why: 'its vCPUs run' },
  { word: 'idle', status: 'up', why: 'blocked on a resource: it runs (VIR_DOMAIN_BLOCKED)' },
  { word: 'shut off', status: 'down', why: 'defined, not running' },
  { word: 'crashed', status: 'down', why: 'crashed and kept (on_crash = preserve): start destroys it and boots it again', note: 'warn' },
  { word: 'paused', status: 'warn', why: 'paused (virsh suspend, or by libvirt on an I/O error): start resumes it' },
  { word: 'pmsuspended', status: 'warn', why: 'suspended by the guest (S3/S4): start wakes it' },
  { word: 'in shutdown', status: 'warn', why: 'shutting down: not yet off' },
  { word: 'no state', status: 'warn', why: 'libvirt reports no state for it' },
];

export function statusOfDomState(name: string, state: string): ResourceStatus {
  return statusOfState(STATES, `domain ${name}`, state, 'virsh domstate');
}
