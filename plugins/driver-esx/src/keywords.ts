// Keywords of a `[container#N]` section with `type = esx`; loadable without
// the driver code. The endpoint and credentials are node settings
// (node.conf `[driver.esx]`), never in the service file that replicates.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('name', { doc: 'the virtual machine name in vCenter', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes, (default: name)" }),
  kw.string('address', { doc: "the address capsule reaches the guest at over ssh (default: the guest's address as VMware Tools reports it while it runs)" }),
  kw.int('ssh_port', { doc: "the port of the guest's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the guest', default: 'root' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the VM to power on and its guest to answer over ssh', default: 240 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a guest shutdown (VMware Tools) before powering the VM off', default: 120 }),
  // OpenSVC's container.esx keywords, read from existing files; capsule does not act on them.
  kw.choice('guestos', ['unix', 'windows'], { doc: 'the operating system in the VM (OpenSVC keyword; capsule reaches every guest over ssh)' }),
  kw.string('osvc_root_path', { doc: 'where the OpenSVC agent lives in the guest (OpenSVC keyword, not used by capsule)' }),
  kw.bool('no_preempt_abort', { doc: 'SCSI reservation preempt without abort (OpenSVC keyword, not used by capsule)' }),
  kw.bool('promote_rw', { doc: 'promote base devices to read-write on start (OpenSVC keyword, not used by capsule)' }),
  kw.bool('scsireserv', { doc: 'SCSI-3 persistent reservations on the disks (OpenSVC keyword, not used by capsule)' }),
] as const;
