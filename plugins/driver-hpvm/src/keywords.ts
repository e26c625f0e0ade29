// Keywords of a `[container#N]` section with `type = hpvm`, OpenSVC's names
// first; loadable without the driver code.
import { kw } from '@capsule/core';
import { managementKeywords, opensvcContainerKeywords } from '@capsule/driver-kit';

export const keywords = [
  kw.string('name', { doc: 'the guest name on the VM Host (hpvmstart -P NAME)', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes (default: name)" }),
  kw.string('address', { doc: 'the address capsule reaches the guest at over ssh, when hostname does not resolve to it' }),
  kw.int('ssh_port', { doc: "the port of the guest's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the guest', default: 'root' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the guest to boot and answer over ssh', default: 240 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a graceful stop (hpvmstop -g) before a forced one (hpvmstop -F)', default: 120 }),
  ...managementKeywords,
  ...opensvcContainerKeywords,
] as const;
