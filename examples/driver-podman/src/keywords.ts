// Keywords of a `[container#N]` section with `type = podman`; loadable without the driver code.
// Names are OpenSVC's container.podman ones where it has them.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('name', { doc: 'the podman container name (podman start NAME)', required: true }),
  kw.string('hostname', { doc: 'the guest node name as listed in encapnodes, when it differs from name' }),
  kw.string('image', { doc: 'the image to create the container from when podman does not know it (podman create --name NAME IMAGE); unset, a missing container is an error' }),
  kw.list('run_args', { doc: 'podman create options for the container made from image (volumes, network, ulimits)' }),
  kw.list('run_command', { doc: 'the command the container made from image runs (default: the image\'s own)' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the container to run and answer podman exec', default: 30 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a clean stop (its stop signal) before killing it', default: 60 }),
] as const;
