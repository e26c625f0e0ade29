// The esx driver passes the container conformance suite against the vSphere
// simulator, its guests real sshd servers that answer while the VM is on;
// live migration is a relocate from esx1 (node hv1) to esx2 (hv2).
import { runConformance } from '@capsule/conformance';
import { apiConformanceFixture } from '@capsule/sim-https';
import { localExec } from '@capsule/transport';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';
import { EsxWorld } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const w = new EsxWorld();
runConformance(driver, manifest.capsule.capabilities ?? {}, {
  ...apiConformanceFixture(w, 'vm-'),
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // vCenter shows the VM in the state; the power hook does not run (a suspended guest's sshd is not asked to stop).
    put: async (g, word) => w.sim.setPower(g.section['name']!, word),
    // The API documents three words; PAUSED stands for one a later vCenter may add.
    unknown: 'PAUSED',
  },
  peer: async (g) => {
    const name = g.section['name']!;
    return { node: 'hv2', exec: localExec, isRunningThere: async () => w.sim.vm(name)?.power_state === 'POWERED_ON' && w.sim.hostOf(name) === 'esx2' };
  },
});
