// Keywords every OpenSVC container section may carry: capsule reads OpenSVC
// files as they are, so these validate, though capsule does not act on them.
import { kw } from '@capsule/core';

export const opensvcContainerKeywords = [
  kw.string('osvc_root_path', { doc: "OpenSVC: where the agent is installed in the guest; capsule finds svcmgr by the guest's PATH" }),
  kw.string('guestos', { doc: 'OpenSVC: the operating system in the guest (unix, windows); informational' }),
  kw.bool('promote_rw', { doc: 'OpenSVC: promote base devices to read-write on start; not done by capsule' }),
  kw.bool('scsireserv', { doc: 'OpenSVC: SCSI-3 persistent reservations on the resource disks; not done by capsule' }),
  kw.bool('no_preempt_abort', { doc: 'OpenSVC: preempt without abort for SCSI reservations; not done by capsule' }),
] as const;
