// Keywords of a `[container#N]` section with `type = kvm`; loadable without the driver code.
import { kw } from '@capsule/core';

/** Keywords OpenSVC files carry for kvm containers (provisioning with virt-install or a snapshot, the agent in the guest) that capsule reads and ignores. */
const openSvcOnly = <const N extends string>(name: N) => kw.string(name, { doc: `accepted from OpenSVC service files; not used by capsule's kvm driver` });

export const keywords = [
  kw.string('name', { doc: 'the libvirt domain name (virsh start NAME)', required: true }),
  kw.string('hostname', { doc: "the guest's node name as listed in encapnodes, (default: name)" }),
  kw.string('address', { doc: 'the address capsule reaches the guest at over ssh, when hostname does not resolve to it' }),
  kw.string('uri', { doc: 'the libvirt connection URI (virsh -c URI)', default: 'qemu:///system' }),
  kw.int('ssh_port', { doc: "the port of the guest's ssh server", default: 22 }),
  kw.string('ssh_user', { doc: 'the user capsule logs in as in the guest', default: 'root' }),
  kw.bool('qga', { doc: "reach the guest through its QEMU guest agent (virsh qemu-agent-command) instead of ssh: needs qemu-guest-agent running in it and the org.qemu.guest_agent.0 channel in the domain", default: false }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the guest to run and answer (over ssh, or its guest agent with qga)', default: 120 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a clean shutdown (ACPI) before destroying the domain', default: 120 }),
  ...(['snap', 'snapof', 'virtinst', 'osvc_root_path', 'guestos', 'promote_rw'] as const).map(openSvcOnly),
] as const;
