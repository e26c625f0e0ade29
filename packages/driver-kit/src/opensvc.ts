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

/** OpenSVC's cloud containers (openstack, vcloud) provisioned through libcloud: read, not acted on (capsule does not provision). */
export const opensvcCloudKeywords = [
  kw.string('template', { doc: 'OpenSVC: the image or template to provision from; capsule does not provision' }),
  kw.string('cloud_id', { doc: "OpenSVC: the cloud section of OpenSVC's node.conf; capsule uses [driver.TYPE] of its own node.conf" }),
  kw.string('key_name', { doc: 'OpenSVC: the key pair to provision with; capsule does not provision' }),
  kw.string('size', { doc: 'OpenSVC: the flavor or size to provision with; capsule does not provision' }),
  kw.string('shared_ip_group', { doc: 'OpenSVC: the shared IP group to provision with; capsule does not provision' }),
] as const;

/** OpenSVC's prkey: "0x" and up to 16 hex digits (node.py get_prkey). */
export function prkeyProblem(v: string): string | undefined {
  return /^0x[0-9a-fA-F]{1,16}$/.test(v.trim()) ? undefined : `prkey must be 0x and 1 to 16 hex digits (ex: 0x90520a45138e85), got "${v}"`;
}

/** What every OpenSVC disk resource carries (drivers/resource/disk BASE_KEYWORDS); `what` names the disks in the docs. */
export function opensvcDiskKeywords(what: string) {
  return [
    kw.string('prkey', { doc: 'the SCSI-3 persistent reservation key of this resource (0x + up to 16 hex digits)', check: prkeyProblem }),
    kw.bool('promote_rw', { doc: 'OpenSVC: promote the base devices to read-write on start; not done by capsule', default: false }),
    kw.bool('no_preempt_abort', { doc: "preempt another node's SCSI reservation without abort (for targets without PREEMPT AND ABORT, as ESX)", default: false }),
    kw.bool('scsireserv', { doc: `take a type-5 SCSI-3 persistent reservation on the disks of ${what} before it starts (a disk.scsireserv resource)`, default: false }),
  ] as const;
}
