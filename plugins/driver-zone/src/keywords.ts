// Keywords of a `[container#N]` section with `type = zone`; loadable without the driver code.
// The names are OpenSVC's container.zone keywords, so existing service files validate as they are.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('name', { doc: 'the zone name (zoneadm -z NAME)', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes, when it differs from name" }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the zone to boot and its multi-user-server milestone to come online', default: 240 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a clean shutdown (zoneadm shutdown) before halting the zone', default: 120 }),
  kw.bool('delete_on_stop', {
    doc: 'delete the zone configuration after stop; the next start configures it again from the exported configuration, which replicates to the peers',
    default: false,
  }),
  kw.path('zonepath', { doc: 'the zone path (OpenSVC provisioning keyword; capsule starts zones that are already configured)' }),
  // OpenSVC's provisioning keywords, read from existing files; capsule does not provision zones.
  kw.string('container_origin', { doc: 'the zone to clone from (OpenSVC provisioning keyword, not used by capsule)' }),
  kw.string('rootfs', { doc: 'the root filesystem directory (OpenSVC provisioning keyword, not used by capsule)' }),
  kw.string('sc_profile', { doc: 'system configuration profile for installation (OpenSVC provisioning keyword, not used by capsule)' }),
  kw.string('ai_manifest', { doc: 'Automated Installer manifest (OpenSVC provisioning keyword, not used by capsule)' }),
  kw.choice('brand', ['solaris', 'solaris10', 'native'], { doc: 'the brand of a zone to create (OpenSVC provisioning keyword, not used by capsule)' }),
  kw.string('install_archive', { doc: 'archive to install from, zoneadm install -a (OpenSVC provisioning keyword, not used by capsule)' }),
  kw.string('snap', { doc: 'the clone dataset of a provisioned zone (OpenSVC provisioning keyword, not used by capsule)' }),
  kw.string('snapof', { doc: 'the dataset a provisioned zone is cloned from (OpenSVC provisioning keyword, not used by capsule)' }),
  // OpenSVC's keywords of every container, read from existing files.
  kw.choice('guestos', ['unix', 'windows'], { doc: 'the operating system in the guest (OpenSVC keyword; a zone is always unix)' }),
  kw.string('osvc_root_path', { doc: 'where the OpenSVC agent lives in the guest (OpenSVC keyword, not used by capsule)' }),
  kw.bool('no_preempt_abort', { doc: 'SCSI reservation preempt without abort (OpenSVC keyword, not used by capsule)' }),
  kw.bool('promote_rw', { doc: 'promote base devices to read-write on start (OpenSVC keyword, not used by capsule)' }),
  kw.bool('scsireserv', { doc: 'SCSI-3 persistent reservations on the disks (OpenSVC keyword, not used by capsule)' }),
] as const;
