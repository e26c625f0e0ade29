// The hpvm driver through the conformance suite, on the hpvm simulator with
// guests whose sshd runs while the simulator says they run.
import { runConformance } from '@capsule/conformance';
import { simulatedSshFixture, simulatorBin, SshGuests, TestNetwork, type SimulatedSshGuest } from '@capsule/testenv';
import { readFile } from 'node:fs/promises';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';
import { STATES } from '../src/status.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const net = new TestNetwork();
const fixture = simulatedSshFixture({ net, guests: new SshGuests(net), bin: simulatorBin('hpvm'), newHost: () => SimHost.create('capsule-sim-hpvm-'), record: { state: 'Off', graceful_timeout: 30 }, running: 'On' });
runConformance(driver, manifest.capsule.capabilities ?? {}, {
  ...fixture,
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // The guest's record takes the run state hpvmstatus -M prints in field 10.
    put: async (g, word) => {
      const { host, name } = g as unknown as SimulatedSshGuest;
      host.define(name, { ...host.guest(name), state: word });
    },
    // A run state HP's guides describe but no source shows the -M word of (corpus/README.md).
    unknown: 'Crash',
  },
});
