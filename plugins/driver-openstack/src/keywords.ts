// Keywords of a `[container#N]` section with `type = openstack`; loadable
// without the driver code. Keystone's URL and the credentials are node
// settings (node.conf `[driver.openstack]`), never in the service file.
import { kw } from '@capsule/core';
import { opensvcCloudKeywords, opensvcContainerKeywords } from '@capsule/driver-kit';

export const keywords = [
  kw.string('name', { doc: 'the server name in Nova (matched exactly)', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes, (default: name)" }),
  kw.string('address', { doc: "the address capsule reaches the guest at over ssh (default: the server's address as Nova reports it)" }),
  kw.string('network', { doc: "the Nova network whose address capsule uses (default: the server's first network)" }),
  kw.int('ssh_port', { doc: "the port of the guest's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the guest', default: 'root' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the server to be ACTIVE and its guest to answer over ssh', default: 240 }),
  kw.duration('stop_timeout', { doc: "seconds to wait for the server to be SHUTOFF after os-stop before waiting for Nova's own forced power off", default: 120 }),
  // OpenSVC's container.openstack keywords (provisioning through libcloud), read from existing files; capsule does not act on them.
  ...opensvcCloudKeywords,
  ...opensvcContainerKeywords,
] as const;
