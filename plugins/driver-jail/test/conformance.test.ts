// The jail driver through the conformance suite, on the jail simulator.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { localExec } from '@capsule/transport';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';
import { JailHost } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const host = new JailHost();

function guest(o: { rc?: string; rcShutdown?: string } = {}): ConformanceGuest {
  const j = host.root(o);
  return { section: { name: j.name, jailroot: j.root }, exec: host.exec, isRunning: () => host.running(j.name) };
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  teardown: async () => host.dispose(),
  // A jail whose rc.shutdown hangs: the graceful stop never ends.
  guest: async (o) => guest(o?.ignoresShutdown ? { rcShutdown: 'sleep 3600' } : {}),
  missingGuest: async () => ({ section: { name: 'capsule-no-such-jail', jailroot: '/nonexistent/capsule-jail' }, exec: host.exec, isRunning: async () => false }),
  toolMissing: async () => ({ ...guest(), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
  // The kernel refuses the jail (jail_set fails): jail -c fails with its words.
  breakTool: async (g) => host.sim.fault('create', 'busy', g.section['name']),
  // A jail whose /etc/rc never finishes.
  silentGuest: async () => guest({ rc: 'sleep 3600' }),
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // ACTIVE: made as the driver makes it; DYING: removed while its references linger (the simulator's linger flag).
    put: async (g, word) => {
      const name = g.section['name']!;
      const r = await host.exec(['jail', '-c', `name=${name}`, `path=${g.section['jailroot']!}`, 'persist']);
      if (r.code !== 0) throw new Error(`jail -c: ${r.stderr}`);
      if (word === 'DYING') {
        host.sim.flag(name, 'linger');
        await host.exec(['jail', '-r', name]);
      } else if (word !== 'ACTIVE') host.sim.patchGuest(name, { state: word });
    },
    // No unknown word: jls prints a jail's state as `dying ? "DYING" : "ACTIVE"` (jls.c), nothing else; src/state.test.ts reads a later word as warn.
  },
});
