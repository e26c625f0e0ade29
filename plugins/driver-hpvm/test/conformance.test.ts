// The hpvm driver through the conformance suite, on the hpvm simulator with
// guests whose sshd runs while the simulator says they run.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { SshGuests, TestNetwork } from '@capsule/testenv';
import { readFile } from 'node:fs/promises';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';
import { simExec } from './sim.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const net = new TestNetwork();
const guests = new SshGuests(net);
const hosts: SimHost[] = [];
let n = 0;

function simHost(): SimHost {
  const h = SimHost.create('capsule-sim-hpvm-');
  hosts.push(h);
  return h;
}

async function guest(o: { ignoresShutdown?: boolean; silent?: boolean } = {}): Promise<ConformanceGuest & { host: SimHost; name: string }> {
  const host = simHost();
  const name = `vm${++n}`;
  host.define(name, { state: 'Off', graceful_timeout: 30 });
  if (o.ignoresShutdown) host.fault('ignore-shutdown', '', name);
  // A silent guest boots, but nothing answers at its address.
  const address = o.silent ? (await net.linkToHere(await net.host(), 'eth0')).there : (await guests.guest(host.dir, name)).address;
  return { host, name, section: { name, address }, exec: simExec(host.dir), ssh: guests.ssh, isRunning: async () => host.guest(name)?.['state'] === 'On' };
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  setup: () => guests.init(),
  teardown: async () => {
    await guests.dispose();
    await net.dispose();
    hosts.forEach((h) => h.dispose());
  },
  guest,
  missingGuest: async () => ({ section: { name: 'vmnone' }, exec: simExec(simHost().dir), isRunning: async () => false }),
  toolMissing: async () => ({ section: { name: 'vm0' }, exec: (argv, o) => simExec(simHost().dir)(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }), isRunning: async () => false }),
  breakTool: async (g) => {
    const h = (g as Awaited<ReturnType<typeof guest>>).host;
    h.fault('busy', '', (g as Awaited<ReturnType<typeof guest>>).name);
  },
  silentGuest: () => guest({ silent: true }),
  peer: async (g) => {
    const { host, name } = g as Awaited<ReturnType<typeof guest>>;
    const there = simHost();
    host.peer('hv2', there);
    return { node: 'hv2', exec: simExec(there.dir), isRunningThere: async () => there.guest(name)?.['state'] === 'On' };
  },
});
