// Keywords of [sync#N] sections. capsule's sync resource is the service
// config replication (sync#i0); OpenSVC's data replication keywords
// (`type = rsync`, `src`, `dst`...) are refused by name, never read as a
// config sync: an admin must not believe data is replicated when it is not.
import { kw } from '@capsule/core';

export const DATA_SYNC = 'capsule replicates the service config only (sync#i0), not data: OpenSVC data replication (rsync, zfs, btrfs... to peers) is not supported';
const refused = () => `${DATA_SYNC}; remove the section, or run your replication from an app resource`;

export const keywords = [
  kw.list('target', { doc: 'where the config is replicated: nodes, drpnodes', default: ['nodes', 'drpnodes'] }),
  kw.string('type', { doc: 'OpenSVC data replication driver (rsync, zfs...): not supported, refused', check: refused }),
  ...(['src', 'dst', 'dstfs', 'options', 'bwlimit', 'snap', 'reset_options'] as const).map((name) => kw.string(name, { doc: 'OpenSVC rsync data replication: not supported, refused', check: refused })),
] as const;
