// The ldom driver through the conformance suite, on the ldm simulator with
// domains whose sshd runs while the simulator says they are active.
import { runConformance } from '@capsule/conformance';
import { simulatedSshFixture, simulatorBin, SshGuests, TestNetwork, type SimulatedSshGuest } from '@capsule/testenv';
import { readFile } from 'node:fs/promises';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';
import { STATES } from '../src/status.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const net = new TestNetwork();
// A start refused for authorization (no solaris.ldoms.write) is the failing tool.
const fixture = simulatedSshFixture({ net, guests: new SshGuests(net), bin: simulatorBin('ldm'), newHost: () => SimHost.create('capsule-sim-ldm-'), record: { state: 'inactive', ncpu: 4, memGiB: 4 }, running: 'active', breakWith: 'denied' });
runConformance(driver, manifest.capsule.capabilities ?? {}, {
  ...fixture,
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // The word is `STATE FLAGS` as ldm list -p prints them: the domain's record takes both.
    put: async (g, word) => {
      const { host, name } = g as unknown as SimulatedSshGuest;
      const [state, flags] = word.split(' ');
      host.define(name, { ...host.guest(name), state, flags });
    },
    // A letter a later ldm may add to the migration column.
    unknown: 'active -n---x',
  },
});
