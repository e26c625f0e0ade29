// Keywords of a `[container#N]` section with `type = esx`; loadable without
// the driver code. The endpoint and credentials are node settings
// (node.conf `[driver.esx]`), never in the service file that replicates.
import { kw } from '@capsule/core';
import { opensvcContainerKeywords } from '@capsule/driver-kit';

export const keywords = [
  kw.string('name', { doc: 'the virtual machine name in vCenter', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes, (default: name)" }),
  kw.string('address', { doc: "the address capsule reaches the guest at over ssh (default: the guest's address as VMware Tools reports it while it runs)" }),
  kw.int('ssh_port', { doc: "the port of the guest's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the guest', default: 'root' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the VM to power on and its guest to answer over ssh', default: 240 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a guest shutdown (VMware Tools) before powering the VM off', default: 120 }),
  // OpenSVC's container.esx keywords, read from existing files; capsule does not act on them.
  ...opensvcContainerKeywords,
] as const;
