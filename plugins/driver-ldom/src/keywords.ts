// Keywords of a `[container#N]` section with `type = ldom`, OpenSVC's names
// first; loadable without the driver code.
import { kw } from '@capsule/core';
import { managementKeywords, opensvcContainerKeywords } from '@capsule/driver-kit';

export const keywords = [
  kw.string('name', { doc: 'the logical domain name on the control domain (ldm start-domain NAME)', required: true }),
  kw.string('hostname', { doc: "the domain's node name as listed in encapnodes (default: name)" }),
  kw.string('address', { doc: 'the address capsule reaches the domain at over ssh, when hostname does not resolve to it' }),
  kw.int('ssh_port', { doc: "the port of the domain's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the domain', default: 'root' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the domain to boot and answer over ssh', default: 240 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a graceful stop-domain before stop-domain -f', default: 120 }),
  ...managementKeywords,
  ...opensvcContainerKeywords,
] as const;
