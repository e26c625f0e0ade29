// The ldom driver through the conformance suite, on the ldm simulator with
// domains whose sshd runs while the simulator says they are active.
import { runConformance } from '@capsule/conformance';
import { simulatedSshFixture, simulatorBin, SshGuests, TestNetwork } from '@capsule/testenv';
import { readFile } from 'node:fs/promises';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const net = new TestNetwork();
// A start refused for authorization (no solaris.ldoms.write) is the failing tool.
runConformance(
  driver,
  manifest.capsule.capabilities ?? {},
  simulatedSshFixture({ net, guests: new SshGuests(net), bin: simulatorBin('ldm'), newHost: () => SimHost.create('capsule-sim-ldm-'), record: { state: 'inactive', ncpu: 4, memGiB: 4 }, running: 'active', breakWith: 'denied' }),
);
