// Keywords of a `[container#N]` section with `type = lxc`; loadable without the driver code.
import { kw } from '@capsule/core';

/** Keywords OpenSVC files carry for lxc containers (provisioning with lxc-create, the agent in the guest) that capsule reads and ignores. */
const openSvcOnly = <const N extends string>(name: N) => kw.string(name, { doc: `accepted from OpenSVC service files; not used by capsule's lxc driver` });

export const keywords = [
  kw.string('name', { doc: 'the LXC container name (lxc-start -n NAME)', required: true }),
  kw.string('hostname', { doc: 'the guest node name as listed in encapnodes, when it differs from name' }),
  kw.string('cf', { doc: 'an LXC config file to start the container with (lxc-start -f)' }),
  kw.string('lxcpath', { doc: 'the LXC containers directory (lxc-* -P)', default: '/var/lib/lxc' }),
  // OpenSVC b2.1's and om3's names for the same directory: set, they win over lxcpath.
  kw.string('container_data_dir', { doc: "OpenSVC b2.1's name for lxcpath: the containers directory (lxc-* -P); wins over lxcpath" }),
  kw.string('data_dir', { doc: "om3's name for lxcpath: the containers directory (lxc-* -P); wins over lxcpath" }),
  kw.string('rootfs', { doc: 'the container root filesystem, overriding lxc.rootfs.path of its config (lxc-start -s)' }),
  kw.list('rcmd', { doc: 'command prefix that runs a command in the guest (default: lxc-attach -n NAME -P LXCPATH --)' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the container to be up and operational', default: 30 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a clean stop before forcing it', default: 60 }),
  ...(['template', 'template_options', 'create_environment', 'create_configs_environment', 'create_secrets_environment', 'osvc_root_path', 'guestos', 'promote_rw'] as const).map(openSvcOnly),
] as const;
