// Keywords of [disk#N] sections of type zpool: OpenSVC's names and defaults.
import { kw } from '@capsule/core';
import { opensvcDiskKeywords } from '@capsule/driver-kit';

export const keywords = [
  kw.string('name', { doc: 'the name of the ZFS pool', required: true }),
  // OpenSVC's tristate: unset leaves the pool's property alone.
  kw.bool('multihost', { doc: 'set the pool property multihost=on (true) or off (false) after import; unset: leave it. Needs a unique /etc/hostid on every node (zgenhostid)' }),
  // Provisioning keywords: read so that OpenSVC files validate; capsule does not create pools.
  kw.string('create_options', { doc: 'OpenSVC provisioning: zpool create options; not used by capsule' }),
  kw.list('vdev', { doc: 'OpenSVC provisioning: the vdevs of zpool create; not used by capsule' }),
  kw.string('zone', { doc: 'OpenSVC (Solaris): the zone the pool is imported for; not supported on Linux' }),
  ...opensvcDiskKeywords('this pool'),
] as const;
