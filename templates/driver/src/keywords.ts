// Keywords of a `[container#N]` section with `type = {{short}}`; loadable without the driver code.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('name', { doc: 'the {{tool}} container name', required: true }),
  kw.string('hostname', { doc: 'the guest node name as listed in encapnodes, when it differs from name' }),
  kw.duration('start_timeout', { doc: 'seconds to wait for the container to run and answer commands', default: 30 }),
  kw.duration('stop_timeout', { doc: 'seconds to wait for a clean stop before forcing it', default: 60 }),
] as const;
