// Keywords of a `[container#N]` section with `type = vcloud`; loadable
// without the driver code. The endpoint and credentials are node settings
// (node.conf `[driver.vcloud]`), never in the service file.
import { kw } from '@capsule/core';
import { opensvcCloudKeywords, opensvcContainerKeywords } from '@capsule/driver-kit';

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
  ...opensvcCloudKeywords,
  ...opensvcContainerKeywords,
] as const;
