// The VirtualBox driver through the conformance suite, on the VBoxManage
// simulator, each guest a real sshd in a test network namespace.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { localExec } from '@capsule/transport';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';
import { VboxHost, type TestMachine } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const host = new VboxHost();

const machines = new Map<string, TestMachine>();
const asGuest = (m: TestMachine): ConformanceGuest => (machines.set(m.name, m), {
  section: { name: m.name, address: m.address },
  exec: host.exec,
  ssh: host.ssh,
  isRunning: async () => (await host.state(m.name)) === 'running',
});

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  setup: () => host.setup(),
  teardown: () => host.dispose(),
  guest: async (o) => {
    const m = await host.machine();
    if (o?.ignoresShutdown) host.sim.flag(m.name, 'ignore-shutdown');
    return asGuest(m);
  },
  missingGuest: async () => ({ section: { name: 'capsule-no-such-vm' }, exec: host.exec, ssh: host.ssh, isRunning: async () => false }),
  toolMissing: async () => ({ ...asGuest(await host.machine()), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
  // Another process (the VirtualBox GUI editing the settings) holds the machine's session lock.
  breakTool: async (g) => host.sim.fault('startvm', 'busy', g.section['name']),
  // The machine runs, its guest's sshd never starts.
  silentGuest: async () => asGuest(await host.machine({ sshd: false })),
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // The machine as VirtualBox would hold it in that state: set on the simulator's record, as showvminfo then prints it.
    put: async (g, word) => host.sim.patchGuest(g.section['name']!, { state: word }),
    // A word no VBoxManage prints today: a later VirtualBox's new state.
    unknown: 'hibernating',
  },
  // Teleporting to a second host that has the machine registered from the same settings file.
  peer: async (g) => {
    const peer = await host.peer(machines.get(g.section['name']!)!);
    return { node: 'hv2', exec: peer.exec, isRunningThere: async () => (await peer.state(g.section['name']!)) === 'running' };
  },
});
