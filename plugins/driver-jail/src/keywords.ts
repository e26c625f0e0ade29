// Keywords of a `[container#N]` section with `type = jail`; loadable without the driver code.
// The names are OpenSVC's container.jail keywords, so existing service files validate as they are.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('name', { doc: 'the jail name (jail -c name=NAME, jexec NAME)', required: true }),
  kw.string('hostname', { doc: "the jail's host.hostname and its node name as listed in encapnodes (default: name)" }),
  kw.path('jailroot', { doc: "the jail's root directory (jail -c path=...)", required: true }),
  kw.list('ips', { doc: 'the IPv4 addresses of the jail (jail -c ip4.addr=...)' }),
  kw.list('ip6s', { doc: 'the IPv6 addresses of the jail (jail -c ip6.addr=...)' }),
  kw.duration('start_timeout', { doc: "seconds to wait for the jail's /etc/rc to finish and the jail to run commands", default: 240 }),
  kw.duration('stop_timeout', { doc: "seconds to wait for the jail's /etc/rc.shutdown before removing the jail and killing what is left", default: 120 }),
  // OpenSVC's keywords of every container, read from existing files.
  kw.choice('guestos', ['unix', 'windows'], { doc: 'the operating system in the guest (OpenSVC keyword; a jail is always unix)' }),
  kw.string('osvc_root_path', { doc: 'where the OpenSVC agent lives in the guest (OpenSVC keyword, not used by capsule)' }),
  kw.bool('no_preempt_abort', { doc: 'SCSI reservation preempt without abort (OpenSVC keyword, not used by capsule)' }),
  kw.bool('promote_rw', { doc: 'promote base devices to read-write on start (OpenSVC keyword, not used by capsule)' }),
  kw.bool('scsireserv', { doc: 'SCSI-3 persistent reservations on the disks (OpenSVC keyword, not used by capsule)' }),
] as const;
