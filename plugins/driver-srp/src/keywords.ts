// Keywords of a `[container#N]` section with `type = srp`, OpenSVC's names
// first; loadable without the driver code.
import { kw } from '@capsule/core';
import { managementKeywords, opensvcContainerKeywords } from '@capsule/driver-kit';

export const keywords = [
  kw.string('name', { doc: 'the container name on the HP-UX host (srp -start NAME)', required: true }),
  kw.string('hostname', { doc: "the container's node name as listed in encapnodes (default: name)" }),
  kw.int('prm_cores', { doc: 'OpenSVC: cores to bind the container to when provisioning it; capsule does not provision', default: 1 }),
  kw.string('ip', { doc: 'OpenSVC: the address the container was provisioned with; capsule does not provision' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the container to start and accept srp_su', default: 240 }),
  kw.duration('stop_timeout', { doc: 'seconds for run level 0 (srp -stop) before a warning; srp then terminates what is left', default: 120 }),
  ...managementKeywords,
  ...opensvcContainerKeywords,
] as const;
