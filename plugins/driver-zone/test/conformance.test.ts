// The zone driver through the conformance suite, on the zones simulator.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { localExec } from '@capsule/transport';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';
import { ZoneHost } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const host = new ZoneHost();

async function guest(o: { ignoresShutdown?: boolean } = {}): Promise<ConformanceGuest> {
  // Kernel zones: the kind that migrates live.
  const z = await host.zone({ brand: 'solaris-kz' });
  if (o.ignoresShutdown) host.sim.flag(z.name, 'ignore-shutdown');
  return { section: { name: z.name }, exec: host.exec, isRunning: async () => (await host.state(z.name)) === 'running' };
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  teardown: async () => host.dispose(),
  guest,
  missingGuest: async () => ({ section: { name: 'capsule-no-such-zone' }, exec: host.exec, isRunning: async () => false }),
  toolMissing: async () => ({ ...(await guest()), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
  // zoneadm's lock held by another administrator's command: the boot fails.
  breakTool: async (g) => host.sim.fault('boot', 'busy', g.section['name']),
  // The zone boots but its services never reach the multi-user-server milestone.
  peer: async (g) => {
    const peer = host.peer('hv2');
    return { node: 'hv2', exec: peer.exec, isRunningThere: async () => (await peer.state(g.section['name']!)) === 'running' };
  },
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // The installed zone is left in the state as the kernel, a package tool or another host would leave it.
    put: async (g, word) => host.put(g.section['name']!, word),
    // A word no zoneadm prints today, as a later Solaris may add one (Solaris 11 added unavailable).
    unknown: 'quiesced',
  },
  silentGuest: async () => {
    const g = await guest();
    host.sim.flag(g.section['name']!, 'never-ready');
    return g;
  },
});
