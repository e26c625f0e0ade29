// Keywords of [disk#N] sections of type scsireserv: OpenSVC's prkey and
// no_preempt_abort, and the devices (OpenSVC takes them from the disk
// resource the reservation is attached to; a section of its own names them).
import { kw } from '@capsule/core';
import { prkeyProblem } from '@capsule/driver-kit';

export { prkeyProblem };

export const keywords = [
  kw.list('devs', { doc: 'the shared SCSI disks (paths) to register on and reserve, type 5 (write exclusive, registrants only)', required: true }),
  kw.string('prkey', { doc: "this node's reservation key; default: node.conf [driver.disk.scsireserv] prkey, else a key generated once for the node", check: prkeyProblem }),
  kw.bool('no_preempt_abort', { doc: "take another node's reservation with PREEMPT instead of PREEMPT AND ABORT (targets without it, as ESX)", default: false }),
  kw.bool('promote_rw', { doc: 'OpenSVC: promote the base devices to read-write on start; not done by capsule', default: false }),
] as const;
