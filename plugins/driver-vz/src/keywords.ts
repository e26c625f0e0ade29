// Keywords of a `[container#N]` section with `type = vz`; loadable without the driver code.
import { kw } from '@capsule/core';

/** A keyword OpenSVC files carry for vz containers (provisioning, SCSI reservation) that capsule reads and ignores. */
const openSvcOnly = <const N extends string>(name: N) => kw.string(name, { doc: `accepted from OpenSVC service files; not used by capsule's vz driver` });

export const keywords = [
  kw.string('name', { doc: 'the container ID (CTID) or name (vzctl start CTID)', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes, its HOSTNAME (default: name)" }),
  kw.duration('start_timeout', { doc: 'seconds to wait for a command to run in the started container', default: 120 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for vzctl stop before vzctl stop --fast', default: 120 }),
  kw.string('rootfs', { doc: "accepted from OpenSVC service files (the container's root, for provisioning); capsule reads VE_ROOT from the container's config" }),
  kw.string('template', { doc: 'accepted from OpenSVC service files (the template to provision from); capsule does not provision' }),
  ...(['no_preempt_abort', 'osvc_root_path', 'guestos', 'promote_rw', 'scsireserv'] as const).map(openSvcOnly),
] as const;
