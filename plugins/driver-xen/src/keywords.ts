// Keywords of a `[container#N]` section with `type = xen`; loadable without the driver code.
import { kw } from '@capsule/core';

/** A keyword OpenSVC files carry for xen containers (snapshots, provisioning, SCSI reservation) that capsule reads and ignores. */
const openSvcOnly = <const N extends string>(name: N) => kw.string(name, { doc: `accepted from OpenSVC service files; not used by capsule's xen driver` });

export const keywords = [
  kw.string('name', { doc: 'the domain name, as `name =` in its xl config file (xl create, xl shutdown NAME)', required: true }),
  kw.path('cf', { doc: 'the domain config file given to xl create (default: NAME.cfg in node.conf [driver.xen] confdir, itself /etc/xen by default); replicated to the peers' }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes (default: name)" }),
  kw.string('address', { doc: 'the address capsule reaches the guest at over ssh, when hostname does not resolve to it' }),
  kw.int('ssh_port', { doc: "the port of the guest's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the guest', default: 'root' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the domain to run and its guest to answer over ssh', default: 120 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for xl shutdown -w before xl destroy', default: 120 }),
  ...(['snap', 'snapof', 'virtinst', 'no_preempt_abort', 'osvc_root_path', 'guestos', 'promote_rw', 'scsireserv'] as const).map(openSvcOnly),
] as const;
