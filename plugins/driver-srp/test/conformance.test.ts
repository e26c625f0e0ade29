// The srp driver through the conformance suite, on the srp simulator: each
// container a real directory, commands run in it through srp_su.
import { runConformance } from '@capsule/conformance';
import { simulatorBin, simulatorExec } from '@capsule/testenv';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';
import { STATES } from '../src/status.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const bin = simulatorBin('srp');
const hosts: SimHost[] = [];
let n = 0;

function container(o: { ignoresShutdown?: boolean } = {}) {
  const host = SimHost.create('capsule-sim-srp-');
  hosts.push(host);
  const name = `srp${++n}`;
  const rootpath = join(host.dir, 'roots', name);
  mkdirSync(rootpath, { recursive: true });
  // A container ignoring run level 0 is terminated by srp -stop after kill_grace seconds.
  host.define(name, { state: 'stopped', rootpath, kill_grace: 3 });
  if (o.ignoresShutdown) host.fault('ignore-shutdown', '', name);
  return { host, name, section: { name }, exec: simulatorExec(bin, host.dir), isRunning: async () => host.guest(name)?.['state'] === 'started' };
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  teardown: async () => hosts.forEach((h) => h.dispose()),
  guest: async (o) => container(o),
  missingGuest: async () => ({ ...container(), section: { name: 'nosuchsrp' } }),
  toolMissing: async () => {
    const c = container();
    return { ...c, exec: (argv, o) => c.exec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) };
  },
  breakTool: async (g) => hosts.find((h) => h.guest(g.section['name']!))!.fault('busy', '', g.section['name']),
  // Started, but its login service refuses srp_su.
  silentGuest: async () => {
    const c = container();
    c.host.fault('no-login', '', c.name);
    return c;
  },
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    // The container's record takes the word srp -status prints in its STATE column.
    put: async (g, word) => {
      const host = hosts.find((h) => h.guest(g.section['name']!))!;
      host.define(g.section['name']!, { ...host.guest(g.section['name']!), state: word });
    },
    // A state a later srp may add.
    unknown: 'frozen',
  },
});
