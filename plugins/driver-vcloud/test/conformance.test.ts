// The vcloud driver passes the container conformance suite against the
// Cloud Director simulator, its guests real sshd servers that answer while
// the VM is powered on.
import { runConformance } from '@capsule/conformance';
import { apiConformanceFixture } from '@capsule/sim-https';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { STATES } from '../src/status.js';
import { VcloudWorld } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const world = new VcloudWorld();
runConformance(driver, manifest.capsule.capabilities ?? {}, {
  ...apiConformanceFixture(world, 'vcd-'),
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // vSphere and Cloud Director set the VM's status code: `NAME (code)`, or a bare code.
    put: async (g, word) => void world.sim.patchVm(g.section['name']!, { status: Number(/(-?\d+)\)?$/.exec(word)![1]) }),
    // A code no Cloud Director prints today (21 is the highest in 10.3+).
    unknown: '22',
  },
});
