// Keywords of [disk#N] sections of type drbd: OpenSVC's names and defaults.
import { kw } from '@capsule/core';
import { opensvcDiskKeywords } from '@capsule/driver-kit';

export const keywords = [
  kw.string('res', { doc: 'the DRBD resource name, defined in /etc/drbd.d/RES.res on every node', required: true }),
  // Provisioning keywords: read so that OpenSVC files validate; capsule does not provision DRBD.
  kw.string('disk', { doc: 'OpenSVC provisioning: the backing device of the DRBD resource; not used by start, stop or status' }),
  kw.int('max_peers', { doc: 'OpenSVC provisioning: create-md --max-peers; not used by capsule', default: 0 }),
  kw.string('addr', { doc: 'OpenSVC provisioning: the replication address of this node; not used by capsule' }),
  kw.string('port', { doc: 'OpenSVC provisioning: the replication port; not used by capsule' }),
  kw.string('network', { doc: 'OpenSVC provisioning: the backend network for DRBD traffic; not used by capsule' }),
  ...opensvcDiskKeywords('this resource'),
] as const;
