// The hpvm driver through the conformance suite, on the hpvm simulator with
// guests whose sshd runs while the simulator says they run.
import { runConformance } from '@capsule/conformance';
import { simulatedSshFixture, simulatorBin, SshGuests, TestNetwork } from '@capsule/testenv';
import { readFile } from 'node:fs/promises';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const net = new TestNetwork();
runConformance(
  driver,
  manifest.capsule.capabilities ?? {},
  simulatedSshFixture({ net, guests: new SshGuests(net), bin: simulatorBin('hpvm'), newHost: () => SimHost.create('capsule-sim-hpvm-'), record: { state: 'Off', graceful_timeout: 30 }, running: 'On' }),
);
