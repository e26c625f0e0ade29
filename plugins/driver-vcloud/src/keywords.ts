// Keywords of a `[container#N]` section with `type = vcloud`; loadable
// without the driver code. The endpoint and credentials are node settings
// (node.conf `[driver.vcloud]`), never in the service file.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('name', { doc: 'the VM name in Cloud Director', required: true }),
  kw.string('vapp', { doc: 'the vApp holding the VM (VM names are unique within a vApp)', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes, (default: name)" }),
  kw.string('address', { doc: "the address capsule reaches the guest at over ssh (default: the VM's address as Cloud Director reports it)" }),
  kw.string('network', { doc: "the vApp network whose address capsule uses (default: the VM's primary network connection)" }),
  kw.int('ssh_port', { doc: "the port of the guest's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the guest', default: 'root' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the power on task and for the guest to answer over ssh', default: 240 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a guest shutdown before powering the VM off', default: 120 }),
  // OpenSVC's container.vcloud keywords (provisioning through libcloud), read from existing files; capsule does not act on them.
  kw.string('template', { doc: 'the template to provision from (OpenSVC keyword, not used: capsule does not provision)' }),
  kw.string('cloud_id', { doc: 'the cloud section of OpenSVC node.conf (OpenSVC keyword; capsule uses [driver.vcloud])' }),
  kw.string('key_name', { doc: 'the key to provision with (OpenSVC keyword, not used)' }),
  kw.string('size', { doc: 'the VM size to provision with (OpenSVC keyword, not used)' }),
  kw.string('shared_ip_group', { doc: 'the shared IP group to provision with (OpenSVC keyword, not used)' }),
  kw.choice('guestos', ['unix', 'windows'], { doc: 'the operating system in the VM (OpenSVC keyword; capsule reaches every guest over ssh)' }),
  kw.string('osvc_root_path', { doc: 'where the OpenSVC agent lives in the guest (OpenSVC keyword, not used by capsule)' }),
  kw.bool('no_preempt_abort', { doc: 'SCSI reservation preempt without abort (OpenSVC keyword, not used by capsule)' }),
  kw.bool('promote_rw', { doc: 'promote base devices to read-write on start (OpenSVC keyword, not used by capsule)' }),
  kw.bool('scsireserv', { doc: 'SCSI-3 persistent reservations on the disks (OpenSVC keyword, not used by capsule)' }),
] as const;
