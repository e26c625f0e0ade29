// The openstack driver passes the container conformance suite against the
// OpenStack simulator, its guests real sshd servers that answer while the
// server is ACTIVE.
import { runConformance } from '@capsule/conformance';
import { apiConformanceFixture } from '@capsule/sim-https';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { STATES } from '../src/status.js';
import { OpenstackWorld } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const world = new OpenstackWorld();
runConformance(driver, manifest.capsule.capabilities ?? {}, {
  ...apiConformanceFixture(world, 'srv-'),
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // Nova's compute service sets the server's vm_state and task_state; the API prints the status from them.
    put: async (g, word) => world.put(g.section['name']!, word),
    // A status word no Nova prints today.
    unknown: 'HIBERNATED',
  },
});
