// Keywords of a `[container#N]` section with `type = vbox`; loadable without the driver code.
// The names are OpenSVC's container.vbox keywords, so existing service files validate as they are.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('name', { doc: 'the VirtualBox machine name (VBoxManage startvm NAME)', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes (default: name)" }),
  kw.bool('headless', {
    doc: 'start without a window (startvm --type headless); false opens the VirtualBox window, which needs a display (OpenSVC defaulted to false)',
    default: true,
  }),
  kw.string('address', { doc: 'the address capsule reaches the guest at over ssh, when hostname does not resolve to it' }),
  kw.int('ssh_port', { doc: "the port of the guest's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the guest', default: 'root' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the machine to run and its guest to answer over ssh', default: 240 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for the guest to power off after the ACPI power button before powering the machine off', default: 120 }),
  // OpenSVC's keywords of every container, read from existing files.
  kw.choice('guestos', ['unix', 'windows'], { doc: 'the operating system in the guest (OpenSVC keyword; capsule reaches every guest over ssh)' }),
  kw.string('osvc_root_path', { doc: 'where the OpenSVC agent lives in the guest (OpenSVC keyword, not used by capsule)' }),
  kw.bool('no_preempt_abort', { doc: 'SCSI reservation preempt without abort (OpenSVC keyword, not used by capsule)' }),
  kw.bool('promote_rw', { doc: 'promote base devices to read-write on start (OpenSVC keyword, not used by capsule)' }),
  kw.bool('scsireserv', { doc: 'SCSI-3 persistent reservations on the disks (OpenSVC keyword, not used by capsule)' }),
] as const;
